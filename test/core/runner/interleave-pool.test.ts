import { afterAll, describe, expect, it } from 'vitest';
import type { TargetFactory } from '../../../src/core/model/target.ts';
import {
  type CampaignOptions,
  type CampaignResult,
  type PropertyOrder,
  runCampaign,
} from '../../../src/core/runner/campaign.ts';
import { LanePool } from '../../../src/core/runner/lane-pool.ts';
import { poolTurnRuns } from '../../../src/core/runner/property-turns.ts';
import type { RunPool } from '../../../src/core/runner/run-pool.ts';
import { isShakedownError } from '../../../src/core/shakedown-error.ts';
import type { Shard } from '../../../src/core/shard/shard.ts';
import type { WorkerPool } from '../../../src/core/workers/worker-pool.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';
import { decidedCampaign } from '../../support/campaign-decided.ts';
import { byProperty, CRASHING, startTradingPool, tradingProperty } from '../../support/pool-trading.ts';

/**
 * Properties take turns on a pool too (CampaignOptions.order, explore-in-pool.ts): a turn is a
 * window of runs over every slot (poolTurnRuns), ended once they are all folded. Each
 * property's outcome (runs, actions, verdict, failures and their shrunk actions, tallies,
 * faults, latency, surface) on a worker pool or a lane pool, in either order, is the one the
 * campaign gives on one thread; only the order of the runs changes, and that order is the
 * same on every pool of the same size.
 */

const SEED = 3;
const targetOptions = (bugs: readonly string[]) => ({ bugs: [...bugs], seed: SEED, faults: 'all' });
const factoryOf = (bugs: readonly string[]) =>
  tradingPack.targetFactory({ kind: 'inproc' }, targetOptions(bugs) as never) as Promise<
    TargetFactory<TradingAction>
  >;

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A worker pool of two slots (a worker thread and this thread), the workers generating. */
function workerPool(
  bugs: readonly string[],
  crashing?: Record<string, unknown>,
): Promise<WorkerPool<TradingAction>> {
  return startTradingPool(
    { size: 2, seed: SEED, bugs: [...bugs], ...(crashing ? { pack: CRASHING, extra: crashing } : {}) },
    (pool) => closers.push(() => pool.close()),
  );
}

/**
 * The worker pool without planted bugs, started once for the file: every test that needs one
 * takes it (a pool goes from one campaign to the next, as everyWay's sequential order already
 * does; none of those tests reads its crashes or peak), so the file pays one worker's start for
 * them instead of five.
 */
let clean: Promise<WorkerPool<TradingAction>> | undefined;
const cleanWorkerPool = (): Promise<WorkerPool<TradingAction>> => {
  clean ??= workerPool([]);
  return clean;
};

/** Two lanes on this thread, each its own venue; this thread generates every run. */
function lanePool(bugs: readonly string[]): LanePool<TradingAction> {
  const pool = new LanePool<TradingAction>({
    lanes: 2,
    laneFactory: () => factoryOf(bugs),
    clients: tradingPack.clients,
    projection: tradingPack.projection,
    invariants: tradingPack.invariants,
    describeAction: tradingPack.describeAction,
    exercised: (evidence) => tradingPack.exercised(evidence as never),
  });
  closers.push(() => pool.close());
  return pool;
}

type Extra = Partial<CampaignOptions<TradingAction>>;

interface Ran {
  result: CampaignResult<TradingAction>;
  /** `property#runIndex:actions` of every run onRun reported, failing ones marked `!`, in order. */
  runs: string[];
}

async function campaign(
  order: PropertyOrder,
  names: string[],
  options: { seed: number; runs: number; bugs?: string[]; pool?: RunPool<TradingAction> } & Extra,
): Promise<Ran> {
  const { seed, runs: runCount, bugs = [], ...extra } = options;
  const factory = await factoryOf(bugs);
  const runs: string[] = [];
  try {
    const result = await runCampaign<TradingAction>({
      properties: names.map(tradingProperty),
      invariants: tradingPack.invariants,
      projection: tradingPack.projection,
      clients: tradingPack.clients,
      factory,
      seed,
      runs: runCount,
      maxActions: 14,
      shrinkAttempts: 60,
      timeBudgetMs: 600_000,
      transport: 'inproc',
      surface: { registry: tradingPack.surface, exercised: (e) => tradingPack.exercised(e as never) },
      now: () => performance.now(),
      order,
      onRun: (run) =>
        runs.push(`${run.property}#${run.runIndex}:${run.generated.length}${run.failed ? '!' : ''}`),
      ...extra,
    });
    return { result, runs };
  } finally {
    await factory.dispose?.();
  }
}

