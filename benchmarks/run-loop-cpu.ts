import type { Invariant } from '../src/core/model/invariant.ts';
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
 * With INVARIANTS=none the property names one checker that checks nothing (a property must
 * name one), so the figure is the run path alone: generation, the venue, the clients, recording
 * and the projections.
 *
 * With BASE=<another checkout> (a copy of the commit to compare against, with node_modules) it
 * compares instead: the same campaign from BASE's sources and from this checkout's, in one
 * process, alternating (ROUNDS rounds, default 24, of RUNS runs each, default 40, the order
 * swapped every round, the same seed for both sides of a round), so load that comes and goes
 * hits both alike. Prints each side's actions/s of CPU time and the median of the per-round
 * ratios. Separate processes, one per version, were too noisy on a loaded machine.
 */
const checked = process.env.INVARIANTS !== 'none';
const nothing: Invariant = {
  name: 'bench.nothing',
  description: 'benchmark: checks nothing',
  check: () => [],
};
const venue = checked ? tradingVenueProperty() : { ...tradingVenueProperty(), invariants: [nothing.name] };
const runs = Number(process.env.RUNS ?? 200);
const cpuMs = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
const campaign = (seed: number, count: number) =>
  runCampaign<TradingAction>({
    properties: [venue],
    invariants: checked ? tradingPack.invariants : [nothing],
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: inprocTargetFactory() as never,
    seed,
    runs: count,
    timeBudgetMs: 600_000,
    now: () => performance.now(),
  });

if (process.env.BASE !== undefined) {
  await compare(process.env.BASE);
  process.exit(0);
}

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
  `${process.env.LABEL ?? 'run loop'}${checked ? '' : ' (no invariants)'}: campaign ${rate.toFixed(0)} actions/s of CPU time, bare modelRun ${model.toFixed(0)} commands/s, ratio ${((rate / model) * 100).toFixed(2)}%\n`,
);

type Campaign = (seed: number, count: number) => Promise<{ actions: number; passed: boolean }>;

/** The campaign above, built from the sources under `root` (this checkout or BASE). */
async function campaignFrom(root: string): Promise<Campaign> {
  const load = (path: string) => import(new URL(path, `file://${root.replace(/\/?$/, '/')}`).href);
  const { runCampaign: run } = await load('src/core/runner/campaign.ts');
  const { inprocTargetFactory: factory } = await load('src/domains/trading/targets/inproc-target-factory.ts');
  const { tradingPack: pack } = await load('src/domains/trading/trading-pack.ts');
  const { tradingVenueProperty: property } = await load('benchmarks/trading-venue-property.ts');
  const base = property();
  return async (seed, count) => {
    const result = await run({
      properties: [checked ? base : { ...base, invariants: [nothing.name] }],
      invariants: checked ? pack.invariants : [nothing],
      projection: pack.projection,
      clients: pack.clients,
      factory: factory(),
      seed,
      runs: count,
      timeBudgetMs: 600_000,
      now: () => performance.now(),
    });
    return { actions: result.actions, passed: result.properties[0]?.passed === true };
  };
}

async function compare(baseRoot: string): Promise<void> {
  const here = new URL('..', import.meta.url).pathname;
  const sides = { base: await campaignFrom(baseRoot), here: await campaignFrom(here) };
  const rounds = Number(process.env.ROUNDS ?? 24);
  const count = Number(process.env.RUNS ?? 40);
  for (const side of Object.values(sides)) await side(99, 150);
  const rates = { base: [] as number[], here: [] as number[] };
  const totals = { base: { actions: 0, ms: 0 }, here: { actions: 0, ms: 0 } };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['base', 'here'] as const) : (['here', 'base'] as const);
    for (const name of order) {
      const start = cpuMs();
      const result = await sides[name](20261122 + round, count);
      const ms = cpuMs() - start;
      if (!result.passed) throw new Error(`run-loop-cpu: the ${name} campaign failed`);
      totals[name].actions += result.actions;
      totals[name].ms += ms;
      rates[name].push((result.actions / ms) * 1000);
    }
  }
  const ratios = rates.here.map((rate, i) => rate / rates.base[i]).sort((a, b) => a - b);
  const at = (q: number): string => ratios[Math.floor(q * (ratios.length - 1))].toFixed(3);
  const rate = (name: 'base' | 'here'): string =>
    ((totals[name].actions / totals[name].ms) * 1000).toFixed(0);
  process.stdout.write(
    `${checked ? 'all invariants' : 'no invariants'}: base ${rate('base')} actions/s of CPU time, this checkout ${rate('here')}; per-round ratio median ${at(0.5)} (quartiles ${at(0.25)} to ${at(0.75)}), ${rounds} rounds of ${count} runs\n`,
  );
}
