import { tradingPack } from '../../src/domains/trading/trading-pack.ts';
import type { Attempt } from './attempt.ts';
import { campaignAttempt } from './campaign-attempt.ts';
import { readSettings } from './settings.ts';
import { median, worst } from './stats.ts';

/**
 * Time to find a bug with the properties taking turns (interleaved, runCampaign's default)
 * beside property after property (sequential), side by side in one process: for each bug and
 * seed both orders run, the first of the two alternating with the seed, so load that drifts
 * hits both alike. Reads BUGS_ONLY (default: the five slowest of docs/benchmarks.md,
 * 2026-12-07), BUGS_SEEDS, BUGS_RUNS, BUGS_BUDGET_MS and BUGS_SHRINK_MS as bench:bugs does.
 * Progress goes to stderr, the table (Markdown) to stdout.
 *
 * `--workers N` runs each attempt on a worker pool of N slots (as `shakedown run --workers N`:
 * the workers generate, the last slot is this thread), started afresh for each attempt and
 * counted in its time, as a user's command counts it; sequential there is how a pool explored
 * before its properties took turns. CPU time is this process's, worker threads included.
 *
 *   node --import ./bin/register-ts.mjs benchmarks/bug-detection/order-comparison.ts [--workers 2]
 */
const SLOWEST_FIVE = [
  'stop_triggers_before_accept',
  'stop_limit_trades_through_limit',
  'ignore_retry_after',
  'stop_triggers_early',
  'stop_never_triggers_on_gap',
];
if (!process.env.BUGS_ONLY) process.env.BUGS_ONLY = SLOWEST_FIVE.join(',');
const settings = readSettings();
// What `shakedown run` runs without --property: opt-in properties (long runs) are left out.
const properties = tradingPack.properties.filter((p) => !p.optIn);
const log = (line: string) => process.stderr.write(`${line}\n`);
const ORDERS = ['sequential', 'interleaved'] as const;
const workersAt = process.argv.indexOf('--workers');
const workers = workersAt < 0 ? undefined : Number(process.argv[workersAt + 1]);
if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1))
  throw new Error(`--workers: expected a whole number >= 1, got ${process.argv[workersAt + 1]}`);

const figure = (attempts: readonly Attempt[], pick: (a: Attempt) => number | undefined): number[] =>
  attempts.map((a) => (a.found ? (pick(a) ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY));
const show = (value: number, digits: number): string =>
  value === Number.POSITIVE_INFINITY ? 'miss' : value.toFixed(digits);
const pair = (values: number[], digits: number): string =>
  `${show(median(values), digits)} / ${show(worst(values), digits)}`;

const rows: string[] = [];
for (const bug of settings.bugs) {
  const attempts: Record<(typeof ORDERS)[number], Attempt[]> = { sequential: [], interleaved: [] };
  for (let seed = 1; seed <= settings.seeds; seed++) {
    const orders = seed % 2 === 1 ? ORDERS : [...ORDERS].reverse();
    for (const order of orders) {
      const attempt = await campaignAttempt(properties, bug, seed, settings, order, workers);
      attempts[order].push(attempt);
      log(
        `${bug} seed ${seed} ${order}: ${attempt.found ? `run ${attempt.runs}, ${((attempt.ms ?? 0) / 1000).toFixed(2)} s wall, ${((attempt.cpuMs ?? 0) / 1000).toFixed(2)} s CPU, by ${attempt.by}` : 'missed'}`,
      );
    }
  }
  const [seq, int] = [attempts.sequential, attempts.interleaved];
  const ratio = (pick: (a: Attempt) => number | undefined) =>
    (median(figure(seq, pick)) / median(figure(int, pick))).toFixed(1);
  rows.push(
    `| ${bug} | ${int.filter((a) => a.found).length}/${int.length} | ${pair(
      figure(seq, (a) => a.runs),
      0,
    )} | ${pair(
      figure(int, (a) => a.runs),
      0,
    )} | ${pair(
      figure(seq, (a) => (a.ms ?? 0) / 1000),
      2,
    )} | ${pair(
      figure(int, (a) => (a.ms ?? 0) / 1000),
      2,
    )} | ${ratio((a) => a.ms)}x | ${pair(
      figure(seq, (a) => (a.cpuMs ?? 0) / 1000),
      2,
    )} | ${pair(
      figure(int, (a) => (a.cpuMs ?? 0) / 1000),
      2,
    )} | ${ratio((a) => a.cpuMs)}x |`,
  );
}
process.stdout.write(
  [
    `${workers === undefined ? 'One thread' : `A worker pool of ${workers}, started in each attempt`}; seeds 1..${settings.seeds}, ${settings.runs} runs per property, budget ${settings.budgetMs / 1000} s per attempt; runs and seconds to the end of the first failing run (median / worst).`,
    '',
    '| bug | found (interleaved) | runs, sequential | runs, interleaved | s wall, sequential | s wall, interleaved | wall ratio (medians) | s CPU, sequential | s CPU, interleaved | CPU ratio (medians) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n'),
);