/** Runs folded before the first failing one (itself included); 0 when none failed. */
const untilFirstFailure = (runs: readonly string[]): number => runs.findIndex((r) => r.endsWith('!')) + 1;

/**
 * The campaign on one thread (interleaved, the reference), then on a worker pool and a lane
 * pool taking turns (and, with `sequential`, property after property too): every one decides
 * what the reference decides, field by field, and folds each property's runs in the same order.
 */
async function everyWay(
  names: string[],
  options: { seed: number; runs: number; bugs?: string[] } & Extra,
  sequential = false,
): Promise<
  Record<'thread' | 'workers' | 'lanes', Ran> & Partial<Record<'workersSequential' | 'lanesSequential', Ran>>
> {
  const bugs = options.bugs ?? [];
  const thread = await campaign('interleaved', names, options);
  const workers = bugs.length === 0 ? await cleanWorkerPool() : await workerPool(bugs);
  const lanes = lanePool(bugs);
  const ran = {
    thread,
    workers: await campaign('interleaved', names, { ...options, pool: workers }),
    lanes: await campaign('interleaved', names, { ...options, pool: lanes }),
    ...(sequential
      ? {
          workersSequential: await campaign('sequential', names, { ...options, pool: workers }),
          lanesSequential: await campaign('sequential', names, { ...options, pool: lanes }),
        }
      : {}),
  };
  for (const [way, other] of Object.entries(ran)) {
    expect(decidedCampaign(other.result), way).toEqual(decidedCampaign(thread.result));
    expect(byProperty(other.runs), way).toEqual(byProperty(thread.runs));
  }
  // The pool's turns depend on its size alone: two pools of two slots, one order of runs.
  expect(ran.lanes.runs).toEqual(ran.workers.runs);
  return ran;
}

