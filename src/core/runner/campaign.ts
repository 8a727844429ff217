import fc from 'fast-check';
import { CoverageTally } from '../coverage/coverage-tally.ts';
import type { SurfaceId, SurfaceRegistry } from '../coverage/surface-registry.ts';
import type { FaultKind } from '../faults/fault.ts';
import { addFaultCounts, type FaultCounts } from '../faults/fault-record.ts';
import { evaluateSlos } from '../latency/evaluate-slos.ts';
import { LatencyTally } from '../latency/latency-tally.ts';
import type { SloResult } from '../latency/slo.ts';
import type { ActionBase } from '../model/action.ts';
import type { RecordedEvent, RunEvidence } from '../model/evidence.ts';
import type { Invariant } from '../model/invariant.ts';
import type { Projection } from '../model/projection.ts';
import type { Property, PropertySettings } from '../model/property.ts';
import type { TargetFactory } from '../model/target.ts';
import type { ActionLatency } from '../report/campaign-summary.ts';
import { type Shard, shardOwnsRun } from '../shard/shard.ts';
import type { ExecuteOptions, RunReport } from './execute-run.ts';
import { exploreInPool } from './explore-in-pool.ts';
import { GenerationStop } from './generation-stop.ts';
import { type JudgeOptions, judgeRun } from './judge-run.ts';
import type { RunJudgement } from './run-judgement.ts';
import { judgementOf } from './run-judgement.ts';
import type { RunPool, WorkerCrash } from './run-pool.ts';

// Kept importable from here, where they used to live.
export { executeEveryStep, executeRun, hasFaults, type RunReport } from './execute-run.ts';
export { firstDifference } from './first-difference.ts';

export const DEFAULT_SETTINGS: PropertySettings = { maxActions: 40, requestTimeoutMs: 1000, quietMs: 50 };

export interface CampaignOptions<A extends ActionBase> {
  properties: readonly Property<A>[];
  invariants: readonly Invariant[];
  projection: Projection;
  clients: readonly string[];
  factory: TargetFactory<A>;
  seed: number;
  /** A property's own seed (CI mode derives one per property); `seed` when absent. */
  seedOf?: (property: string) => number;
  runs: number;
  /**
   * Run only this shard's share of properties × runs (shard/shard.ts). Other shards' runs are
   * still generated, so every run keeps its index and its value, but not executed.
   */
  shard?: Shard;
  /** Wall-clock budget for the whole campaign, shrinking included. */
  timeBudgetMs: number;
  /** Wall-clock budget for shrinking one failure. */
  shrinkBudgetMs: number;
  maxActions?: number;
  /** Run every generated sequence twice and fail on any difference in the recorded events. */
  checkDeterminism?: boolean;
  /** Check the invariants after every step, not only at the end of the run (see executeEveryStep). */
  checkEveryStep?: boolean;
  /**
   * Fault kinds to mix in, for every property: 'all' is every kind the factory supports. When
   * absent each property uses its own default (Property.faults).
   */
  faults?: readonly FaultKind[] | 'all';
  /** Kinds that must fire at least once over the whole campaign (`sometimes`). */
  requireFaults?: readonly FaultKind[];
  /** The domain's surface: each run's evidence is read for the items it exercised. */
  surface?: { registry: SurfaceRegistry; exercised(evidence: RunEvidence<A>): Iterable<SurfaceId> };
  /** 'inproc' or 'ws': SLOs may apply to one transport only. */
  transport?: string;
  /** Receives every recorded event of every run (a CLI streams them to an NDJSON file). */
  sink?: (event: RecordedEvent) => void;
  /** The wall clock, injected: only budgets read it, never the runs themselves. */
  now: () => number;
  onRun?: (progress: {
    property: string;
    runIndex: number;
    /** The run's generated actions. */
    generated: readonly A[];
    runs: number;
    actions: number;
    failed: boolean;
  }) => void;
  /** Called as each property starts. */
  onProperty?: (property: string) => void;
  /**
   * Worker threads to explore in (src/core/workers): runs are judged in parallel, folded in
   * generation order and shrunk here, so the result is the one a sequential campaign gives.
   */
  pool?: RunPool<A>;
}

export interface PropertyFailure<A> {
  property: string;
  seed: number;
  /** fast-check's path to the counterexample: with the seed it regenerates it exactly. */
  path: string;
  runIndex: number;
  shrinks: number;
  report: RunReport<A>;
}

