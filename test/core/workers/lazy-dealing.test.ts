import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, runCampaign } from '../../../src/core/runner/campaign.ts';
import { blockSize, MAX_BLOCK, MIN_BLOCK } from '../../../src/core/runner/explore-in-pool.ts';
import { isSkipped, type PropertyJob, type RunSettled } from '../../../src/core/runner/run-pool.ts';
import type { WorkerPool } from '../../../src/core/workers/worker-pool.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';
import { poolCloser, tradingProperty as property, startTradingPool } from '../../support/pool-trading.ts';

const venue = property('trading-venue');

/**
 * Each test starts its own pool: most check the pool's peak in flight, which counts from the
 * pool's start.
 */
const closeAfterTest = poolCloser('each');
const startPool = (generates: string[]) =>
  startTradingPool({ size: 2, seed: 5, faults: [], generates }, closeAfterTest);

/** A clock that moves 50 ms each time it is read: the budget runs out after a known number of reads. */
function steppingClock() {
  let t = 0;
  return () => {
    t += 50;
    return t;
  };
}

/** --runs 1e9 with a 2 s budget on the stepping clock: the case that once dealt every index up front. */
async function hugeCampaign(pool: WorkerPool<TradingAction>) {
  const factory = await tradingPack.targetFactory({ kind: 'inproc' }, { bugs: [], seed: 5, faults: [] });
  const result = await runCampaign<TradingAction>({
    properties: [venue],
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory,
    seed: 5,
    runs: 1_000_000_000,
    timeBudgetMs: 2_000,
    pool,
    now: steppingClock(),
  });
  await factory.dispose?.();
  return result;
}

describe('runs are dealt to the workers lazily', () => {
  it('a block never holds more than MAX_BLOCK runs, and its size depends on where it starts, not on --runs', () => {
    expect(blockSize(0)).toBe(MIN_BLOCK);
    expect(blockSize(2_048)).toBe(MIN_BLOCK);
    expect(blockSize(999_999_999)).toBe(MAX_BLOCK);
    for (let start = 0; start < 2_000_000; start += 4_099)
      expect(blockSize(start)).toBeLessThanOrEqual(MAX_BLOCK);
  });

  it('--runs 1e9 with a tiny budget, workers generating: it ends, and the pool never held more than 2 blocks per worker', async () => {
    const pool = await startPool([venue.name]);
    const result = await hugeCampaign(pool);
    const outcome = result.properties[0];
    expect(outcome.interrupted).toBe(true);
    expect(outcome.runs).toBeGreaterThan(0);
    expect(outcome.runs).toBeLessThan(2 * pool.size * MIN_BLOCK * 4);
    // Two blocks of MIN_BLOCK runs per worker: the first blocks are the smallest.
    expect(pool.peakInFlight()).toBeLessThanOrEqual(2 * pool.size * MIN_BLOCK);
  }, 120_000);

  it('--runs 1e9 with a tiny budget, this thread generating: at most `depth` runs per worker', async () => {
    const pool = await startPool([]);
    const result = await hugeCampaign(pool);
    expect(result.properties[0].interrupted).toBe(true);
    expect(pool.peakInFlight()).toBeLessThanOrEqual(pool.size * 8);
  }, 120_000);
});

describe('the end of a share, on a timer', () => {
  it('a timer armed for the share cuts the pool when it fires, even before any run ends, and is cancelled after', async () => {
    const pool = await startPool([venue.name]);
    const factory = await tradingPack.targetFactory({ kind: 'inproc' }, { bugs: [], seed: 5, faults: [] });
    // The clock moves only when the timer fires: no run ending could have seen the share spent.
    let t = 0;
    const armed: number[] = [];
    let cancelled = 0;
    const result = await runCampaign<TradingAction>({
      properties: [venue],
      invariants: tradingPack.invariants,
      projection: tradingPack.projection,
      clients: tradingPack.clients,
      factory,
      seed: 5,
      runs: 1_000_000_000,
      timeBudgetMs: 2_000,
      pool,
      now: () => t,
      setTimer: (ms, fn) => {
        armed.push(ms);
        queueMicrotask(() => {
          t += ms;
          fn();
        });
        return () => {
          cancelled++;
        };
      },
    });
    await factory.dispose?.();
    expect(armed).toEqual([2_000]);
    expect(cancelled).toBe(1);
    expect(result.properties[0].interrupted).toBe(true);
    // The timer fired as the first block went out: the worker skipped it (all of it, or all but
    // the run in hand had the cut reached it a moment late), whatever --runs says.
    expect(result.properties[0].runs).toBeLessThanOrEqual(1);
    expect(pool.peakInFlight()).toBeLessThanOrEqual(MIN_BLOCK);
  }, 120_000);
});

describe('a cut pool skips what it holds', () => {
  const job: PropertyJob = {
    property: venue.name,
    invariants: venue.invariants,
    settings: DEFAULT_SETTINGS,
    checkEveryStep: false,
    checkDeterminism: false,
    exercised: false,
    record: false,
    generation: { seed: 5, maxActions: DEFAULT_SETTINGS.maxActions, faults: [] },
  };
  const indices = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  it('runs dealt to a cut property are each settled as skipped, once, in order; the next property runs again', async () => {
    const pool = await startPool([venue.name]);
    const settled: RunSettled[] = [];
    await pool.startProperty(job, (s) => settled.push(s));
    pool.cut();
    await pool.submitBlock(0, 0, 64, indices(0, 64));
    await pool.submitBlock(1, 64, 64, indices(64, 64));
    await pool.drain();
    expect(settled.map((s) => s.runIndex).sort((a, b) => a - b)).toEqual(indices(0, 128));
    expect(settled.every(isSkipped)).toBe(true);

    // A cut ends one property only.
    const next: RunSettled[] = [];
    await pool.startProperty(job, (s) => next.push(s));
    await pool.submitBlock(0, 0, 8, indices(0, 8));
    await pool.drain();
    expect(next.map((s) => s.runIndex)).toEqual(indices(0, 8));
    expect(next.some(isSkipped)).toBe(false);
  }, 120_000);

  it('runs sent one by one to a cut property are skipped too', async () => {
    const pool = await startPool([]);
    const settled: RunSettled[] = [];
    await pool.startProperty({ ...job, generation: undefined } as PropertyJob, (s) => settled.push(s));
    pool.cut();
    for (const runIndex of indices(0, 6)) await pool.submit(runIndex, []);
    await pool.drain();
    expect(settled.map((s) => s.runIndex).sort((a, b) => a - b)).toEqual(indices(0, 6));
    expect(settled.every(isSkipped)).toBe(true);
  }, 120_000);
});