describe('properties taking turns on a pool', () => {
  it('a clean campaign: window by window, round robin, with the one-thread outcomes', async () => {
    const names = ['trading-venue', 'order-lifecycle', 'chaos-recovery'];
    const { workers, workersSequential } = await everyWay(names, { seed: 3, runs: 12 }, true);
    const first = poolTurnRuns(0, 2);
    const second = poolTurnRuns(1, 2);
    expect([first, second]).toEqual([2, 4]);
    // Turn 0 of each property (a run per slot), then turn 1 (two per slot), ...
    const order = workers.runs.map((run) => run.split(':')[0]);
    expect(order.slice(0, 3 * first + second)).toEqual([
      'trading-venue#0',
      'trading-venue#1',
      'order-lifecycle#0',
      'order-lifecycle#1',
      'chaos-recovery#0',
      'chaos-recovery#1',
      'trading-venue#2',
      'trading-venue#3',
      'trading-venue#4',
      'trading-venue#5',
    ]);
    // Sequential, property after property.
    expect(workersSequential?.runs.slice(0, 12).map((run) => run.split('#')[0])).toEqual(
      Array.from({ length: 12 }, () => 'trading-venue'),
    );
    expect(workers.result.properties.every((p) => p.runs === 12 && !p.interrupted)).toBe(true);
  }, 60_000);

  it('a bug only the last property finds: found after a few turns on a pool, the same shrunk failure', async () => {
    const names = ['order-lifecycle', 'self-trade-prevention', 'stop-orders'];
    const { workers, workersSequential } = await everyWay(
      names,
      {
        seed: 1,
        runs: 20,
        bugs: ['stop_triggers_early'],
        maxActions: 40,
        shrinkAttempts: 20,
      },
      true,
    );
    const stops = workers.result.properties[2];
    expect(stops?.failure?.report.verdict.status).toBe('fail');
    // The properties before it pass all their runs, after the failure too.
    expect(workers.result.properties.slice(0, 2).every((p) => p.passed && p.runs === 20)).toBe(true);
    // Sequentially the 40 runs of the two properties before it come first; in turns, far fewer.
    expect(untilFirstFailure(workersSequential?.runs ?? [])).toBeGreaterThan(40);
    expect(untilFirstFailure(workers.runs)).toBeLessThan(untilFirstFailure(workersSequential?.runs ?? []));
    // Its failing run is the last of its runs folded: the runs after it in its window are dropped.
    const stopRuns = workers.runs.filter((run) => run.startsWith('stop-orders#'));
    expect(stopRuns.at(-1)?.endsWith('!')).toBe(true);
    expect(stopRuns).toHaveLength((stops?.failure?.runIndex ?? -2) + 1);
  }, 60_000);

  it('--keep-going (maxFailures): the same distinct failures, duplicates and shrunk actions', async () => {
    // Up to three failures, each shrunk on each of the three ways: with 60 attempts each the
    // shrink candidates (up to 540) outnumber the campaigns' 96 runs five to one; 20 (as the
    // test above) still compare shrunk actions way by way, for under half the runs in all.
    const { workers } = await everyWay(['trading-venue', 'order-lifecycle'], {
      seed: 5,
      runs: 16,
      bugs: ['overfill'],
      maxFailures: 3,
      shrinkAttempts: 20,
    });
    expect(workers.result.properties.some((p) => (p.failures?.length ?? 0) > 0)).toBe(true);
  }, 60_000);

  it('shards: each shard runs its share in turns, with the one-thread shard outcomes', async () => {
    const shards: Shard[] = [
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ];
    for (const shard of shards) {
      const { workers } = await everyWay(['order-lifecycle', 'margin-and-marks'], {
        seed: 7,
        runs: 8,
        shard,
      });
      expect(workers.result.runs).toBeGreaterThan(0);
      expect(workers.result.runs).toBeLessThan(16);
    }
  }, 60_000);

  it('a budget that cuts nothing: the one-thread outcomes; one that is spent: every property took turns, each a prefix of its runs', async () => {
    const names = ['order-lifecycle', 'margin-and-marks', 'self-trade-prevention'];
    // A timer that never fires (the clock below decides) and a budget far away.
    const setTimer = () => () => {};
    await everyWay(names, { seed: 2, runs: 6, timeBudgetMs: 600_000, setTimer });
    // Each folded run takes 10 ms on this clock; nothing else moves it. The budget is spent
    // after the tenth: windows of 2, 2, 2 runs, then the first property's second window of 4.
    const thread = await campaign('interleaved', names, { seed: 2, runs: 40 });
    let now = 0;
    const tick: Extra = { now: () => now, timeBudgetMs: 95, setTimer };
    const onRun =
      (runs: string[]): Extra['onRun'] =>
      (run) => {
        runs.push(`${run.property}#${run.runIndex}:${run.generated.length}${run.failed ? '!' : ''}`);
        now += 10;
      };
    for (const pool of [await cleanWorkerPool(), lanePool([])]) {
      now = 0;
      const runs: string[] = [];
      const { result } = await campaign('interleaved', names, {
        seed: 2,
        runs: 40,
        pool,
        ...tick,
        onRun: onRun(runs),
      });
      expect(result.properties.map((p) => p.runs)).toEqual([6, 2, 2]);
      expect(result.properties.every((p) => p.interrupted && p.passed)).toBe(true);
      expect(result.interrupted).toBe(true);
      for (const name of names) {
        const mine = runs.filter((run) => run.startsWith(`${name}#`));
        expect(mine).toEqual(thread.runs.filter((run) => run.startsWith(`${name}#`)).slice(0, mine.length));
      }
    }
  }, 60_000);

  it('stop: no window starts after it, and the properties return with the runs they folded', async () => {
    const names = ['order-lifecycle', 'margin-and-marks', 'self-trade-prevention'];
    const pool = lanePool([]);
    const stop = new AbortController();
    const runs: string[] = [];
    const { result } = await campaign('interleaved', names, {
      seed: 2,
      runs: 50,
      pool,
      stop: stop.signal,
      onRun: (run) => {
        runs.push(`${run.property}#${run.runIndex}`);
        if (run.property === 'margin-and-marks') stop.abort();
      },
    });
    // Stopped in margin-and-marks' first window: its other run folds if it was under way, and
    // is skipped otherwise; no window starts after it, and self-trade-prevention is not reached.
    expect(runs.slice(0, 3)).toEqual(['order-lifecycle#0', 'order-lifecycle#1', 'margin-and-marks#0']);
    expect(runs.slice(3)).toEqual(runs.length > 3 ? ['margin-and-marks#1'] : []);
    expect(result.properties.map((p) => [p.runs, p.interrupted])).toEqual([
      [2, true],
      [runs.length - 2, true],
      [0, true],
    ]);
    expect(result.interrupted).toBe(true);
  }, 60_000);

  it('a pool that cannot go on ends the campaign with its error, whichever property holds the turn', async () => {
    // Worker 0 dies on every target it makes: the third crash fails the pool.
    const pool = await workerPool([], { crashOnCreate: 1, crashAlways: true });
    const names = ['order-lifecycle', 'margin-and-marks', 'self-trade-prevention'];
    const error = await campaign('interleaved', names, { seed: 2, runs: 40, pool }).catch((e: unknown) => e);
    expect(isShakedownError(error) && error.code).toBe('SHK_WORKER_CRASHED');
    expect(pool.crashes()).toHaveLength(3);
  }, 60_000);
});
