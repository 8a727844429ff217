import fc from 'fast-check';
import { CoverageTally } from '../coverage/coverage-tally.ts';
import type { SurfaceId, SurfaceRegistry } from '../coverage/surface-registry.ts';
import { type FaultKind, isFaultAction } from '../faults/fault.ts';
import { addFaultCounts, countFaults, type FaultCounts, faultRecordsOf } from '../faults/fault-record.ts';
import { faultsApplied } from '../faults/faults-applied.ts';
import { evaluateSlos } from '../latency/evaluate-slos.ts';
import { LatencyTally } from '../latency/latency-tally.ts';
import type { SloResult } from '../latency/slo.ts';
import type { ActionBase } from '../model/action.ts';
import type { RecordedEvent, RunEvidence } from '../model/evidence.ts';
import type { Invariant, Verdict, Violation } from '../model/invariant.ts';
import type { Projection } from '../model/projection.ts';
import type { Property, PropertySettings } from '../model/property.ts';
import type { TargetFactory } from '../model/target.ts';
import { orderRecordedEvent } from '../replay/replay-file.ts';
import type { ActionLatency } from '../report/campaign-summary.ts';
import { EXIT, isShakedownError } from '../shakedown-error.ts';
import { type Shard, shardOwnsRun } from '../shard/shard.ts';
import { checkInvariants, type InvariantResult } from './check-invariants.ts';
import { runActions } from './run-actions.ts';
import { settle } from './settle.ts';

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
}

export interface RunReport<A> {
  actions: A[];
  evidence: RunEvidence<A>;
  verdict: Verdict;
  results: InvariantResult[];
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
}

/** One action list, start to finish, on a fresh target from the factory; then the invariants. */
export async function executeRun<A extends ActionBase>(
  factory: TargetFactory<A>,
  actions: readonly A[],
  options: {
    clients: readonly string[];
    projection: Projection;
    invariants: readonly Invariant[];
    settings: PropertySettings;
    sink?: (event: RecordedEvent) => void;
  },
): Promise<RunReport<A>> {
  const target = await factory.create();
  try {
    let evidence: RunEvidence<A>;
    try {
      evidence = (await settle(
        target as never,
        runActions(target, actions, {
          clients: options.clients,
          projection: options.projection,
          quietMs: options.settings.quietMs,
          ...(options.sink ? { sink: options.sink } : {}),
        }),
      )) as RunEvidence<A>;
    } catch (error) {
      // A run that broke down (a client could not log in, the venue never came back) proves
      // nothing either way: its verdict is unknown, with the reason. Errors that say the
      // target cannot be used at all still end the campaign.
      if (isShakedownError(error) && error.exitCode !== EXIT.failed) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      return {
        actions: [...actions],
        evidence: {
          actions: [...actions],
          history: [],
          events: [],
          projections: {},
          snapshot: undefined,
          extra: {},
        },
        verdict: { status: 'unknown', invariant: 'run', error: reason },
        results: [],
      };
    }
    // A run with faults also checks that each was applied (core, whatever the property names).
    const invariants = hasFaults(actions) ? [...options.invariants, faultsApplied] : options.invariants;
    const { verdict, results } = checkInvariants(evidence, invariants);
    return { actions: [...actions], evidence, verdict, results };
  } finally {
    await settle(target as never, target.stop());
  }
}

/**
 * Checks the invariants after every step: the state "after step k" is the state a fresh target
 * reaches from the first k actions once quiet, so each prefix runs on its own target (cheap
 * in-process, and exact: actions are pipelined, so a live run has no such instant). Stops at
 * the first prefix that breaks an invariant and says after which step.
 */
