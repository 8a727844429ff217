import { describe, expect, it } from 'vitest';
import type { Property } from '../../src/core/model/property.ts';
import { runCampaign } from '../../src/core/runner/campaign.ts';
import { WorkerPool } from '../../src/core/workers/worker-pool.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

/** A property whose generated sequences are counted as fast-check makes them. */
function counted(name: string, tally: { generated: number }): Property<TradingAction> {
  const base = tradingPack.properties.find((p) => p.name === name) as Property<TradingAction>;
  return {
    ...base,
    actions: (context) =>
      base.actions(context).map((actions) => {
        tally.generated++;
        return actions;
      }),
  };
}

/** A clock that moves 50 ms each time it is read: budgets run out after a known number of reads. */
function steppingClock() {
  let t = 0;
  return () => {
    t += 50;
    return t;
  };
}

async function campaign(pool?: WorkerPool<TradingAction>) {
  const first = { generated: 0 };
  const second = { generated: 0 };
  const factory = await tradingPack.targetFactory({ kind: 'inproc' }, { bugs: [], seed: 9, faults: [] });
  const result = await runCampaign<TradingAction>({
    properties: [counted('order-lifecycle', first), counted('margin-and-marks', second)],
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory,
    seed: 9,
    runs: 1_000_000,
    timeBudgetMs: 2_000,
    shrinkBudgetMs: 1_000,
    ...(pool ? { pool } : {}),
    now: steppingClock(),
  });
  await factory.dispose?.();
  return { result, first, second };
}

describe('a spent time share ends the generation', () => {
  it('on one thread: no run past the budget is generated, and the next property still gets its share', async () => {
    const { result, first, second } = await campaign();
    const [a, b] = result.properties;
    expect(a.interrupted).toBe(true);
    expect(a.passed).toBe(true);
    expect(a.failure).toBeUndefined();
    expect(b.runs).toBeGreaterThan(0);
    // fast-check generates one value beyond the last run (the one that finds the share spent).
    expect(first.generated).toBeLessThanOrEqual(a.runs + 1);
    expect(second.generated).toBeLessThanOrEqual(b.runs + 1);
  }, 120_000);

  it('on a worker pool: the same', async () => {
    const pool = await WorkerPool.start<TradingAction>({
      size: 2,
      pack: {
        module: new URL('../../src/domains/trading/trading-pack.ts', import.meta.url).href,
        exportName: 'tradingPack',
      },
      spec: { kind: 'inproc' },
      targetOptions: { bugs: [], seed: 9, faults: [] },
    });
    try {
      const { result, first, second } = await campaign(pool);
      const [a, b] = result.properties;
      expect(a.interrupted).toBe(true);
      expect(a.failure).toBeUndefined();
      expect(b.runs).toBeGreaterThan(0);
      // Runs dealt before the share was spent (at most `depth`, 8, per worker) are generated;
      // the cut skips those not started, so they are not counted as runs.
      const dealt = pool.size * 8;
      expect(first.generated).toBeLessThanOrEqual(a.runs + dealt + 1);
      expect(second.generated).toBeLessThanOrEqual(b.runs + dealt + 1);
      expect(pool.peakInFlight()).toBeLessThanOrEqual(dealt);
    } finally {
      await pool.close();
    }
  }, 120_000);
});
