import fc from 'fast-check';
import { CoverageTally } from '../coverage/coverage-tally.ts';
import type { SurfaceId, SurfaceRegistry } from '../coverage/surface-registry.ts';
import type { FaultKind } from '../faults/fault.ts';
import { addFaultCounts, type FaultCounts } from '../faults/fault-record.ts';
import { evaluateSlos } from '../latency/evaluate-slos.ts';
import { LatencyTally } from '../latency/latency-tally.ts';
import type { SloResult } from '../latency/slo.ts';
import type { ActionBase } from '../model/action.ts';
import type { SkippedInvariant } from '../model/capabilities.ts';
import type { RecordedEvent, RunEvidence } from '../model/evidence.ts';
import type { Invariant } from '../model/invariant.ts';
import type { Projection } from '../model/projection.ts';
import type { Property, PropertySettings } from '../model/property.ts';
import type { TargetFactory } from '../model/target.ts';
import type { ActionLatency, InvariantChecks } from '../report/campaign-summary.ts';
import { type DomainMeasures, mergeDomainMeasures } from '../report/domain-measures.ts';
import { EXIT, ShakedownError } from '../shakedown-error.ts';
import { type Shard, shardOwnsRun } from '../shard/shard.ts';
import { abandonablePool, isAbandoned, untilAbandoned } from './abandon.ts';
import { DistinctFailures } from './distinct-failures.ts';
import type { ExecuteOptions, RunReport } from './execute-run.ts';
import { exploreInPool } from './explore-in-pool.ts';
import { failureSignature, showsFailure } from './failure-signature.ts';
import { GenerationStop } from './generation-stop.ts';
import { InvariantChecksTally } from './invariant-checks-tally.ts';
import type { IsolatedJudge } from './isolated-judge.ts';
import { type JudgeOptions, judgeRun } from './judge-run.ts';
import { type PropertyOrder, PropertyTurns } from './property-turns.ts';
import { HANG_INVARIANT, isFailing, MAX_HANGING_SHRINKS } from './run-hang.ts';
import type { RunJudgement } from './run-judgement.ts';
import { judgementOf } from './run-judgement.ts';
import type { PropertyJob, RunPool, WorkerCrash } from './run-pool.ts';
import { type InvariantSelection, planCampaignInvariants } from './select-invariants.ts';
import { defaultShrinkAttempts } from './shrink-attempts.ts';

