import { describe, expect, it } from 'vitest';
import type { TargetFactory } from '../../../src/core/model/target.ts';
import { runCampaign } from '../../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';

/**
 * A run that cannot be run at all (here the target refuses to build on the third run) ends the
 * campaign with its error. It used to be thrown inside fast-check's predicate, which took it for
 * the run's failure or lost it, and the campaign passed on the two runs before it.
 */
describe('an error running a run', () => {
  it('ends the campaign with that error instead of a pass on fewer runs', async () => {
    const inner = inprocTargetFactory();
    let created = 0;
    const factory: TargetFactory<TradingAction> = {
      ...inner,
      create: async (run) => {
        created += 1;
        if (created === 3) throw new Error('the venue would not start (planted)');
        return inner.create(run);
      },
    } as TargetFactory<TradingAction>;
    const venue = tradingPack.properties.find((p) => p.name === 'trading-venue');
    if (venue === undefined) throw new Error('no trading-venue property');
    const campaign = runCampaign<TradingAction>({
      properties: [venue],
      invariants: tradingPack.invariants,
      projection: tradingPack.projection,
      clients: tradingPack.clients,
      factory: factory as never,
      seed: 7,
      runs: 10,
      timeBudgetMs: Number.POSITIVE_INFINITY,
      now: () => performance.now(),
    });
    await expect(campaign).rejects.toThrow('the venue would not start (planted)');
  });
});
