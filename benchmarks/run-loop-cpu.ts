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
 *
 * With SCOPE=run it measures the run path alone, without generation or the campaign around it:
 * action lists of trading-venue, chaos-recovery (its faults) and reconnect-convergence are
 * generated once (LISTS per property, default 20), then executed again and again with
 * executeRun and a checker that checks nothing; a run's evidence is left unread. Each version
 * runs in a process of its own, started with its own checkout's loader: a checkout's loader
 * compiles another checkout's sources as a user's module (tsx, with keepNames), and two copies
 * of the very same sources in one process once measured 10% apart (an A/A sitting, loaded).
 * With BASE=<checkout> the two versions' processes alternate PAIRS times (default 6), each
 * running ROUNDS rounds (default 12) after two warm-up passes; it prints each version's median
 * actions/s of CPU time and the median of the per-pair ratios.
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

if (process.env.SCOPE === 'run') {
  await runPathOnly();
  process.exit(0);
}
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

/**
 * The child of SCOPE=run, as plain JavaScript written beside the lists, so that the only
 * TypeScript it loads is the checkout's own, compiled by that checkout's loader.
 */
function runPathChild(): string {
  return `
import { readFileSync } from 'node:fs';
const root = process.env.RUN_PATH_ROOT.replace(/\\/?$/, '/');
const load = (path) => import(new URL(path, 'file://' + root).href);
const { executeRun, DEFAULT_SETTINGS } = await load('src/core/runner/campaign.ts');
const { inprocTargetFactory } = await load('src/domains/trading/targets/inproc-target-factory.ts');
const { tradingPack } = await load('src/domains/trading/trading-pack.ts');
const work = JSON.parse(readFileSync(process.env.RUN_PATH_LISTS, 'utf8'));
const nothing = { name: 'bench.nothing', description: 'benchmark: checks nothing', check: () => [] };
const count = work.reduce((n, w) => n + w.actions.length, 0);
const cpuMs = () => { const used = process.cpuUsage(); return (used.user + used.system) / 1000; };
const pass = async () => {
  const factory = inprocTargetFactory();
  for (const w of work) {
    const report = await executeRun(factory, w.actions, {
      clients: tradingPack.clients, projection: tradingPack.projection, invariants: [nothing],
      settings: { ...DEFAULT_SETTINGS, ...w.settings },
    });
    if (report.verdict.status !== 'pass') throw new Error('run-loop-cpu: a run ended ' + report.verdict.status);
  }
};
await pass();
await pass();
const rates = [];
for (let round = 0; round < Number(process.env.ROUNDS ?? 12); round++) {
  const start = cpuMs();
  await pass();
  rates.push((count / (cpuMs() - start)) * 1000);
}
rates.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ rate: rates[Math.floor((rates.length - 1) / 2)], runs: work.length }) + '\\n');
`;
}

/** SCOPE=run: the run path alone (see the comment at the top). */
async function runPathOnly(): Promise<void> {
  const { execFileSync } = await import('node:child_process');
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const fc = (await import('fast-check')).default;
  const { FAULT_KINDS } = await import('../src/core/faults/fault.ts');
  // The lists are generated once, here, so both versions run the very same actions.
  const perProperty = Number(process.env.LISTS ?? 20);
  const work: { actions: unknown[]; settings: object }[] = [];
  for (const name of ['trading-venue', 'chaos-recovery', 'reconnect-convergence']) {
    const property = tradingPack.properties.find((p) => p.name === name);
    if (!property) throw new Error(`run-loop-cpu: no property ${name}`);
    const faults = property.faults === 'all' ? [...FAULT_KINDS] : [...(property.faults ?? [])];
    const settings = property.settings ?? {};
    const arbitrary = property.actions({ seed: 11, maxActions: settings.maxActions ?? 40, faults });
    for (const actions of fc.sample(arbitrary, { seed: 11, numRuns: perProperty }))
      work.push({ actions, settings });
  }
  const dir = mkdtempSync(join(tmpdir(), 'run-loop-cpu-'));
  const lists = join(dir, 'lists.json');
  const script = join(dir, 'run-path-child.mjs');
  writeFileSync(lists, JSON.stringify(work));
  writeFileSync(script, runPathChild());
  const here = new URL('..', import.meta.url).pathname;
  const child = (root: string): number => {
    const out = execFileSync(process.execPath, ['--import', join(root, 'bin/register-ts.mjs'), script], {
      env: { ...process.env, RUN_PATH_ROOT: root, RUN_PATH_LISTS: lists },
      encoding: 'utf8',
    });
    return (JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { rate: number }).rate;
  };
  const base = process.env.BASE;
  if (base === undefined) {
    process.stdout.write(
      `run path alone: ${child(here).toFixed(0)} actions/s of CPU time (${work.length} runs)\n`,
    );
    return;
  }
  const pairs = Number(process.env.PAIRS ?? 6);
  const rates = { base: [] as number[], here: [] as number[] };
  for (let pair = 0; pair < pairs; pair++) {
    const order = pair % 2 === 0 ? (['base', 'here'] as const) : (['here', 'base'] as const);
    for (const side of order) rates[side].push(child(side === 'base' ? base : here));
  }
  const ratios = rates.here.map((rate, i) => rate / rates.base[i]);
  process.stdout.write(
    `run path alone: base ${median(rates.base).toFixed(0)} actions/s of CPU time, this checkout ${median(rates.here).toFixed(0)}; per-pair ratio median ${median(ratios).toFixed(3)} (${ratios.map((r) => r.toFixed(2)).join(' ')}), ${pairs} pairs of processes, ${work.length} runs a round\n`,
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