// Kept importable from here, where they used to live.
export { executeEveryStep, executeRun, hasFaults, type RunReport } from './execute-run.ts';
export { firstDifference } from './first-difference.ts';
export type { PropertyOrder } from './property-turns.ts';
export {
  DEFAULT_SHRINK_ATTEMPTS,
  DEFAULT_SHRINK_ATTEMPTS_REAL_TIME,
  defaultShrinkAttempts,
} from './shrink-attempts.ts';

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
   * The system's configuration (the CLI's `--config`, loaded), handed to every property's
   * generator as GenerationContext.config, plain data and opaque to the core.
   */
  generationConfig?: unknown;
  /**
   * Run only this shard's share of properties × runs (shard/shard.ts). Other shards' runs are
   * still generated, so every run keeps its index and its value, but not executed.
   */
  shard?: Shard;
  /**
   * Wall-clock budget for the whole campaign, shrinking included. Interleaved (see `order`),
   * every property takes its turns until its runs are done or the whole budget is spent;
   * sequential, each property gets a share of what is left when it starts, in proportion to
   * its planned work. Once it is spent no run starts (on a pool, with `setTimer`, the workers
   * are cut at that moment); the runs in flight finish and a failure is still shrunk.
   */
  timeBudgetMs: number;
  /**
   * How the properties share this thread or the pool (property-turns.ts): 'interleaved' (the
   * default), in turns, so every property starts exploring at once and a bug only the last
   * property finds is found early; or 'sequential', property after property. On this thread a
   * turn is one run; on a `pool` it is a window of runs over every slot (poolTurnRuns: one per
   * slot at first, doubling up to 32 per slot), and a turn ends once its runs are all folded,
   * so only one property's runs are ever in flight. Each property's runs, failures, shrunk
   * counterexamples and tallies are the same in either order, on a pool or not: only the order
   * in which runs of different properties execute (and the events reach `sink`, and `onRun`
   * is called) differs, and that order is a function of the runs alone.
   */
  order?: PropertyOrder;
  /**
   * When the budget started, on `now`'s clock (default: when runCampaign is called): a CLI
   * passes its own start, so setting up (workers, the regression corpus) comes out of it.
   */
  startedAt?: number;
  /**
   * Shrink candidates run per failure, at most (default: defaultShrinkAttempts(transport)). A
   * count, not a time: the same seed gives the same shrunk counterexample on a loaded machine
   * or an idle one.
   */
  shrinkAttempts?: number;
  /**
   * A wall-clock cap on shrinking one failure, on top of the count: only when the user asks
   * for one (--shrink-budget), as the shrunk counterexample then depends on the machine.
   */
  shrinkBudgetMs?: number;
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
  /**
   * A wall-clock timer, injected (the CLI passes setTimeout): calls `fn` after `ms`, and returns
   * its cancel. Given, a property's share ends on time on a pool: the workers are cut when it is
   * spent, not when a run next ends (over WebSocket a run may take seconds, and a worker would
   * start another meanwhile). Absent, the clock is read as each run ends.
   */
  setTimer?: (ms: number, fn: () => void) => () => void;
  onRun?: (progress: {
    property: string;
    runIndex: number;
    /** The run's generated actions. */
    generated: readonly A[];
    runs: number;
    actions: number;
    failed: boolean;
  }) => void;
  /**
   * Called as this thread turns to a property other than the one it ran last: sequential, once
   * as each property starts; interleaved, before a turn (a run, or shrinking its failures) of
   * a property other than the last one's. `onRun` calls that follow are that property's.
   */
  onProperty?: (property: string) => void;
  /**
   * The user's choice of invariants (--invariants, --skip-invariants). With the target's
   * capabilities (factory.capabilities) it decides what each property checks; a property left
   * with nothing to check stops the campaign before any run (SHK_NOTHING_TO_CHECK).
   */
  selection?: InvariantSelection;
  /**
   * Worker threads (src/core/workers) or lanes (lane-pool.ts) to explore in: runs are judged
   * in parallel, folded in generation order and shrunk here, so the result is the one a
   * campaign on this thread gives. The properties take turns on it too (`order`).
   */
  pool?: RunPool<A>;
  /**
   * Stops the campaign early (the CLI aborts it on SIGINT or SIGTERM): no run starts after it,
   * shrinking ends at the smallest failure found so far, properties not started are not
   * reached (interleaved, every property has started by its first turn), and the result is
   * interrupted. The runs in flight finish.
   */
  stop?: AbortSignal;
  /**
   * Stops waiting for the runs in flight (the CLI aborts it a grace period after `stop`):
   * their results are dropped. A failure found is still saved, with its last failing run.
   */
  abandon?: AbortSignal;
  /**
   * Distinct failures a property may find before it stops exploring (--keep-going,
   * --max-failures): each is shrunk and reported, and later runs failing the same way
   * (failure-signature.ts) are counted as its duplicates. Default 1: the first failure ends it.
   */
  maxFailures?: number;
  /**
   * The run timeout (--run-timeout), on `setTimer`: a run on real time still going past it is
   * dropped with the verdict `hang`. (Virtual runs are bounded by a count of scheduler steps; a
   * pool and `isolated` bound their own runs, killing the thread.)
   */
  runTimeoutMs?: number;
  /**
   * Where the runs this thread would execute go instead (shrink candidates, the final run of a
   * counterexample): a thread that can be killed, for targets that may hang in a synchronous
   * loop (adapter modules).
   */
  isolated?: IsolatedJudge<A>;
  /** Words an action for a hang's message (the domain pack's describeAction). */
  describeAction?: (action: A) => string;
  /**
   * The domain's measure of one run (DomainPack.report.measure), pure: every exploring run
   * judged to the end (passed or failed; not one that hung or is unknown) is measured once,
   * on whichever thread ran it (a pool's workers use their own pack's hook), and the measures
   * are merged into CampaignResult.measures. Shrinking is not measured.
   */
  measure?: (evidence: RunEvidence<A>) => DomainMeasures;
}

export interface PropertyFailure<A> {
  property: string;
  seed: number;
  /** fast-check's path to the counterexample: with the seed it regenerates it exactly. */
  path: string;
  runIndex: number;
  shrinks: number;
  report: RunReport<A>;
  /** Which failure it is (failure-signature.ts): its exploring run's. */
  signature?: string;
  /** Other runs (--keep-going) that failed the same way: counted, not shrunk or saved. */
  duplicates?: number;
}

