import { afterEach, describe, expect, it } from 'vitest';
import type { Property } from '../../../src/core/model/property.ts';
import { type CampaignResult, runCampaign } from '../../../src/core/runner/campaign.ts';
import { isShakedownError } from '../../../src/core/shakedown-error.ts';
import { WorkerPool } from '../../../src/core/workers/worker-pool.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';

const TRADING = {
  module: new URL('../../../src/domains/trading/trading-pack.ts', import.meta.url).href,
  exportName: 'tradingPack',
};
const CRASHING = {
  module: new URL('../../fixtures/crashing-trading-pack.ts', import.meta.url).href,
  exportName: 'crashingTradingPack',
};
const property = (name: string) =>
  tradingPack.properties.find((p) => p.name === name) as Property<TradingAction>;

const pools: WorkerPool<TradingAction>[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

async function startPool(options: {
  size: number;
  bugs?: string[];
  pack?: typeof TRADING;
  extra?: Record<string, unknown>;
  /** Properties the workers generate (default: every property, as the CLI does). */
  generates?: string[];
}) {
  const pool = await WorkerPool.start<TradingAction>({
    size: options.size,
    pack: options.pack ?? TRADING,
    spec: { kind: 'inproc' },
    targetOptions: { bugs: options.bugs ?? [], seed: 3, faults: 'all', ...options.extra },
    generates: options.generates ?? tradingPack.properties.map((p) => p.name),
  });
  pools.push(pool);
  return pool;
}

/** A campaign, sequential or on a pool, with every folded run noted in order. */
async function campaign(options: {
  properties: Property<TradingAction>[];
  runs: number;
  bugs?: string[];
  pool?: WorkerPool<TradingAction>;
}) {
  const folded: string[] = [];
  const factory = await tradingPack.targetFactory(
    { kind: 'inproc' },
    { bugs: options.bugs ?? [], seed: 3, faults: 'all' },
  );
  const result = await runCampaign<TradingAction>({
    properties: options.properties,
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory,
    seed: 3,
    runs: options.runs,
    timeBudgetMs: 300_000,
    surface: { registry: tradingPack.surface, exercised: (e) => tradingPack.exercised(e as never) },
    ...(options.pool ? { pool: options.pool } : {}),
    now: () => performance.now(),
    onRun: (run) => folded.push(`${run.property}#${run.runIndex}:${run.generated.length}:${run.failed}`),
  });
  await factory.dispose?.();
  return { result, folded };
}

/** Everything but wall-clock durations and the pool's own report. */
function comparable(result: CampaignResult<TradingAction>) {
  const { durationMs: _d, workers: _w, ...rest } = result;
  return {
    ...rest,
    properties: rest.properties.map(({ durationMs: _p, ...outcome }) => ({
      ...outcome,
      failure: outcome.failure && {
        path: outcome.failure.path,
        runIndex: outcome.failure.runIndex,
        shrinks: outcome.failure.shrinks,
        actions: outcome.failure.report.actions,
        verdict: outcome.failure.report.verdict,
      },
    })),
  };
}

/**
 * The folded runs of each property, in order, property after property: the properties take
 * turns (property-turns.ts), run by run on one thread and a window of runs at a time on a pool;
 * within a property the order is generation order either way.
 */
function byProperty(folded: readonly string[]): string[] {
  const names = [...new Set(folded.map((line) => line.split('#')[0]))];
  return names.flatMap((name) => folded.filter((line) => line.startsWith(`${name}#`)));
}

describe('a campaign on a worker pool', () => {
  it('folds the same runs in the same order as the sequential campaign, and gives the same result', async () => {
    const properties = [property('trading-venue'), property('chaos-recovery')];
    const sequential = await campaign({ properties, runs: 24 });
    const pool = await startPool({ size: 2 });
    const parallel = await campaign({ properties, runs: 24, pool });
    expect(byProperty(parallel.folded)).toEqual(byProperty(sequential.folded));
    expect(comparable(parallel.result)).toEqual(comparable(sequential.result));
    expect(parallel.result.workers).toEqual({ count: 2, crashes: [] });
    expect(sequential.result.runs).toBe(48);
  }, 240_000);

  it('gives the same result when this thread generates and sends each run (a property the pack does not have)', async () => {
    const properties = [property('self-trade-prevention')];
    const sequential = await campaign({ properties, runs: 16, bugs: ['self_trade'] });
    const pool = await startPool({ size: 2, bugs: ['self_trade'], generates: [] });
    const parallel = await campaign({ properties, runs: 16, bugs: ['self_trade'], pool });
    expect(parallel.folded).toEqual(sequential.folded);
    expect(comparable(parallel.result)).toEqual(comparable(sequential.result));
  }, 240_000);

  it('a failure found by a worker is shrunk here to the sequential counterexample, and later runs are not counted', async () => {
    const properties = [property('order-lifecycle')];
    const sequential = await campaign({ properties, runs: 30, bugs: ['overfill'] });
    const pool = await startPool({ size: 2, bugs: ['overfill'] });
    const parallel = await campaign({ properties, runs: 30, bugs: ['overfill'], pool });
    const failure = sequential.result.properties[0].failure;
    expect(failure).toBeDefined();
    expect(parallel.folded).toEqual(sequential.folded);
    expect(comparable(parallel.result)).toEqual(comparable(sequential.result));
    // The failing run is the last folded: a sequential campaign stops there.
    expect(parallel.result.runs).toBe((failure?.runIndex ?? -1) + 1);
  }, 240_000);

  it('reports a crashed worker: its run is unknown, the runs queued behind it are judged by a replacement', async () => {
    const properties = [property('trading-venue')];
    const sequential = await campaign({ properties, runs: 12 });
    const pool = await startPool({ size: 2, pack: CRASHING, extra: { crashOnCreate: 2 } });
    const parallel = await campaign({ properties, runs: 12, pool });
    // Blocks of 8 runs: worker 0 takes runs 0-7 (and 16-23...); its second target was for run 1.
    expect(parallel.result.workers?.crashes).toEqual([
      { worker: 0, property: 'trading-venue', runIndex: 1, error: 'it exited with code 9' },
    ]);
    const outcome = parallel.result.properties[0];
    expect(outcome.unknown).toEqual({
      invariant: 'worker',
      error: 'worker 0 crashed while running it: it exited with code 9',
    });
    expect(outcome.passed).toBe(false);
    // No run is lost: every run was folded, in order, as in the sequential campaign.
    expect(parallel.result.runs).toBe(sequential.result.runs);
    expect(parallel.folded.map((line) => line.split(':')[0])).toEqual(
      sequential.folded.map((line) => line.split(':')[0]),
    );
  }, 240_000);

  it('a worker that keeps crashing ends the campaign with SHK_WORKER_CRASHED', async () => {
    const pool = await startPool({ size: 2, pack: CRASHING, extra: { crashOnCreate: 1, crashAlways: true } });
    const error = await campaign({ properties: [property('trading-venue')], runs: 12, pool }).catch((e) => e);
    expect(isShakedownError(error) && error.code).toBe('SHK_WORKER_CRASHED');
    expect(pool.crashes()).toHaveLength(3);
  }, 240_000);

  it('a pack that cannot be loaded is refused at start, naming it', async () => {
    const error = await startPool({ size: 1, pack: { module: TRADING.module, exportName: 'nope' } }).catch(
      (e) => e,
    );
    expect(isShakedownError(error)).toBe(true);
    expect(String(error.message)).toMatch(/no domain pack named nope/);
  }, 60_000);
});
