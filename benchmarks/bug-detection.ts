import os from 'node:os';
import { tradingPack } from '../src/domains/trading/trading-pack.ts';
import type { Attempt } from './bug-detection/attempt.ts';
import { bugInfo } from './bug-detection/bug-info.ts';
import { campaignAttempt } from './bug-detection/campaign-attempt.ts';
import { catalogAttempt } from './bug-detection/catalog-attempt.ts';
import { type BugResult, details, missedList, resultTable } from './bug-detection/report.ts';
import { readSettings } from './bug-detection/settings.ts';
import { unbiasedProperties } from './bug-detection/unbiased-properties.ts';

/**
 * `npm run bench:bugs`: how fast each strategy finds each planted bug, in-process. Seeds vary
 * the randomised strategies; the catalog is fixed and runs once per bug. Progress goes to
 * stderr, the report (Markdown) to stdout.
 */
const settings = readSettings();
// What `shakedown run` runs without --property: opt-in properties (long runs) are left out.
const shakedown = tradingPack.properties.filter((p) => !p.optIn);
const uniform = unbiasedProperties();
const log = (line: string) => process.stderr.write(`${line}\n`);
const brief = (a: Attempt) =>
  a.found
    ? `found after ${a.runs} runs, ${((a.ms ?? 0) / 1000).toFixed(2)} s by ${a.by}, shrunk ${a.shrunk ?? '?'}`
    : `missed (${a.totalRuns} runs)`;

const started = performance.now();
const cpus = os.cpus();
const env = ['BUGS_BUDGET_MS', 'BUGS_SEEDS', 'BUGS_UNIFORM_SEEDS', 'BUGS_SHRINK_MS', 'BUGS_RUNS', 'BUGS_ONLY']
  .filter((name) => process.env[name])
  .map((name) => `${name}=${process.env[name]} `)
  .join('');
const header = [
  `# shakedown bug-detection benchmark — ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC`,
  '',
  `Machine: ${cpus.length} x ${cpus[0]?.model ?? 'unknown cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at start.`,
  `Node ${process.version}. Command: \`${env}npm run bench:bugs\`.`,
  `Budget per attempt ${settings.budgetMs / 1000} s wall, seeds 1..${settings.seeds} for shakedown and 1..${settings.uniformSeeds} for uniform, the catalog twice (fixed, no seed), shrink budget ${settings.shrinkMs / 1000} s (not counted), campaigns of ${settings.runs} runs per property repeated with fresh seeds (s, s+1000, s+2000, ...) until the budget is spent.`,
];

// Controls: a strategy that fails on the clean venue would make its "found" figures meaningless.
log('control: clean venue and client');
const controls = {
  shakedown: await campaignAttempt(shakedown, undefined, 1, settings),
  catalog: await catalogAttempt(undefined, settings),
  uniform: await campaignAttempt(uniform, undefined, 1, settings),
};
log(
  `  shakedown ${brief(controls.shakedown)}; catalog ${brief(controls.catalog)}; uniform ${brief(controls.uniform)}`,
);

const results: BugResult[] = [];
for (const name of settings.bugs) {
  const bug = bugInfo(name);
  const catalog = await catalogAttempt(name, settings);
  // The catalog is fixed steps on virtual time: a second pass checks it is deterministic.
  const again = await catalogAttempt(name, settings);
  if (again.failing.join() !== catalog.failing.join()) catalog.unstable = again.failing;
  log(`${name}: catalog ${brief(catalog)}`);
  const result: BugResult = { bug, shakedown: [], catalog, uniform: [] };
  // Strategies take turns per seed, so load that drifts over the run hits both alike.
  for (let seed = 1; seed <= settings.seeds; seed++) {
    const s = await campaignAttempt(shakedown, name, seed, settings);
    result.shakedown.push(s);
    const u =
      seed <= settings.uniformSeeds ? await campaignAttempt(uniform, name, seed, settings) : undefined;
    if (u) result.uniform.push(u);
    log(`  seed ${seed}: shakedown ${brief(s)}${u ? `; uniform ${brief(u)}` : ''}`);
  }
  results.push(result);
}

const totalS = (performance.now() - started) / 1000;
const control = (label: string, a: Attempt) =>
  `${label} ${a.found ? `FAILED (${a.by}: ${a.invariants?.join(', ')})` : `passed (${a.totalRuns} runs)`}`;
process.stdout.write(
  [
    ...header,
    '',
    resultTable(results),
    '',
    'Runs and seconds are to the first failing run (campaign start to the end of that run, shrinking excluded); a miss counts as later than any find, so a median of "miss" means more than half the seeds missed. Worst is over all seeds. Shrunk: median actions in the shrunk counterexample over the seeds that found it. Catalog: fixed, run once (seconds to the first failing scenario, which is named).',
    '',
    'Missed (not found within the budget):',
    '',
    missedList(results),
    '',
    `Clean controls (no bug, seed 1): ${control('shakedown', controls.shakedown)}; ${control('catalog', controls.catalog)}; ${control('uniform', controls.uniform)}.`,
    '',
    'Details:',
    '',
    details(results),
    '',
    `Whole run: ${(totalS / 60).toFixed(1)} min.`,
    '',
  ].join('\n'),
);
