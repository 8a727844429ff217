import { expect, it } from 'vitest';
import { runCampaign } from '../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

/** A function that makes a factory, passed where the factory goes, ran 0 runs and "passed". */
it('a campaign given no target factory is refused (SHK_TARGET_INVALID), not a pass of 0 runs', async () => {
  const common = {
    properties: tradingPack.properties.slice(0, 1),
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    seed: 1,
    runs: 3,
    timeBudgetMs: 600_000,
    now: () => 0,
  };
  await expect(
    runCampaign<TradingAction>({ ...common, factory: inprocTargetFactory as never }),
  ).rejects.toMatchObject({ code: 'SHK_TARGET_INVALID' });
  const result = await runCampaign<TradingAction>({ ...common, factory: inprocTargetFactory() as never });
  expect(result.properties[0].runs).toBe(3);
});