export interface PropertyOutcome<A> {
  property: string;
  seed: number;
  runs: number;
  actions: number;
  durationMs: number;
  passed: boolean;
  interrupted: boolean;
  failure?: PropertyFailure<A>;
  /** A run whose checkers threw and nothing failed: not a pass, not a failure. */
  unknown?: { invariant: string; error: string };
  /** The fault kinds mixed into this property's runs. */
  faultKinds: FaultKind[];
  /** How many faults of each kind fired over the runs (shrinking not counted). */
  faults: FaultCounts;
  /** Kinds its `sometimes` assertion requires to fire somewhere in the campaign. */
  requiredFaults: FaultKind[];
  /** Kinds its `sometimes` assertion required that never fired in the campaign: the property fails. */
  unfired?: FaultKind[];
  /** Latency and outcomes per action type over its runs (shrinking not counted). */
  latency: ActionLatency[];
  /** Its SLOs judged over all its runs: a breach fails the property. */
  slos: SloResult[];
  /** Surface items its runs exercised. */
  exercised: string[];
}

export interface CampaignResult<A> {
  seed: number;
  runs: number;
  actions: number;
  durationMs: number;
  interrupted: boolean;
  properties: PropertyOutcome<A>[];
  /** Faults fired over the whole campaign, by kind. */
  faults: FaultCounts;
  /** Kinds the campaign required (requireFaults) that never fired: the campaign fails. */
  unfired: FaultKind[];
  /** Surface items exercised by any run. */
  exercised: string[];
  /** Every property's latency together, per action type. */
  latency: ActionLatency[];
  /** With a pool: how many workers explored, and any that crashed. */
  workers?: { count: number; crashes: WorkerCrash[] };
}

/**
 * A seeded campaign: for each property, fast-check generates action sequences, each runs on
 * a fresh target and the property's invariants are checked after it. A failing sequence is
 * shrunk (within its own time bound) and run once more to record its evidence. The runs stop
 * at the run count or the time budget, whichever comes first.
 */
