import { describe, expect, it } from 'vitest';
import type { Property } from '../../src/core/model/property.ts';
import type { TargetFactory } from '../../src/core/model/target.ts';
import {
  type CampaignOptions,
  DEFAULT_SHRINK_ATTEMPTS,
  runCampaign,
} from '../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

const venue = tradingPack.properties.find((p) => p.name === 'trading-venue') as Property<TradingAction>;

/** A clock frozen at 0: an infinitely fast machine. */
const frozen = () => 0;

/** A clock that moves ten minutes each time it is read: the slowest machine there is. */
function crawling() {
  let t = 0;
  return () => {
    t += 600_000;
    return t;
  };
}

/** The fok_partial_fill campaign of planted-bugs-found, counting the targets it makes. */
async function fokCampaign(options: Partial<CampaignOptions<TradingAction>> & { now: () => number }) {
  const inner = inprocTargetFactory({
    bugs: ['fok_partial_fill'],
  }) as unknown as TargetFactory<TradingAction>;
  const tally = { created: 0 };
  const factory: TargetFactory<TradingAction> = {
    ...inner,
    create: () => {
      tally.created++;
      return inner.create();
    },
  };
  const result = await runCampaign<TradingAction>({
    properties: [{ ...venue, invariants: ['orders.flags'] }],
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory,
    seed: 1,
    runs: 300,
    // Never reached on either clock: only shrinking could read the time.
    timeBudgetMs: Number.MAX_SAFE_INTEGER,
    ...options,
  });
  const failure = result.properties[0].failure;
  if (!failure) throw new Error('fok_partial_fill was not found');
  // Each exploring run makes one target; so does the shrunk failure's final run; the rest are
  // shrink attempts.
  const attempts = tally.created - result.runs - 1;
  return {
    attempts,
    shrunk: {
      path: failure.path,
      runIndex: failure.runIndex,
      shrinks: failure.shrinks,
      actions: failure.report.actions,
      verdict: failure.report.verdict,
    },
  };
}

/** The default campaign on the frozen clock: two tests compare against it, run once per file. */
let onFrozenClock: ReturnType<typeof fokCampaign> | undefined;
const onFrozen = (): ReturnType<typeof fokCampaign> => {
  onFrozenClock ??= fokCampaign({ now: frozen });
  return onFrozenClock;
};

describe('shrinking is bounded by a count of attempts, not by the clock', () => {
  it('the same seed shrinks to the same counterexample on a crawling clock as on a frozen one', async () => {
    const fast = await onFrozen();
    const slow = await fokCampaign({ now: crawling() });
    expect(slow.shrunk).toEqual(fast.shrunk);
    expect(slow.attempts).toBe(fast.attempts);
    // It shrank all the way (planted-bugs-found asks for at most 6 actions), well within the
    // default count.
    expect(fast.shrunk.actions.length).toBeLessThanOrEqual(6);
    expect(fast.shrunk.shrinks).toBeGreaterThan(0);
    expect(fast.attempts).toBeLessThan(DEFAULT_SHRINK_ATTEMPTS);
  }, 120_000);

  it('--shrink-attempts N runs at most N candidates, the same on any clock', async () => {
    const fast = await fokCampaign({ now: frozen, shrinkAttempts: 5 });
    const slow = await fokCampaign({ now: crawling(), shrinkAttempts: 5 });
    expect(fast.attempts).toBe(5);
    expect(slow.shrunk).toEqual(fast.shrunk);
    const full = await onFrozen();
    expect(fast.shrunk.actions.length).toBeGreaterThanOrEqual(full.shrunk.actions.length);
  }, 120_000);

  it('a shrink budget the user gives is wall-clock, and the crawling clock spends it at once', async () => {
    // The one case where the clock may cut shrinking: asked for explicitly.
    const fast = await fokCampaign({ now: frozen, shrinkBudgetMs: 20_000 });
    const slow = await fokCampaign({ now: crawling(), shrinkBudgetMs: 20_000 });
    expect(slow.attempts).toBe(0);
    expect(slow.shrunk.shrinks).toBe(0);
    expect(fast.shrunk.shrinks).toBeGreaterThan(0);
  }, 120_000);
});
