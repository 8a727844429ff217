import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import type { GenerationContext } from '../src/core/model/property.ts';
import { inprocTargetFactory } from '../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../src/domains/trading/trading-action.ts';
import type { BenchRow } from './bench-table.ts';
import { bareModelRunBatch } from './campaign-throughput.ts';
import { mainThreadMs } from './main-thread-time.ts';
import { tradingVenueProperty } from './trading-venue-property.ts';

/**
 * What generation alone costs, on CPU time of the process (load moves wall time far more): the
 * trading-venue property's runs as an in-process campaign generates them (fc.check over its
 * arbitrary with a predicate that always holds, in the context a campaign on the embedded venue
 * gives it), and the shrinking of a failing predicate over the same arbitrary (every candidate is
 * generated again through the model). Beside each round, a second of the bare fc.modelRun of
 * campaign-throughput.ts, the ceiling the campaign rows use. Nothing is executed: no venue, no
 * invariant. `node --import ./bin/register-ts.mjs benchmarks/generation-cost.ts` (RUNS=... runs
 * a round, ROUNDS=... rounds, LABEL=... names the line).
 */

const SAMPLE_SEED = 20261207;
const SHRINK_SEED = 501;

const cpuMs = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

/** The context runCampaign gives trading-venue on the in-process target (no faults). */
function venueContext(seed: number): GenerationContext {
  const venue = tradingVenueProperty();
  const capabilities = inprocTargetFactory().capabilities;
  return {
    seed,
    maxActions: venue.settings?.maxActions ?? 60,
    faults: [],
    ...(capabilities === undefined ? {} : { capabilities: [...capabilities] }),
  };
}

/**
 * Generates `runs` runs of trading-venue from `seed`, as a campaign does (fc.check, each run
 * dropped once its predicate has seen it); the number of actions they hold.
 */
export function generateVenueRuns(seed: number, runs: number): number {
  const arbitrary = tradingVenueProperty().actions(venueContext(seed));
  let actions = 0;
  const result = fc.check(
    fc.property(arbitrary, (list) => {
      actions += list.length;
      return true;
    }),
    { seed, numRuns: runs },
  );
  if (result.failed) throw new Error('generation-cost: a predicate that holds failed');
  return actions;
}

/**
 * Shrinks the first trading-venue run with 12 places or more (seed 501): the number of runs the
 * predicate saw, the runs generated and every shrink candidate.
 */
export function shrinkVenueRun(): number {
  let calls = 0;
  const places = (list: readonly TradingAction[]) => list.filter((a) => a.kind === 'place').length;
  const result = fc.check(
    fc.property(tradingVenueProperty().actions(venueContext(SAMPLE_SEED)), (list) => {
      calls += 1;
      return places(list) < 12;
    }),
    { seed: SHRINK_SEED, numRuns: 300 },
  );
  if (!result.failed) throw new Error('generation-cost: the shrink predicate found nothing to shrink');
  return calls;
}

export interface GenerationCost {
  /** Generated runs per second of CPU time. */
  runsPerSecond: number;
  actionsPerSecond: number;
  /** Shrink candidates (generated again through the model) per second of CPU time. */
  candidatesPerSecond: number;
  /** The bare fc.modelRun over the engine, commands per second of CPU time, in the same rounds. */
  modelCommandsPerSecond: number;
  /** The same two rates on the main thread's own CPU time (main-thread-time.ts). */
  mainActionsPerSecond: number;
  mainModelCommandsPerSecond: number;
}

/** `rounds` rounds of generating `runs` runs, shrinking once, and a second of the bare model run. */
export function measureGenerationCost(rounds = 3, runs = 300): GenerationCost {
  generateVenueRuns(1, 100);
  shrinkVenueRun();
  let generated = 0;
  let actions = 0;
  let generateMs = 0;
  let candidates = 0;
  let shrinkMs = 0;
  let commands = 0;
  let modelMs = 0;
  let modelSeed = 1;
  let generateMainMs = 0;
  let modelMainMs = 0;
  for (let round = 0; round < rounds; round++) {
    const start = cpuMs();
    const mainStart = mainThreadMs();
    actions += generateVenueRuns(SAMPLE_SEED + round, runs);
    generateMainMs += mainThreadMs() - mainStart;
    generateMs += cpuMs() - start;
    generated += runs;
    const shrinkStart = cpuMs();
    candidates += shrinkVenueRun();
    shrinkMs += cpuMs() - shrinkStart;
    const modelStart = cpuMs();
    const modelMainStart = mainThreadMs();
    do commands += bareModelRunBatch(modelSeed++);
    while (cpuMs() - modelStart < 1000);
    modelMainMs += mainThreadMs() - modelMainStart;
    modelMs += cpuMs() - modelStart;
  }
  return {
    runsPerSecond: (generated / generateMs) * 1000,
    actionsPerSecond: (actions / generateMs) * 1000,
    candidatesPerSecond: (candidates / shrinkMs) * 1000,
    modelCommandsPerSecond: (commands / modelMs) * 1000,
    mainActionsPerSecond: (actions / generateMainMs) * 1000,
    mainModelCommandsPerSecond: (commands / modelMainMs) * 1000,
  };
}

/** The rows `npm run bench` can print: generated actions/s beside the bare model run. */
export function runGenerationCostBenchmark(cost: GenerationCost = measureGenerationCost()): BenchRow[] {
  return [
    {
      name: 'generation actions/s (trading-venue, CPU time)',
      value: cost.actionsPerSecond,
      unit: 'actions/s',
      ceilingName: 'bare fc.modelRun, CPU time',
      ceiling: cost.modelCommandsPerSecond,
      note: `${cost.runsPerSecond.toFixed(0)} runs/s generated; shrinking ${cost.candidatesPerSecond.toFixed(0)} candidates/s`,
    },
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const cost = measureGenerationCost(Number(process.env.ROUNDS ?? 3), Number(process.env.RUNS ?? 300));
  process.stdout.write(
    `${process.env.LABEL ?? 'generation'}: ${cost.runsPerSecond.toFixed(0)} runs/s, ${cost.actionsPerSecond.toFixed(0)} actions/s generated, shrinking ${cost.candidatesPerSecond.toFixed(0)} candidates/s (CPU time); bare modelRun ${cost.modelCommandsPerSecond.toFixed(0)} commands/s, ratio ${((cost.actionsPerSecond / cost.modelCommandsPerSecond) * 100).toFixed(1)}%\n`,
  );
}