export async function executeEveryStep<A extends ActionBase>(
  factory: TargetFactory<A>,
  actions: readonly A[],
  options: Parameters<typeof executeRun<A>>[2],
): Promise<RunReport<A>> {
  let report: RunReport<A> | undefined;
  for (let k = 1; k <= actions.length; k++) {
    report = await executeRun(factory, actions.slice(0, k), options);
    if (report.verdict.status === 'fail') {
      const step = k - 1;
      const violations = report.verdict.violations.map((v) => ({
        ...v,
        message: `after step ${step}: ${v.message}`,
      }));
      return { ...report, verdict: { status: 'fail', violations } };
    }
    if (report.verdict.status === 'unknown') return report;
  }
  return report ?? executeRun(factory, actions, options);
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
    // Each property gets an even share of what is left, so a slow first property cannot starve
    // the others; what a fast one leaves over goes to those after it.
    const share = remaining / (options.properties.length - index);
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
    const runOptions = {
      clients: options.clients,
      projection: options.projection,
      invariants,
      settings,
      ...(options.sink ? { sink: options.sink } : {}),
    };
    const execute = (list: readonly A[]): Promise<RunReport<A>> =>
      options.checkEveryStep
        ? executeEveryStep(options.factory, list, runOptions)
        : executeRun(options.factory, list, runOptions);
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
    const predicate = fc.asyncProperty(
      property.actions({ seed, maxActions: settings.maxActions, faults: faultKinds }),
      async (generated) => {
        // Runs are numbered in generation order, the same in every shard: another shard's run
        // is generated (so the numbering and values line up) but not executed.
        const runIndex = firstFailureAt === undefined ? generatedRuns++ : -1;
        if (runIndex >= 0 && !owned(runIndex)) return true;
        // Past the shrink budget every candidate "passes", which ends shrinking at the
        // smallest failure found so far.
        if (firstFailureAt !== undefined && options.now() - firstFailureAt > options.shrinkBudgetMs)
          return true;
        // The property's share of the budget is spent: no new run starts. (fast-check's own time
        // limit would abandon a run in flight, which would go on using the target meanwhile.)
        if (firstFailureAt === undefined && (outOfTime || options.now() - propertyStarted >= share)) {
          outOfTime = true;
          return true;
        }
        const report = await execute(generated);
        if (firstFailureAt === undefined) {
          runs++;
          actions += generated.length;
          addFaultCounts(faults, countFaults(faultRecordsOf(report.evidence.extra)));
          propertyLatency.recordOperations(report.evidence.history);
          if (options.surface) propertyCoverage.add(options.surface.exercised(report.evidence));
          options.onRun?.({
            property: property.name,
            runIndex,
            generated,
            runs,
            actions,
            failed: report.verdict.status === 'fail',
          });
        }
        let verdict = report.verdict;
        if (verdict.status === 'pass' && options.checkDeterminism) {
          const again = await executeRun(options.factory, generated, runOptions);
          const difference = firstDifference(report.evidence.events, again.evidence.events);
          if (difference) {
            verdict = { status: 'fail', violations: [determinismViolation(difference)] };
          }
        }
        if (verdict.status === 'unknown') unknown ??= { invariant: verdict.invariant, error: verdict.error };
        if (verdict.status === 'fail') {
          firstFailureAt ??= options.now();
          return false;
        }
        return true;
      },
    );
    const result = await fc.check(predicate, {
      seed,
      numRuns: options.runs,
      // Only a backstop: runs stop at the share above; this bounds generating the skipped ones.
      interruptAfterTimeLimit: Math.max(1, share) + options.shrinkBudgetMs + 60_000,
      markInterruptAsFailure: false,
    });
    totalRuns += runs;
    totalActions += actions;
    const stopped = outOfTime || result.interrupted;
    interrupted ||= stopped;
    const failed = result.failed && result.counterexample !== null;
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
    if (failed && result.counterexample) {
      const shrunk = result.counterexample[0] as A[];
      let report = await execute(shrunk);
      if (report.verdict.status !== 'fail' && options.checkDeterminism) {
        const again = await executeRun(options.factory, shrunk, runOptions);
        const difference = firstDifference(report.evidence.events, again.evidence.events);
        if (difference) {
          report = {
            ...report,
            verdict: { status: 'fail', violations: [determinismViolation(difference)] },
          };
        }
      }
      outcome.failure = {
        property: property.name,
        seed: result.seed,
        path: result.counterexamplePath ?? '',
        runIndex: Math.max(0, result.numRuns - 1),
        shrinks: result.numShrinks,
        report,
      };
    }
    outcome.durationMs = options.now() - propertyStarted;
    outcomes.push(outcome);
  }
  const faults: FaultCounts = {};
  for (const outcome of outcomes) addFaultCounts(faults, outcome.faults);
  // `sometimes`: a kind a property requires must have fired somewhere in the campaign.
  for (const [outcome, required] of sharded ? [] : requirements) {
    // A property that failed stopped early: what it did not get to fire says nothing more.
    if (outcome.failure) continue;
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
  };
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

/** Whether a run's actions include faults (a run with faults is replayed with them). */
export function hasFaults(actions: readonly ActionBase[]): boolean {
  return actions.some(isFaultAction);
}

function determinismViolation(message: string): Violation {
  return { invariant: 'determinism', message, steps: [], events: [] };
}

/** Where two recordings of the same actions first differ, or undefined when they are identical. */
export function firstDifference(
  a: readonly RecordedEvent[],
  b: readonly RecordedEvent[],
): string | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = JSON.stringify(orderRecordedEvent(a[i]));
    const y = JSON.stringify(orderRecordedEvent(b[i]));
    if (x !== y) return `the same actions recorded different events at gseq ${i + 1}: ${x} vs ${y}`;
  }
  if (a.length !== b.length) return `the same actions recorded ${a.length} events, then ${b.length}`;
  return undefined;
}
