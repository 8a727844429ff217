import type { RunEvidence } from '../../src/core/model/evidence.ts';
import type { Invariant } from '../../src/core/model/invariant.ts';
import { runCampaign } from '../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

/**
 * The evidence of `runs` in-process trading-venue runs (with `bugs` planted), kept as the
 * campaign made it: the property's one invariant keeps each run's evidence and finds nothing,
 * so no run fails and nothing is shrunk. For tests that hold a view of real evidence to the
 * plain way of working it out.
 */
export async function tradingVenueEvidence(
  bugs: string[],
  runs: number,
  seed: number,
): Promise<TradingEvidence[]> {
  const kept: TradingEvidence[] = [];
  const keep: Invariant = {
    name: 'test.keep',
    description: 'keeps the evidence',
    check: (evidence: RunEvidence) => {
      kept.push(evidence as TradingEvidence);
      return [];
    },
  };
  const venue = tradingPack.properties.find((p) => p.name === 'trading-venue');
  if (!venue) throw new Error('no trading-venue property');
  await runCampaign<TradingAction>({
    properties: [{ ...venue, invariants: [keep.name] }],
    invariants: [keep],
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: inprocTargetFactory({ bugs: bugs as never }) as never,
    seed,
    runs,
    timeBudgetMs: 600_000,
    now: () => performance.now(),
  });
  return kept;
}