export interface PropertyOutcome<A> {
  property: string;
  seed: number;
  runs: number;
  actions: number;
  /** Its wall time: from its start to its end, or, interleaved, its own turns' (runs and shrinking) added up. */
  durationMs: number;
  passed: boolean;
  interrupted: boolean;
  /** Its first failure: the one a campaign without --keep-going reports. */
  failure?: PropertyFailure<A>;
  /** Every distinct failure it found, in generation order (more than one with --keep-going). */
  failures?: PropertyFailure<A>[];
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
  /** The invariants it checked, with how many runs each had anything to check. */
  invariants?: InvariantChecks[];
  /** The invariants it names that it did not check, and why. */
  skippedInvariants?: SkippedInvariant[];
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
  /**
   * What the domain measured over every property's exploring runs (CampaignOptions.measure),
   * merged with mergeDomainMeasures; set whenever `measure` was given (`{}`: nothing measured).
   */
  measures?: DomainMeasures;
}

/** What one property left when it was done: its outcome, and its tallies to merge in property order. */
interface PropertyEnd<A> {
  outcome: PropertyOutcome<A>;
  coverage?: CoverageTally;
  latency?: LatencyTally;
}

/**
 * A seeded campaign: for each property, fast-check generates action sequences, each runs on
 * a fresh target and the property's invariants are checked after it. A failing sequence is
 * shrunk (within its own count of attempts) and run once more to record its evidence. The runs
 * stop at the run count or the time budget, whichever comes first. The properties take turns
 * (`order`: run by run on this thread, a window of runs at a time on a pool), each with its own
 * seed and fast-check stream, so every property's outcome is the one it gets alone.
 */
