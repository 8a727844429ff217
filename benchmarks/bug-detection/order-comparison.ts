import type { Property } from '../../src/core/model/property.ts';
import { type PropertyOrder, runCampaign } from '../../src/core/runner/campaign.ts';
import { WorkerPool } from '../../src/core/workers/worker-pool.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';
import type { Attempt } from './attempt.ts';
import { campaignAttempt, roundSeed } from './campaign-attempt.ts';
import { type BenchSettings, readSettings } from './settings.ts';
import { median, worst } from './stats.ts';
import { StopClock } from './stop-clock.ts';

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

/**
 * campaignAttempt on a fresh worker pool of `size` slots: campaigns with fresh seeds until one
 * fails or the budget is spent, time and runs to the end of the first failing run (folded),
 * the pool's start included.
 */
async function poolAttempt(
  size: number,
  chosen: readonly Property<TradingAction>[],
  bug: string,
  seed: number,
  bench: BenchSettings,
  order: PropertyOrder,
): Promise<Attempt> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const targetOptions = { bugs: [bug], seed, faults: 'all' };
  const pool = await WorkerPool.start<TradingAction>({
    size,
    pack: {
      module: new URL('../../src/domains/trading/trading-pack.ts', import.meta.url).href,
      exportName: 'tradingPack',
    },
    spec: { kind: 'inproc' },
    targetOptions,
    generates: chosen.map((p) => p.name),
  });
  const factory = await tradingPack.targetFactory({ kind: 'inproc' }, targetOptions as never);
  const setTimer = (ms: number, fn: () => void): (() => void) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  };
  let runs = 0;
  let first: { runs: number; ms: number; cpuMs: number; property: string; runIndex: number } | undefined;
  try {
    for (let round = 0; round < bench.maxRounds; round++) {
      const left = bench.budgetMs - (performance.now() - started);
      if (left <= 0) break;
      const clock = new StopClock();
      await runCampaign<TradingAction>({
        properties: chosen,
        invariants: tradingPack.invariants,
        projection: tradingPack.projection,
        clients: tradingPack.clients,
        factory,
        seed: roundSeed(seed, round),
        runs: bench.runs,
        timeBudgetMs: left,
        shrinkBudgetMs: bench.shrinkMs,
        now: clock.now,
        setTimer,
        pool,
        order,
        onRun: (progress) => {
          runs++;
          if (progress.failed && first === undefined) {
            const cpu = process.cpuUsage(cpuStarted);
            first = {
              runs,
              ms: performance.now() - started,
              cpuMs: (cpu.user + cpu.system) / 1000,
              property: progress.property,
              runIndex: progress.runIndex,
            };
          }
        },
        onProperty: () => {
          if (first !== undefined) clock.stop();
        },
      });
      if (first === undefined) continue;
      return {
        found: true,
        runs: first.runs,
        ms: first.ms,
        cpuMs: first.cpuMs,
        by: first.property,
        round,
        runIndex: first.runIndex,
        totalRuns: runs,
        wallMs: performance.now() - started,
      };
    }
    return { found: false, totalRuns: runs, wallMs: performance.now() - started };
  } finally {
    await pool.close();
    await factory.dispose?.();
  }
}

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
      const attempt =
        workers === undefined
          ? await campaignAttempt(properties, bug, seed, settings, order)
          : await poolAttempt(workers, properties, bug, seed, settings, order);
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
