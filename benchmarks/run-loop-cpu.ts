import { runCampaign } from '../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../src/domains/trading/trading-action.ts';
import { tradingPack } from '../src/domains/trading/trading-pack.ts';
import { bareModelRunBatch } from './campaign-throughput.ts';
import { tradingVenueProperty } from './trading-venue-property.ts';

/**
 * The in-process run loop on CPU time, for comparing two versions of it on a shared machine
 * (wall time moves with the load of others far more than CPU time does): a one-worker campaign
 * of trading-venue with every invariant and the oracle, 150 warm-up runs, then three rounds of
 * RUNS runs (default 200), each beside a second of CPU time of the bare fc.modelRun of
 * campaign-throughput.ts. Prints actions/s of CPU time and the ratio to the model run.
 * `node --import ./bin/register-ts.mjs benchmarks/run-loop-cpu.ts` (LABEL=... names the line).
 */
const venue = tradingVenueProperty();
const runs = Number(process.env.RUNS ?? 200);
const cpuMs = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
const campaign = (seed: number, count: number) =>
  runCampaign<TradingAction>({
    properties: [venue],
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: inprocTargetFactory() as never,
    seed,
    runs: count,
    timeBudgetMs: 600_000,
    now: () => performance.now(),
  });

await campaign(99, 150);
let actions = 0;
let campaignMs = 0;
let commands = 0;
let modelMs = 0;
let modelSeed = 1;
for (let round = 0; round < 3; round++) {
  const start = cpuMs();
  const result = await campaign(20261122 + round, runs);
  campaignMs += cpuMs() - start;
  actions += result.actions;
  if (!result.properties[0]?.passed)
    throw new Error('run-loop-cpu: the campaign failed; shrinking would be timed');
  const modelStart = cpuMs();
  do commands += bareModelRunBatch(modelSeed++);
  while (cpuMs() - modelStart < 1000);
  modelMs += cpuMs() - modelStart;
}
const rate = (actions / campaignMs) * 1000;
const model = (commands / modelMs) * 1000;
process.stdout.write(
  `${process.env.LABEL ?? 'run loop'}: campaign ${rate.toFixed(0)} actions/s of CPU time, bare modelRun ${model.toFixed(0)} commands/s, ratio ${((rate / model) * 100).toFixed(2)}%\n`,
);
