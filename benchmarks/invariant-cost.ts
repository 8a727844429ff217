import type { RunEvidence } from '../src/core/model/evidence.ts';
import type { Invariant } from '../src/core/model/invariant.ts';
import { runCampaign } from '../src/core/runner/campaign.ts';
import { checkInvariants } from '../src/core/runner/check-invariants.ts';
import { inprocTargetFactory } from '../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../src/domains/trading/trading-action.ts';
import { tradingPack } from '../src/domains/trading/trading-pack.ts';
import { tradingVenueProperty } from './trading-venue-property.ts';

/**
 * What checking costs, warm, in CPU time of the process (the machine is shared: wall time moves
 * with the load of others far more). The evidence of 300 trading-venue runs is kept and checked
 * twice to warm up; then, over three passes on fresh copies of it:
 * - together: checkInvariants with every invariant of the property, as a campaign checks a run
 *   (the views they share built once per run), and the same without the invariants the
 *   oracle judges (what the run index, invariants/trading/support/run-index.ts, serves);
 * - alone: each invariant on its own over the whole pass (views the invariants share are not
 *   shared here: each pays for its own, as when checked alone), its share of their sum.
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
/** The invariants the oracle judges (one report for all of them, support/oracle-judge.ts). */
const ORACLE = new Set([
  'requests.valid-accepted',
  'requests.refusals-justified',
  'matching.happens',
  'events.content',
  'stp.cancels-named-order',
]);
const withoutOracle = invariants.filter((i) => !ORACLE.has(i.name));
const copy = (evidence: RunEvidence): RunEvidence => ({ ...evidence, events: [...evidence.events] });
const cpuMs = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
const PASSES = 3;
for (let pass = 0; pass < 2; pass++) for (const evidence of kept) checkInvariants(copy(evidence), invariants);
let together = 0;
let apart = 0;
for (let pass = 0; pass < PASSES; pass++) {
  const copies = kept.map(copy);
  const start = cpuMs();
  for (const evidence of copies) checkInvariants(evidence, invariants);
  together += cpuMs() - start;
  const again = kept.map(copy);
  const from = cpuMs();
  for (const evidence of again) checkInvariants(evidence, withoutOracle);
  apart += cpuMs() - from;
}
const cost = new Map<string, number>();
let total = 0;
for (let pass = 0; pass < PASSES; pass++) {
  const copies = kept.map(copy);
  for (const invariant of invariants) {
    const start = cpuMs();
    for (const evidence of copies) invariant.check(evidence as never, { count() {} });
    const ms = cpuMs() - start;
    cost.set(invariant.name, (cost.get(invariant.name) ?? 0) + ms);
    total += ms;
  }
}
const actions = kept.reduce((n, e) => n + e.actions.length, 0);
const rate = (ms: number): string => ((actions * PASSES * 1000) / ms).toFixed(0);
process.stdout.write(
  `${kept.length} runs, ${actions} actions (CPU time)\n` +
    `together: ${(together / PASSES).toFixed(0)} ms a pass (${rate(together)} actions/s of checking)\n` +
    `together, the oracle's ${invariants.length - withoutOracle.length} aside: ${(apart / PASSES).toFixed(0)} ms a pass (${rate(apart)} actions/s of checking)\n` +
    `every invariant alone: ${(total / PASSES).toFixed(0)} ms a pass (${rate(total)} actions/s of checking)\n`,
);
for (const [name, ms] of [...cost].sort((a, b) => b[1] - a[1]))
  process.stdout.write(
    `${((ms / total) * 100).toFixed(1).padStart(5)}% ${(ms / PASSES).toFixed(0).padStart(5)} ms  ${name}\n`,
  );
