import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../src/core/runner/campaign.ts';
import {
  defaultExchangeConfig,
  type VenueModes,
} from '../../src/domains/trading/protocol/exchange-config.ts';
import { CATALOG_001 } from '../../src/domains/trading/scenarios/catalog-001.ts';
import { scenarioProperty } from '../../src/domains/trading/scenarios/scenario-fuzz.ts';
import { inprocTargetFactory } from '../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

/**
 * The execution-kernel scenarios (001) against a venue that refuses entries, exits or cancels:
 * the scenarios' own expectations assume a cooperative venue, but their invariants must hold
 * whatever the venue refuses, so each runs as its fuzzed property there.
 */
describe('001 scenarios against refusing venues', () => {
  it.each<keyof VenueModes>(['rejectEntries', 'rejectExits', 'rejectCancels'])(
    'with %s on, every variation keeps the invariants, and the venue did refuse',
    async (mode) => {
      const config = defaultExchangeConfig();
      config.venueModes[mode] = true;
      const result = await runCampaign<TradingAction>({
        properties: CATALOG_001.map(scenarioProperty),
        invariants: tradingPack.invariants,
        projection: tradingPack.projection,
        clients: tradingPack.clients,
        factory: inprocTargetFactory({ bugs: [], config }) as never,
        seed: 11,
        runs: 8,
        timeBudgetMs: 600_000,
        surface: { registry: tradingPack.surface, exercised: (e) => tradingPack.exercised(e as never) },
        now: () => performance.now(),
      });
      const failed = result.properties.filter((p) => !p.passed);
      expect(failed.map((p) => `${p.property}: ${JSON.stringify(p.failure?.report.verdict)}`)).toEqual([]);
      expect(result.exercised).toContain('reject:venue_rejected');
    },
    60_000,
  );
});
