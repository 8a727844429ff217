import { describe, expect, it } from 'vitest';
import type { Property } from '../../src/core/model/property.ts';
import { executeRun, runCampaign } from '../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';
import { PLANTED_BUGS } from '../../src/exchange/bugs/planted-bugs.ts';

const venue = tradingPack.properties.find((p) => p.name === 'trading-venue')!;
const stopOrders = tradingPack.properties.find((p) => p.name === 'stop-orders')!;
/** Stop-order bugs show only where stops are sent: the stop-orders property provokes them. */
const propertyFor = (bug: string): Property<TradingAction> => (bug.startsWith('stop_') ? stopOrders : venue);

/**
 * The proof that the invariants catch what real venues ship: for every planted bug, a bounded
 * in-process campaign with a fixed seed, checking ONLY the invariant the catalogue names for
 * that bug, finds it, shrinks it to at most 6 actions, and re-executing the shrunk actions
 * reproduces the same violation.
 */
describe('every planted bug is found by the invariant that names it', () => {
  // Bugs that need a restart show only when the venue crashes mid-run: the fault campaigns of
  // fault-bugs-found.test.ts find those.
  const found = PLANTED_BUGS.filter((b) => b.needs !== 'restart');
  it.each(found.map((b) => [b.name, b.invariant]))('%s is caught by %s', async (bug, invariant) => {
    const property: Property<TradingAction> = { ...propertyFor(bug), invariants: [invariant] };
    const factory = inprocTargetFactory({ bugs: [bug as never] });
    const common = {
      invariants: tradingPack.invariants,
      projection: tradingPack.projection,
      clients: tradingPack.clients,
      factory: factory as never,
    };
    const result = await runCampaign<TradingAction>({
      ...common,
      properties: [property],
      seed: 1,
      runs: 300,
      timeBudgetMs: 600_000,
      now: () => performance.now(),
    });
    const failure = result.properties[0].failure;
    expect(failure, `${bug} was not found in ${result.runs} runs`).toBeDefined();
    expect(failure!.report.actions.length).toBeLessThanOrEqual(6);
    const violations = failure!.report.verdict.status === 'fail' ? failure!.report.verdict.violations : [];
    expect(violations.map((v) => v.invariant)).toContain(invariant);

    // Re-executing the shrunk actions on a fresh venue reproduces the same violation and the
    // same recorded events: in-process runs are deterministic.
    const again = await executeRun(factory as never, failure!.report.actions, {
      clients: tradingPack.clients,
      projection: tradingPack.projection,
      invariants: tradingPack.invariants.filter((i) => i.name === invariant),
      settings: { maxActions: 60, requestTimeoutMs: 1000, quietMs: 50 },
    });
    expect(again.verdict).toEqual(failure!.report.verdict);
    expect(JSON.stringify(again.evidence.events)).toBe(JSON.stringify(failure!.report.evidence.events));
  });
});

describe('the clean exchange', () => {
  it('passes 1,000 in-process runs of the full adversarial property', async () => {
    const result = await runCampaign<TradingAction>({
      properties: [venue],
      invariants: tradingPack.invariants,
      projection: tradingPack.projection,
      clients: tradingPack.clients,
      factory: inprocTargetFactory() as never,
      seed: 20261122,
      runs: 1000,
      timeBudgetMs: 300_000,
      now: () => performance.now(),
    });
    const outcome = result.properties[0];
    const failure = outcome.failure?.report.verdict;
    expect(failure, JSON.stringify(failure)).toBeUndefined();
    expect(outcome.runs).toBe(1000);
    expect(outcome.passed).toBe(true);
  }, 300_000);
});
