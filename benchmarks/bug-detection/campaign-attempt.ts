import type { Property } from '../../src/core/model/property.ts';
import { type PropertyOrder, runCampaign } from '../../src/core/runner/campaign.ts';
import { WorkerPool } from '../../src/core/workers/worker-pool.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';
import type { Attempt } from './attempt.ts';
import type { BenchSettings } from './settings.ts';
import { StopClock } from './stop-clock.ts';

/** The campaign seed of round `round` of the attempt with seed `seed`: round 0 is the seed itself. */
export function roundSeed(seed: number, round: number): number {
  return seed + 1_000 * round;
}

/**
 * One attempt: in-process campaigns over the given properties (each with its default faults,
 * `settings.runs` runs per property, as `shakedown run --bug X` runs them) against a venue or
 * client built with `bug` (none for the clean control), one after another with fresh seeds
 * until one fails or the budget is spent. Repeating whole campaigns rather than raising --runs
 * matters: a property whose time share is spent still has fast-check generate (and skip) the
 * rest of its --runs, and that generation eats the budget of the properties after it.
 * Time and runs to the first failure are read from onRun; shrinking and the stopped tail
 * after it are not counted. `order`: how the properties take the thread (runCampaign's
 * default, interleaved, unless given). `workers`: each attempt on a fresh worker pool of that
 * many slots (as `shakedown run --workers N`: the workers generate, the last slot is this
 * thread), its start counted in the attempt's time as a user's command counts it.
 */
export async function campaignAttempt(
  properties: readonly Property<TradingAction>[],
  bug: string | undefined,
  seed: number,
  settings: BenchSettings,
  order?: PropertyOrder,
  workers?: number,
): Promise<Attempt> {
  const targetOptions = { bugs: bug === undefined ? [] : [bug], seed, faults: 'all' as const };
  const factory = await tradingPack.targetFactory({ kind: 'inproc' }, targetOptions);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const pool =
    workers === undefined
      ? undefined
      : await WorkerPool.start<TradingAction>({
          size: workers,
          pack: {
            module: new URL('../../src/domains/trading/trading-pack.ts', import.meta.url).href,
            exportName: 'tradingPack',
          },
          spec: { kind: 'inproc' },
          targetOptions,
          generates: properties.map((p) => p.name),
        });
  const setTimer = (ms: number, fn: () => void): (() => void) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  };
  let runs = 0;
  let first: { runs: number; ms: number; cpuMs: number; property: string; runIndex: number } | undefined;
  try {
    for (let round = 0; round < settings.maxRounds; round++) {
      const left = settings.budgetMs - (performance.now() - started);
      if (left <= 0) break;
      const clock = new StopClock();
      const result = await runCampaign<TradingAction>({
        properties,
        invariants: tradingPack.invariants,
        projection: tradingPack.projection,
        clients: tradingPack.clients,
        factory,
        seed: roundSeed(seed, round),
        runs: settings.runs,
        timeBudgetMs: left,
        shrinkBudgetMs: settings.shrinkMs,
        now: clock.now,
        ...(order ? { order } : {}),
        ...(pool ? { pool, setTimer } : {}),
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
        // Another property's turn (sequential: the next property; interleaved: the next turn)
        // comes only after the failing one has shrunk: nothing more to learn.
        onProperty: () => {
          if (first !== undefined) clock.stop();
        },
      });
      if (first === undefined) continue;
      const failure = result.properties.find((o) => o.property === first?.property)?.failure;
      const verdict = failure?.report.verdict;
      return {
        found: true,
        runs: first.runs,
        ms: first.ms,
        cpuMs: first.cpuMs,
        by: first.property,
        round,
        runIndex: first.runIndex,
        ...(failure ? { shrunk: failure.report.actions.length } : {}),
        invariants:
          verdict?.status === 'fail' ? [...new Set(verdict.violations.map((v) => v.invariant))] : [],
        totalRuns: runs,
        wallMs: performance.now() - started,
      };
    }
    return { found: false, totalRuns: runs, wallMs: performance.now() - started };
  } finally {
    await pool?.close();
    await factory.dispose?.();
  }
}
