import type { RunEvidence } from '../src/core/model/evidence.ts';
import type { Invariant } from '../src/core/model/invariant.ts';
import { runCampaign } from '../src/core/runner/campaign.ts';
import { checkInvariants } from '../src/core/runner/check-invariants.ts';
import { inprocTargetFactory } from '../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../src/domains/trading/trading-action.ts';
import { tradingPack } from '../src/domains/trading/trading-pack.ts';
import { tradingVenueProperty } from './trading-venue-property.ts';

/**
 * Each invariant's share of the checking, warm: the evidence of 300 trading-venue runs is kept,
 * checked twice to warm up, then each invariant is timed on its own over three passes (views
 * the invariants share are not shared here: each pays for its own, as when checked alone).
 * `node --import ./bin/register-ts.mjs benchmarks/invariant-cost.ts`
 */
const venue = tradingVenueProperty();
const kept: RunEvidence[] = [];
const keep: Invariant = {
  name: 'bench.keep',
  description: 'keeps the evidence',
  check: (evidence) => {
    kept.push(evidence);
    return [];
  },
};
await runCampaign<TradingAction>({
  properties: [{ ...venue, invariants: [keep.name] }],
  invariants: [keep],
  projection: tradingPack.projection,
  clients: tradingPack.clients,
  factory: inprocTargetFactory() as never,
  seed: 5,
  runs: 300,
  timeBudgetMs: 600_000,
  now: () => performance.now(),
});
const invariants = tradingPack.invariants.filter((i) => venue.invariants.includes(i.name));
const copy = (evidence: RunEvidence): RunEvidence => ({ ...evidence, events: [...evidence.events] });
for (let pass = 0; pass < 2; pass++) for (const evidence of kept) checkInvariants(copy(evidence), invariants);
const cost = new Map<string, number>();
let total = 0;
for (let pass = 0; pass < 3; pass++) {
  for (const evidence of kept.map(copy)) {
    for (const invariant of invariants) {
      const start = performance.now();
      invariant.check(evidence as never, { count() {} });
      const ms = performance.now() - start;
      cost.set(invariant.name, (cost.get(invariant.name) ?? 0) + ms);
      total += ms;
    }
  }
}
const actions = kept.reduce((n, e) => n + e.actions.length, 0);
process.stdout.write(
  `${kept.length} runs, ${actions} actions: every invariant alone, ${(total / 3).toFixed(0)} ms a pass (${((actions * 3 * 1000) / total).toFixed(0)} actions/s of checking)\n`,
);
for (const [name, ms] of [...cost].sort((a, b) => b[1] - a[1]))
  process.stdout.write(
    `${((ms / total) * 100).toFixed(1).padStart(5)}% ${(ms / 3).toFixed(0).padStart(5)} ms  ${name}\n`,
  );