export async function runCampaign<A extends ActionBase>(
  options: CampaignOptions<A>,
): Promise<CampaignResult<A>> {
  const started = options.startedAt ?? options.now();
  // A factory without create() would fail every run before it starts: said at once, not a pass.
  if (typeof (options.factory as Partial<TargetFactory<A>> | undefined)?.create !== 'function')
    throw new ShakedownError(
      'SHK_TARGET_INVALID',
      'the campaign was given no target factory (an object with a create() method); a function returning one must be called first',
      { exitCode: EXIT.usage },
    );
  // What each property checks, decided before any run: one left with nothing to check stops here.
  const plans = planCampaignInvariants(
    options.properties,
    options.invariants,
    options.factory.capabilities,
    options.selection,
  );
  // The domain's measures, merged as runs are folded (in the order they ran, whichever thread
  // ran them: the merge is of counts, so the order does not change the sum).
  let measures: DomainMeasures = {};
  // Sharded, a kind may fire on another machine: `sometimes` is decided when shards merge.
  const sharded = options.shard !== undefined && options.shard.count > 1;
  // On a pool too: there a turn is a window of runs dealt over every slot (explore-in-pool.ts).
  const order: PropertyOrder = options.order ?? 'interleaved';
  const interleaved = order === 'interleaved';
  const turns = new PropertyTurns(options.properties.length, order);
  // A property's error that ends the campaign (a run that could not be run, a measure that
  // threw): the other properties start no more runs, and it is thrown once they have stopped.
  let halted: { error: unknown } | undefined;
  // The property this thread last took a turn of with onProperty said.
  let announced: number | undefined;
  const exploreProperty = async (property: Property<A>, index: number): Promise<PropertyEnd<A>> => {
    const seed = options.seedOf?.(property.name) ?? options.seed;
    const plan = plans[index]!;
    const invariantChecks = new InvariantChecksTally(plan.checked);
    const required = property.sometimes === 'enabled' ? null : (property.sometimes ?? []);
    const remaining = options.timeBudgetMs - (options.now() - started);
    // Sequential, each property gets a share of what is left in proportion to its planned work
    // (its longest sequence), so a slow first property cannot starve the others and one with
    // longer sequences is not cut first; what a fast one leaves over goes to those after it.
    // Interleaved, the turns share the time: each property may run until the budget is spent.
    const weights = options.properties.slice(index).map((p) => plannedLength(p, options));
    const share = (remaining * (weights[0] ?? 1)) / weights.reduce((a, b) => a + b, 0);
    const faultKinds = enabledFaults(property, options);
    const requiredFaults = [...(required ?? faultKinds)];
    if (remaining <= 0 || options.stop?.aborted) {
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
        invariants: invariantChecks.toSummary(),
        skippedInvariants: plan.skipped,
      };
      // Not reached at all: it asserts nothing, as it ran nothing.
      return { outcome };
    }
    const settings: PropertySettings = {
      ...DEFAULT_SETTINGS,
      ...property.settings,
      ...(options.maxActions === undefined ? {} : { maxActions: options.maxActions }),
    };
    const invariants = plan.checked;
    const { setTimer, runTimeoutMs, describeAction } = options;
    const runOptions: ExecuteOptions = {
      clients: options.clients,
      projection: options.projection,
      invariants,
      settings,
      ...(options.sink ? { sink: options.sink } : {}),
      ...(runTimeoutMs !== undefined && setTimer ? { watchdog: { timeoutMs: runTimeoutMs, setTimer } } : {}),
      ...(describeAction ? { describeAction: describeAction as (action: never) => string } : {}),
    };
    const judgeOptions: JudgeOptions = {
      checkEveryStep: options.checkEveryStep === true,
      checkDeterminism: options.checkDeterminism === true,
    };
    const exercised = options.surface?.exercised;
    const capabilities = options.factory.capabilities;
    const generation = {
      seed,
      maxActions: settings.maxActions,
      faults: faultKinds,
      ...(capabilities === undefined ? {} : { capabilities: [...capabilities] }),
      ...(options.generationConfig === undefined ? {} : { config: options.generationConfig }),
    };
    // A property with long runs may cap their number (PropertySettings.maxRuns).
    const runCount = runsOf(property, options);
    // What a worker (of the pool, or the isolated judge) needs to judge this property's runs.
    const job: PropertyJob = {
      property: property.name,
      invariants: invariants.map((i) => i.name),
      settings,
      ...judgeOptions,
      exercised: exercised !== undefined,
      record: options.sink !== undefined,
      ...(options.measure ? { measure: true } : {}),
      ...(options.pool?.generates(property.name) ? { generation } : {}),
    };
    const { isolated } = options;
    // One run, on this thread, or where it can be killed (isolated): its events go to the sink either way.
    const runOnce = async (list: readonly A[]): Promise<RunReport<A>> => {
      if (!isolated) return judgeRun(options.factory, list, runOptions, judgeOptions);
      const report = await isolated.judge(job, list);
      if (options.sink) for (const event of report.evidence.events) options.sink(event);
      return report;
    };
    const judge = (list: readonly A[]): Promise<RunReport<A>> =>
      untilAbandoned(() => runOnce(list), options.abandon);
    // The report of the last run that failed: the counterexample's, should its final run be abandoned.
    let lastFailing: RunReport<A> | undefined;
    // The counterexample's final run, for its evidence. Should it be abandoned, the last failing
    // run stands in for it; with none at hand (found by a worker), this one run goes on.
    const evidenceRun = async (shrunk: A[]): Promise<RunReport<A>> => {
      const kept = lastFailing;
      if (kept === undefined) return runOnce(shrunk);
      try {
        return await judge(shrunk);
      } catch (error) {
        if (isAbandoned(error)) return kept;
        throw error;
      }
    };
    let runs = 0;
    let actions = 0;
    let generatedRuns = 0;
    const faults: FaultCounts = {};
    const propertyCoverage = new CoverageTally();
    const propertyLatency = new LatencyTally();
    const owned = (runIndex: number): boolean =>
      options.shard === undefined || shardOwnsRun(options.shard, property.name, runIndex);
    // Its time, interleaved: that of its own turns (its runs, and shrinking its failures).
    let turnsMs = 0;
    let turnStartedAt: number | undefined;
    // Waits for this property's turn; `announce`: a run or shrinking follows (onProperty).
    const takeTurn = async (announce: boolean): Promise<void> => {
      await turns.take(index);
      if (interleaved && turnStartedAt === undefined) turnStartedAt = options.now();
      if (!announce || announced === index) return;
      announced = index;
      options.onProperty?.(property.name);
    };
    const endTurn = (): void => {
      if (turnStartedAt === undefined) return;
      turnsMs += options.now() - turnStartedAt;
      turnStartedAt = undefined;
    };
    // One run done and more to come: interleaved, the next property's run goes first.
    const handOn = (): void => {
      if (!interleaved) return;
      endTurn();
      turns.pass(index);
    };
    await takeTurn(true);
    let firstFailureAt: number | undefined;
    let unknown: { invariant: string; error: string } | undefined;
    const propertyStarted = options.now();
    let outOfTime = false;
    // The property's share of the budget is spent (interleaved: the campaign's budget): no new
    // run starts. (fast-check's own time limit would abandon a run in flight, which would go
    // on using the target meanwhile.)
    const startsNoMore = (): boolean => {
      outOfTime ||=
        options.stop?.aborted === true ||
        (interleaved
          ? options.now() - started >= options.timeBudgetMs
          : options.now() - propertyStarted >= share);
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
      invariantChecks.record(judgement.invariants);
      if (judgement.events && options.sink) for (const event of judgement.events) options.sink(event);
      if (judgement.unknown) unknown ??= judgement.unknown;
      if (judgement.measures) measures = mergeDomainMeasures(measures, judgement.measures);
      options.onRun?.({
        property: property.name,
        runIndex: judgement.runIndex,
        generated,
        runs,
        actions,
        failed: isFailing(judgement.status),
      });
    };
    // While shrinking: past the attempts (or the shrink budget, if the user gave one) every
    // candidate "passes", which ends shrinking at the smallest failure found so far. The
    // clock is read only for a shrink budget: the count alone decides otherwise.
    let shrinkAttempts = 0;
    // Candidates that hung while shrinking this failure (each took a whole run timeout).
    let hangingShrinks = 0;
    const shrinkLimit =
      options.shrinkAttempts ?? property.shrinkAttempts ?? defaultShrinkAttempts(options.transport);
    const shrinkBudgetMs = options.shrinkBudgetMs;
    // Without --keep-going any failure will do, as ever; with it, the one being shrunk (a
    // candidate that hangs counts as failing when a hang is shrunk, or without --keep-going).
    const maxFailures = Math.max(1, options.maxFailures ?? 1);
    const shows = (signature: string, report: RunReport<A>): boolean =>
      maxFailures === 1 ? isFailing(report.verdict.status) : showsFailure(signature, report.verdict);
    const shrinkStep = async (candidate: A[], signature: string): Promise<boolean> => {
      if (options.stop?.aborted || shrinkAttempts >= shrinkLimit) return true;
      if (shrinkBudgetMs !== undefined && options.now() - (firstFailureAt ?? 0) > shrinkBudgetMs) return true;
      // A hang's candidates may each take the whole run timeout: the time budget ends its
      // shrinking (a hang is a wall-clock finding anyway), at the smallest hang found so far.
      if (signature === HANG_INVARIANT && options.now() - started >= options.timeBudgetMs) return true;
      if (hangingShrinks >= MAX_HANGING_SHRINKS) return true;
      shrinkAttempts++;
      let report: RunReport<A>;
      try {
        report = await judge(candidate);
      } catch (error) {
        if (isAbandoned(error)) return true;
        throw error;
      }
      const failing = shows(signature, report);
      if (failing) lastFailing = report;
      if (report.verdict.status === 'hang') hangingShrinks++;
      if (report.verdict.status === 'unknown')
        unknown ??= { invariant: report.verdict.invariant, error: report.verdict.error };
      return !failing;
    };
    const arbitrary = property.actions(generation);
    // No fast-check time limit (interruptAfterTimeLimit): runs stop at the share above, before
    // a run starts, and shrinking at its count; a limit on fast-check's own clock would cut
    // shrinking by the machine's speed.
    const checkParameters = { seed, numRuns: runCount };
    // Exploring ends at the first failure (endOnFailure), or with --keep-going at the last
    // distinct one wanted: each is then shrunk from its place in the seed's stream, on this
    // thread, whichever thread found it.
    const exploring = { ...checkParameters, endOnFailure: true };
    const failures = new DistinctFailures(maxFailures);
    // The exploring reports of the failures found on this thread (a fallback should their final run be abandoned).
    const exploredReports = new Map<number, RunReport<A>>();
    let stoppedEarly = false;
    if (!options.pool) {
      const stop = new GenerationStop();
      let fatal: { error: unknown } | undefined;
      const explored = await fc.check(
        fc.asyncProperty(arbitrary, async (generated) => {
          if (stop.isRequested) return stop.answer();
          // Runs are numbered in generation order, the same in every shard: another shard's
          // run is generated (so the numbering and values line up) but not executed.
          const runIndex = generatedRuns++;
          if (!owned(runIndex)) return true;
          await takeTurn(true);
          // Out of time, or another property's error ends the campaign: no run starts, and the
          // runs left are not even generated. (Stopping, a property keeps its turn: it is done.)
          if (halted || startsNoMore()) {
            stop.request();
            return stop.answer();
          }
          let report: RunReport<A>;
          try {
            report = await judge(generated);
          } catch (error) {
            // A run that could not be run at all (its target would not build, the runner broke)
            // ends the campaign with that error: thrown here, fast-check would take it for the
            // run's failure and shrink it, or lose it, and the campaign would pass on fewer runs.
            if (!isAbandoned(error)) fatal = { error };
            stop.request();
            return stop.answer();
          }
          let judgement: RunJudgement;
          try {
            judgement = judgementOf(runIndex, report, {
              clients: options.clients,
              ...(exercised ? { exercised } : {}),
              ...(options.measure ? { measure: options.measure } : {}),
            });
          } catch (error) {
            // The domain's measure threw (SHK_MEASURE_FAILED): fast-check would take it for the
            // run's failure, so it is kept and thrown once generation has stopped.
            fatal = { error };
            stop.request();
            return stop.answer();
          }
          fold(judgement, generated);
          const signature = failureSignature(report.verdict, options.clients);
          if (signature !== undefined && failures.note(runIndex, signature))
            exploredReports.set(runIndex, report);
          // The failures wanted are in: exploring ends, and they are shrunk before any other
          // property's run (this property keeps its turn).
          if (failures.full) return false;
          handOn();
          return true;
        }),
        exploring,
      );
      if (fatal) throw fatal.error;
      stoppedEarly = explored.interrupted;
    } else {
      const pool = options.abandon ? abandonablePool(options.pool, options.abandon) : options.pool;
      const inPool = await exploreInPool(pool, arbitrary, exploring, {
        job,
        failures,
        runs: runCount,
        owned,
        // Another property's error ends the campaign: taking turns, this one deals no more either.
        startsNoMore: () => halted !== undefined || startsNoMore(),
        whenSpent: (cut) => {
          const { stop } = options;
          let cancel: (() => void) | undefined;
          // A timer may fire a little before `now` says the share is spent: it is armed again
          // (and a share longer than a timer takes, 2^31 - 1 ms, is waited for in turns).
          const arm = (): void => {
            // Interleaved the budget is the campaign's, sequential the property's share.
            const spent = interleaved ? options.now() - started : options.now() - propertyStarted;
            const budget = interleaved ? options.timeBudgetMs : share;
            const left = Math.min(2 ** 31 - 1, Math.max(1, budget - spent));
            cancel = setTimer?.(left, () => (startsNoMore() ? cut() : arm()));
          };
          if (setTimer) arm();
          stop?.addEventListener('abort', cut, { once: true });
          return () => {
            cancel?.();
            stop?.removeEventListener('abort', cut);
          };
        },
        nextIndex: () => generatedRuns++,
        fold,
        // Interleaved, its turn ends after each window of runs, once they are all folded.
        ...(interleaved
          ? {
              turns: {
                handOn: async () => {
                  handOn();
                  await takeTurn(true);
                },
                alone: () => turns.alone(index),
              },
            }
          : {}),
      });
      stoppedEarly = inPool.interrupted;
    }
    // Its turn again (at once, unless its last run handed it on), for shrinking and its outcome.
    await takeTurn(failures.found.length > 0);
    const found: PropertyFailure<A>[] = [];
    let shrinkInterrupted = false;
    // Another property's error ends the campaign: nothing is shrunk for a result never returned.
    for (const failure of halted ? [] : failures.found) {
      // fast-check's path to the failing run: with the seed it regenerates that run, and the
      // shrinking from it (and the counterexample's path) is the one an inline shrink gives.
      // The run itself is known to fail and is not run again. Each failure has its own count.
      shrinkAttempts = 0;
      hangingShrinks = 0;
      if (shrinkBudgetMs !== undefined) firstFailureAt = options.now();
      lastFailing = exploredReports.get(failure.runIndex);
      let known = true;
      const result = await fc.check(
        fc.asyncProperty(arbitrary, async (candidate) => {
          if (!known) return shrinkStep(candidate, failure.signature);
          known = false;
          return false;
        }),
        { ...checkParameters, path: String(failure.runIndex) },
      );
      shrinkInterrupted ||= result.interrupted;
      if (!result.failed || result.counterexample === null) continue;
      const report = await evidenceRun(result.counterexample[0]);
      const shrunk: PropertyFailure<A> = {
        property: property.name,
        seed: result.seed,
        path: result.counterexamplePath ?? '',
        runIndex: Number.parseInt(result.counterexamplePath ?? '0', 10),
        shrinks: result.numShrinks,
        report,
        ...(maxFailures > 1 ? { signature: failure.signature, duplicates: failure.duplicates } : {}),
      };
      // Two failures that shrank to the same one are one failure: the later one is counted.
      const same =
        maxFailures > 1
          ? found.find(
              (f) =>
                failureSignature(f.report.verdict, options.clients) ===
                failureSignature(report.verdict, options.clients),
            )
          : undefined;
      if (same) same.duplicates = (same.duplicates ?? 0) + 1 + failure.duplicates;
      else found.push(shrunk);
    }
    const stopped = outOfTime || stoppedEarly || shrinkInterrupted || options.stop?.aborted === true;
    const failed = found.length > 0;
    const latencySummary = propertyLatency.toSummary();
    // An SLO speaks of a healthy system unless it says otherwise (Slo.underFaults).
    const sloList = (property.slos ?? []).filter((slo) => faultKinds.length === 0 || slo.underFaults);
    const slos = evaluateSlos(sloList, latencySummary, options.transport ?? 'inproc');
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
      invariants: invariantChecks.toSummary(),
      skippedInvariants: plan.skipped,
    };
    if (failed) {
      outcome.failure = found[0];
      outcome.failures = found;
    }
    if (interleaved) endTurn();
    outcome.durationMs = interleaved ? turnsMs : options.now() - propertyStarted;
    return { outcome, coverage: propertyCoverage, latency: propertyLatency };
  };
  // Each property explores in a task of its own, running only while it holds the turn; a
  // property's error halts the campaign, and it is thrown once every task has ended.
  const ends = await Promise.all(
    options.properties.map(async (property, index): Promise<PropertyEnd<A> | undefined> => {
      await turns.take(index);
      try {
        if (halted) return undefined;
        return await exploreProperty(property, index);
      } catch (error) {
        halted ??= { error };
        return undefined;
      } finally {
        // Done for good (an error may leave it waiting for a turn: the turn comes round first).
        if (turns.current !== index) await turns.take(index);
        turns.retire(index);
      }
    }),
  );
  if (halted) throw halted.error;
  const outcomes: PropertyOutcome<A>[] = [];
  const requirements = new Map<PropertyOutcome<A>, readonly FaultKind[]>();
  const coverage = new CoverageTally();
  const latency = new LatencyTally();
  let totalRuns = 0;
  let totalActions = 0;
  let interrupted = false;
  // In property order, whatever order the runs took.
  for (const end of ends) {
    if (end === undefined) continue;
    const { outcome } = end;
    outcomes.push(outcome);
    totalRuns += outcome.runs;
    totalActions += outcome.actions;
    interrupted ||= outcome.interrupted;
    if (end.coverage) coverage.merge(end.coverage);
    if (end.latency) latency.merge(end.latency);
    // A property not reached asserts nothing, as it ran nothing.
    if (end.coverage && outcome.requiredFaults.length > 0) requirements.set(outcome, outcome.requiredFaults);
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
    ...(options.measure ? { measures } : {}),
  };
}

/** The longest sequence a property's runs may have: its share of the budget follows it. */
function plannedLength<A extends ActionBase>(property: Property<A>, options: CampaignOptions<A>): number {
  const length = Math.max(
    1,
    options.maxActions ?? property.settings?.maxActions ?? DEFAULT_SETTINGS.maxActions,
  );
  return (length * runsOf(property, options)) / Math.max(1, options.runs);
}

/** The runs a property is generated: the campaign's count, capped by the property's maxRuns. */
export function runsOf<A extends ActionBase>(
  property: Property<A>,
  options: Pick<CampaignOptions<A>, 'runs'>,
): number {
  const cap = property.settings?.maxRuns;
  return cap === undefined ? options.runs : Math.max(1, Math.min(options.runs, cap));
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
