import { afterAll, afterEach } from 'vitest';
import type { FaultKind } from '../../src/core/faults/fault.ts';
import type { Property } from '../../src/core/model/property.ts';
import { type CampaignOptions, type CampaignResult, runCampaign } from '../../src/core/runner/campaign.ts';
import { WorkerPool, type WorkerPoolOptions } from '../../src/core/workers/worker-pool.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

/**
 * What the worker-pool and property-turn tests (test/core/workers/, test/core/runner/) share:
 * the trading pack as a worker loads it, its properties by name, a pool started and always
 * closed, a trading campaign on this thread or on a pool with every folded run noted, the part
 * of a result two equal campaigns share, and folded runs grouped by property.
 */

/** The trading pack, as a worker thread imports it. */
export const TRADING = {
  module: new URL('../../src/domains/trading/trading-pack.ts', import.meta.url).href,
  exportName: 'tradingPack',
};

/** The trading pack whose workers crash on purpose (test/fixtures/crashing-trading-pack.ts). */
export const CRASHING = {
  module: new URL('../fixtures/crashing-trading-pack.ts', import.meta.url).href,
  exportName: 'crashingTradingPack',
};

/** A property of the trading pack, by name. */
export function tradingProperty(name: string): Property<TradingAction> {
  const found = tradingPack.properties.find((p) => p.name === name);
  if (!found) throw new Error(`no trading property ${name}`);
  return found as Property<TradingAction>;
}

/** Every property of the trading pack, by name: what workers generate by default, as the CLI has them. */
export const EVERY_PROPERTY = tradingPack.properties.map((p) => p.name);

/**
 * Pools the file's tests start, each closed after the test that started it (`each`), or after
 * the file's last test (`all`, for pools shared between tests).
 */
export function poolCloser(when: 'each' | 'all' = 'each'): (pool: WorkerPool<TradingAction>) => void {
  const pools: WorkerPool<TradingAction>[] = [];
  (when === 'each' ? afterEach : afterAll)(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
  });
  return (pool) => {
    pools.push(pool);
  };
}

export interface TradingPoolOptions {
  size: number;
  seed: number;
  bugs?: string[];
  faults?: 'all' | string[];
  pack?: typeof TRADING;
  /** More target options (a crashing pack's crashOnCreate...). */
  extra?: Record<string, unknown>;
  /** Properties the workers generate (default: every property, as the CLI does). */
  generates?: string[];
  inThread?: boolean;
  spawn?: WorkerPoolOptions['spawn'];
}

/** A pool for the trading pack on an in-process target, closed by `close` (see poolCloser). */
export async function startTradingPool(
  options: TradingPoolOptions,
  close: (pool: WorkerPool<TradingAction>) => void,
): Promise<WorkerPool<TradingAction>> {
  const pool = await WorkerPool.start<TradingAction>({
    size: options.size,
    pack: options.pack ?? TRADING,
    spec: { kind: 'inproc' },
    targetOptions: {
      bugs: options.bugs ?? [],
      seed: options.seed,
      faults: options.faults ?? 'all',
      ...options.extra,
    },
    generates: options.generates ?? EVERY_PROPERTY,
    ...(options.inThread === undefined ? {} : { inThread: options.inThread }),
    ...(options.spawn ? { spawn: options.spawn } : {}),
  });
  close(pool);
  return pool;
}

export interface TradingCampaign {
  properties: Property<TradingAction>[];
  runs: number;
  seed: number;
  bugs?: string[];
  faults?: 'all' | FaultKind[];
  pool?: WorkerPool<TradingAction>;
  /** Anything else runCampaign takes (maxActions, timeBudgetMs...). */
  extra?: Partial<CampaignOptions<TradingAction>>;
}

/**
 * A trading campaign on an in-process venue, on this thread or on `pool`, with every folded run
 * noted in order as `property#runIndex:actions:failed`.
 */
export async function tradingCampaign(
  options: TradingCampaign,
): Promise<{ result: CampaignResult<TradingAction>; folded: string[] }> {
  const folded: string[] = [];
  const factory = await tradingPack.targetFactory(
    { kind: 'inproc' },
    { bugs: options.bugs ?? [], seed: options.seed, faults: options.faults ?? 'all' },
  );
  try {
    const result = await runCampaign<TradingAction>({
      properties: options.properties,
      invariants: tradingPack.invariants,
      projection: tradingPack.projection,
      clients: tradingPack.clients,
      factory,
      seed: options.seed,
      runs: options.runs,
      timeBudgetMs: 600_000,
      surface: { registry: tradingPack.surface, exercised: (e) => tradingPack.exercised(e as never) },
      ...(options.pool ? { pool: options.pool } : {}),
      now: () => performance.now(),
      onRun: (run) => folded.push(`${run.property}#${run.runIndex}:${run.generated.length}:${run.failed}`),
      ...options.extra,
    });
    return { result, folded };
  } finally {
    await factory.dispose?.();
  }
}

/** Everything but wall-clock durations and the pool's own report; a failure by its path, shrinks, actions and verdict. */
export function comparable(result: CampaignResult<TradingAction>) {
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
export function byProperty(folded: readonly string[]): string[] {
  const names = [...new Set(folded.map((line) => line.split('#')[0]))];
  return names.flatMap((name) => folded.filter((line) => line.startsWith(`${name}#`)));
}