export async function runCampaign<A extends ActionBase>(
  options: CampaignOptions<A>,
): Promise<CampaignResult<A>> {
  const started = options.now();
  const byName = new Map(options.invariants.map((i) => [i.name, i]));
  const outcomes: PropertyOutcome<A>[] = [];
  let totalRuns = 0;
  let totalActions = 0;
  let interrupted = false;
  const requirements = new Map<PropertyOutcome<A>, readonly FaultKind[]>();
  const coverage = new CoverageTally();
  const latency = new LatencyTally();
  // Sharded, a kind may fire on another machine: `sometimes` is decided when shards merge.
  const sharded = options.shard !== undefined && options.shard.count > 1;
  for (const [index, property] of options.properties.entries()) {
    const seed = options.seedOf?.(property.name) ?? options.seed;
    const required = property.sometimes === 'enabled' ? null : (property.sometimes ?? []);
    const remaining = options.timeBudgetMs - (options.now() - started);
    // Each property gets a share of what is left in proportion to its planned work (its
    // longest sequence), so a slow first property cannot starve the others and one with
    // longer sequences is not cut first; what a fast one leaves over goes to those after it.
    const weights = options.properties.slice(index).map((p) => plannedLength(p, options));
    const share = (remaining * (weights[0] ?? 1)) / weights.reduce((a, b) => a + b, 0);
    const faultKinds = enabledFaults(property, options);
    const requiredFaults = [...(required ?? faultKinds)];
    if (remaining <= 0) {
      interrupted = true;
      const outcome: PropertyOutcome<A> = {
        property: property.name,
        seed,
        runs: 0,
        actions: 0,
        durationMs: 0,
        passed: true,
        interrupted: true,
        faultKinds,
        faults: {},
        requiredFaults,
        latency: [],
        slos: [],
        exercised: [],
      };
      // Not reached at all: it asserts nothing, as it ran nothing.
      outcomes.push(outcome);
      continue;
    }
    const settings: PropertySettings = {
      ...DEFAULT_SETTINGS,
      ...property.settings,
      ...(options.maxActions === undefined ? {} : { maxActions: options.maxActions }),
    };
    const invariants = property.invariants.map((name) => {
      const invariant = byName.get(name);
      if (!invariant) throw new Error(`property ${property.name} names an unknown invariant ${name}`);
      return invariant;
    });
    const runOptions: ExecuteOptions = {
      clients: options.clients,
      projection: options.projection,
      invariants,
      settings,
      ...(options.sink ? { sink: options.sink } : {}),
    };
    const judgeOptions: JudgeOptions = {
      checkEveryStep: options.checkEveryStep === true,
      checkDeterminism: options.checkDeterminism === true,
    };
    const judge = (list: readonly A[]): Promise<RunReport<A>> =>
      judgeRun(options.factory, list, runOptions, judgeOptions);
    let runs = 0;
    let actions = 0;
    let generatedRuns = 0;
    const faults: FaultCounts = {};
    const propertyCoverage = new CoverageTally();
    const propertyLatency = new LatencyTally();
    const owned = (runIndex: number): boolean =>
      options.shard === undefined || shardOwnsRun(options.shard, property.name, runIndex);
    options.onProperty?.(property.name);
    let firstFailureAt: number | undefined;
    let unknown: { invariant: string; error: string } | undefined;
    const propertyStarted = options.now();
    let outOfTime = false;
    // The property's share of the budget is spent: no new run starts. (fast-check's own time
    // limit would abandon a run in flight, which would go on using the target meanwhile.)
    const startsNoMore = (): boolean => {
      outOfTime ||= options.now() - propertyStarted >= share;
      return outOfTime;
    };
    // Every exploring run is folded into the tallies here, in generation order, by whichever
    // thread ran it: the same runs give the same counts.
    const fold = (judgement: RunJudgement, generated: readonly A[]): void => {
      runs++;
      actions += judgement.actions;
      addFaultCounts(faults, judgement.faults);
      propertyLatency.recordOperations(judgement.operations);
      propertyCoverage.add(judgement.exercised);
      if (judgement.events && options.sink) for (const event of judgement.events) options.sink(event);
      if (judgement.unknown) unknown ??= judgement.unknown;
      options.onRun?.({
        property: property.name,
        runIndex: judgement.runIndex,
        generated,
        runs,
        actions,
        failed: judgement.status === 'fail',
      });
    };
    const exercised = options.surface?.exercised;
    // While shrinking: past the shrink budget every candidate "passes", which ends shrinking
    // at the smallest failure found so far.
    const shrinkStep = async (candidate: A[]): Promise<boolean> => {
      if (options.now() - (firstFailureAt ?? 0) > options.shrinkBudgetMs) return true;
      const report = await judge(candidate);
      if (report.verdict.status === 'unknown')
        unknown ??= { invariant: report.verdict.invariant, error: report.verdict.error };
      return report.verdict.status !== 'fail';
    };
    const arbitrary = property.actions({ seed, maxActions: settings.maxActions, faults: faultKinds });
    const checkParameters = {
      seed,
      numRuns: options.runs,
      // Only a backstop: runs stop at the share above; this bounds generating the skipped ones.
      interruptAfterTimeLimit: Math.max(1, share) + options.shrinkBudgetMs + 60_000,
      markInterruptAsFailure: false,
    };
    // Exploring ends at the first failure (endOnFailure): the failure is then shrunk from its
    // place in the seed's stream, on this thread, whichever thread found it.
    const exploring = { ...checkParameters, endOnFailure: true };
    let failureIndex: number | undefined;
    let stoppedEarly = false;
    if (!options.pool) {
      const stop = new GenerationStop();
      const explored = await fc.check(
        fc.asyncProperty(arbitrary, async (generated) => {
          if (stop.isRequested) return stop.answer();
          // Runs are numbered in generation order, the same in every shard: another shard's
          // run is generated (so the numbering and values line up) but not executed.
          const runIndex = generatedRuns++;
          if (!owned(runIndex)) return true;
          // Out of time: no run starts, and the runs left are not even generated.
          if (startsNoMore()) {
            stop.request();
            return stop.answer();
          }
          const report = await judge(generated);
          fold(judgementOf(runIndex, report, exercised ? { exercised } : {}), generated);
          if (report.verdict.status !== 'fail') return true;
          failureIndex = runIndex;
          return false;
        }),
        exploring,
      );
      stoppedEarly = explored.interrupted;
    } else {
      const explored = await exploreInPool(options.pool, arbitrary, exploring, {
        job: {
          property: property.name,
          invariants: property.invariants,
          settings,
          ...judgeOptions,
          exercised: exercised !== undefined,
          record: options.sink !== undefined,
          ...(options.pool.generates(property.name)
            ? { generation: { seed, maxActions: settings.maxActions, faults: faultKinds } }
            : {}),
        },
        runs: options.runs,
        owned,
        startsNoMore,
        nextIndex: () => generatedRuns++,
        fold,
      });
      stoppedEarly = explored.interrupted;
      failureIndex = explored.failureIndex;
    }
    let result: fc.RunDetails<[A[]]> | undefined;
    if (failureIndex !== undefined) {
      // fast-check's path to the failing run: with the seed it regenerates that run, and the
      // shrinking from it (and the counterexample's path) is the one an inline shrink gives.
      // The run itself is known to fail and is not run again.
      firstFailureAt = options.now();
      let known = true;
      result = await fc.check(
        fc.asyncProperty(arbitrary, async (candidate) => {
          if (!known) return shrinkStep(candidate);
          known = false;
          return false;
        }),
        { ...checkParameters, path: String(failureIndex) },
      );
    }
    totalRuns += runs;
    totalActions += actions;
    const stopped = outOfTime || stoppedEarly || result?.interrupted === true;
    interrupted ||= stopped;
    const failed = result?.failed === true && result.counterexample !== null;
    const latencySummary = propertyLatency.toSummary();
    // An SLO speaks of a healthy system unless it says otherwise (Slo.underFaults).
    const sloList = (property.slos ?? []).filter((slo) => faultKinds.length === 0 || slo.underFaults);
    const slos = evaluateSlos(sloList, latencySummary, options.transport ?? 'inproc');
    coverage.merge(propertyCoverage);
    latency.merge(propertyLatency);
    const outcome: PropertyOutcome<A> = {
      property: property.name,
      seed,
      runs,
      actions,
      durationMs: 0,
      passed: !failed && unknown === undefined && !slos.some((s) => s.breached),
      interrupted: stopped,
      ...(unknown ? { unknown } : {}),
      faultKinds: [...faultKinds],
      faults,
      requiredFaults,
      latency: latencySummary,
      slos,
      exercised: propertyCoverage.ids(),
    };
    if (requiredFaults.length > 0) requirements.set(outcome, requiredFaults);
    if (failed && result?.counterexample) {
      const shrunk = result.counterexample[0];
      outcome.failure = {
        property: property.name,
        seed: result.seed,
        path: result.counterexamplePath ?? '',
        runIndex: Number.parseInt(result.counterexamplePath ?? '0', 10),
        shrinks: result.numShrinks,
        report: await judge(shrunk),
      };
    }
    outcome.durationMs = options.now() - propertyStarted;
    outcomes.push(outcome);
  }
  const faults: FaultCounts = {};
  for (const outcome of outcomes) addFaultCounts(faults, outcome.faults);
  // `sometimes`: a kind a property requires must have fired somewhere in the campaign.
  for (const [outcome, required] of sharded ? [] : requirements) {
    // A property that failed, or that the time budget stopped, ended early: what it did not
    // get to fire says nothing more (a budget too short for the chaos is the budget's fault).
    if (outcome.failure || outcome.interrupted) continue;
    const unfired = required.filter((kind) => !(faults[kind] ?? 0));
    if (unfired.length === 0) continue;
    outcome.unfired = unfired;
    outcome.passed = false;
  }
  return {
    seed: options.seed,
    runs: totalRuns,
    actions: totalActions,
    durationMs: options.now() - started,
    interrupted,
    properties: outcomes,
    faults,
    unfired: sharded ? [] : (options.requireFaults ?? []).filter((kind) => !(faults[kind] ?? 0)),
    exercised: coverage.ids(),
    latency: latency.toSummary(),
    ...(options.pool ? { workers: { count: options.pool.size, crashes: [...options.pool.crashes()] } } : {}),
  };
}

/** The longest sequence a property's runs may have: its share of the budget follows it. */
function plannedLength<A extends ActionBase>(property: Property<A>, options: CampaignOptions<A>): number {
  return Math.max(1, options.maxActions ?? property.settings?.maxActions ?? DEFAULT_SETTINGS.maxActions);
}

/** The kinds a property's runs mix in: the campaign's choice, else the property's own default. */
function enabledFaults<A extends ActionBase>(
  property: Property<A>,
  options: CampaignOptions<A>,
): FaultKind[] {
  const supported = options.factory.faultKinds ?? [];
  const wanted = options.faults ?? property.faults ?? [];
  if (wanted === 'all') return [...supported];
  return wanted.filter((kind) => supported.includes(kind));
}
