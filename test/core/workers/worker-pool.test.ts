import { describe, expect, it } from 'vitest';
import type { Property } from '../../../src/core/model/property.ts';
import { isShakedownError } from '../../../src/core/shakedown-error.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import {
  byProperty,
  CRASHING,
  comparable,
  poolCloser,
  tradingProperty as property,
  startTradingPool,
  TRADING,
  tradingCampaign,
} from '../../support/pool-trading.ts';

const closeAfterTest = poolCloser('each');

/** A pool of `size` slots for seed 3 and every fault kind, the workers generating every property unless told. */
const startPool = (options: {
  size: number;
  bugs?: string[];
  pack?: typeof TRADING;
  extra?: Record<string, unknown>;
  generates?: string[];
}) => startTradingPool({ seed: 3, ...options }, closeAfterTest);

/** A campaign of seed 3, sequential or on a pool, with every folded run noted in order. */
const campaign = (options: {
  properties: Property<TradingAction>[];
  runs: number;
  bugs?: string[];
  pool?: Awaited<ReturnType<typeof startPool>>;
}) => tradingCampaign({ seed: 3, ...options });

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
