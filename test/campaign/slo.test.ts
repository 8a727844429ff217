import { describe, expect, it } from 'vitest';
import { sloViolations } from '../../src/core/latency/evaluate-slos.ts';
import type { Slo } from '../../src/core/latency/slo.ts';
import type { Property } from '../../src/core/model/property.ts';
import { runCampaign } from '../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

const named = (name: string) =>
  tradingPack.properties.find((p) => p.name === name) as Property<TradingAction>;

/** A short in-process campaign of one property with these SLOs: virtual time makes latency exact. */
async function withSlos(base: Property<TradingAction>, slos: Slo[]) {
  const result = await runCampaign<TradingAction>({
    properties: [{ ...base, slos }],
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: inprocTargetFactory({ bugs: [] }) as never,
    seed: 5,
    runs: 10,
    timeBudgetMs: 600_000,
    transport: 'inproc',
    now: () => performance.now(),
  });
  return result.properties[0]!;
}

describe('SLOs over a campaign', () => {
  it('a breached latency SLO fails the property and reads like a violation', async () => {
    const outcome = await withSlos(named('order-lifecycle'), [{ action: 'place', percentile: 50, maxMs: 1 }]);
    expect(outcome.slos).toHaveLength(1);
    expect(outcome.slos[0]?.breached).toBe(true);
    expect(outcome.passed).toBe(false);
    const [violation] = sloViolations(outcome.slos, outcome.latency);
    expect(violation?.invariant).toBe('slo.place.p50');
    expect(violation?.message).toMatch(
      /^p50 of place is [\d.]+ ms over [\d,]+ requests, above the SLO of 1 ms$/,
    );
  }, 60_000);

  it('a met SLO passes; one for another transport is not judged', async () => {
    const outcome = await withSlos(named('order-lifecycle'), [
      { action: 'place', percentile: 99, maxMs: 60_000, minSuccessRate: 0.5 },
      { action: 'place', percentile: 50, maxMs: 1, transports: ['ws'] },
    ]);
    expect(outcome.slos.map((s) => s.breached)).toEqual([false]);
    expect(outcome.passed).toBe(true);
  }, 60_000);

  it('runs with faults are not held to an SLO unless it says underFaults', async () => {
    const tight: Slo = { action: 'place', percentile: 50, maxMs: 1 };
    const calm = await withSlos(named('chaos-recovery'), [tight]);
    expect(calm.slos).toEqual([]);
    const strict = await withSlos(named('chaos-recovery'), [{ ...tight, underFaults: true }]);
    expect(strict.slos[0]?.breached).toBe(true);
    expect(strict.passed).toBe(false);
  }, 60_000);
});
