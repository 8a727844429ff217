import type { FaultKind } from '../faults/fault.ts';
import type { FaultCounts } from '../faults/fault-record.ts';
import type { SloResult } from '../latency/slo.ts';
import type { SkippedInvariant } from '../model/capabilities.ts';
import type { Violation } from '../model/invariant.ts';
import type { WorkerCrash } from '../runner/run-pool.ts';
import type { DomainMeasures, DomainSection } from './domain-measures.ts';

export const SUMMARY_FORMAT = 'shakedown-summary';
export const SUMMARY_VERSION = 1;

/**
 * pass: every run kept every rule. fail: something broke. unknown: a run proved nothing.
 * hang (a property's): its failures are runs that never ended (--run-timeout); a failure too,
 * and the campaign's verdict is then `fail`.
 */
export type SummaryVerdict = 'pass' | 'fail' | 'unknown' | 'hang';

/**
 * A mergeable latency histogram: `[bucketMs, count]` pairs, ascending. A bucket value is the
 * sample rounded to two significant digits (tenths below 10 ms), so percentiles read off it
 * are within 5% and two shards' histograms add bucket by bucket.
 */
export type HistogramPairs = [number, number][];

/** Latency and outcomes of one action type, from the recorded invoke/complete pairs. */
export interface ActionLatency {
  action: string;
  /** Requests sent. */
  count: number;
  ok: number;
  /** Definite refusals (a reject is a correct answer, not an error). */
  fail: number;
  /** Indeterminate: no reply, or the connection was lost. */
  info: number;
  /** Share of requests with a definite answer (ok or fail), 0..1. */
  successRate: number;
  /** Milliseconds from send to reply, over the answered requests (null when none). */
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  histogram: HistogramPairs;
  /** Of `fail`, the refusals of requests sent to be refused (ActionBase.expectRefusal); absent when none. */
  expectedRefusals?: number;
}

export interface CoverageCategory {
  /** Stable id: action, event, reject, fault, transition... */
  name: string;
  /** What a person reads: "reject reasons". */
  label: string;
  /** Every item the domain pack declares, in its order. */
  items: string[];
  /** The items the campaign exercised, in declaration order. */
  exercised: string[];
}

export interface CoverageSummary {
  categories: CoverageCategory[];
  declared: number;
  exercised: number;
  /** exercised / declared, 0..100, one decimal. */
  percent: number;
}

/**
 * One invariant a property checked, over its runs: on how many it was judged, and on how many
 * it had anything to check. `checkedRuns` 0 with runs > 0 is a vacuous check (a warning).
 */
export interface InvariantChecks {
  name: string;
  /** Runs it was judged on (a run that broke down judges nothing). */
  runs: number;
  /** Runs in which it examined anything; null when the invariant does not report it. */
  checkedRuns: number | null;
  /** What it examined over those runs, added up; null when not reported. */
  examined: number | null;
  /** What it counts, in the plural (`orders`, `accounts`), when it says. */
  counts?: string;
}

export type { SkippedInvariant } from '../model/capabilities.ts';

/**
 * Something that makes a pass worth less, without failing it (`--strict` fails it):
 * `vacuous`: an invariant had nothing to check in any run; `mostly-refused`: almost every
 * request of one action type was refused, so the runs hardly exercised the venue.
 */
export interface PropertyWarning {
  kind: 'vacuous' | 'mostly-refused';
  /** The invariant (vacuous) or the action type (mostly-refused). */
  subject: string;
  message: string;
}

export interface PropertySummary {
  name: string;
  /** The seed its runs were generated from (with --ci, derived per property). */
  seed: number;
  runs: number;
  actions: number;
  /** Wall-clock time spent on its runs and shrinking. */
  durationMs: number;
  passed: boolean;
  verdict: SummaryVerdict;
  /** Stopped by the time budget before its run count. */
  interrupted: boolean;
  /** Surface tags the property declares. */
  tags: string[];
  faultKinds: FaultKind[];
  faults: FaultCounts;
  /** Kinds its `sometimes` assertion requires over the whole campaign. */
  requiredFaults: FaultKind[];
  /** Required kinds that never fired (only decided on an unsharded campaign or by merge). */
  unfiredFaults?: FaultKind[];
  /** A run whose checker threw or that broke down: it proves nothing either way. */
  unknown?: { invariant: string; error: string };
  latency: ActionLatency[];
  slos: SloResult[];
  /** The invariants it checked, with how many runs each had anything to check. */
  invariants?: InvariantChecks[];
  /** Invariants it names that were not checked: the target lacks what they need, or the user said so. */
  skippedInvariants?: SkippedInvariant[];
  /** Vacuous checks and mostly refused requests (with `strict`, each fails the property). */
  warnings?: PropertyWarning[];
}

export interface FailureSummary {
  property: string;
  seed: number;
  /** Which generated run failed (0-based, in the property's run order). */
  runIndex: number;
  /** fast-check's path: with the seed it regenerates the counterexample. */
  path: string;
  shrinks: number;
  /** Actions in the shrunk run. */
  actions: number;
  /** Where it was saved, relative to the working directory; null when nothing was saved. */
  replayFile: string | null;
  violations: Violation[];
  /** A saved replay from an earlier campaign that fails again. */
  regression: boolean;
  /** `hang` when the run never ended (its violation, `run.hang`, names the last action sent); absent for a failure. */
  verdict?: 'hang';
  /** With --keep-going: later runs that failed the same way, counted and not saved again. */
  duplicates?: number;
  /**
   * A new failure whose shrunk run is one the corpus already holds (the same replay file, named
   * by a hash of its content): the `replayFile` of that saved failure, listed as a regression.
   * It is the same failure found twice; reports show it once, with its regression.
   */
  duplicateOf?: string;
}

/** How a campaign over a real venue ran its runs, and what kept them from seeing each other's orders. */
export interface ExecutionSummary {
  /**
   * `concurrent`: up to `lanes` runs at once in one thread, each on a lane of its own;
   * `sequential`: one run at a time (per worker thread, with --workers).
   */
  mode: 'concurrent' | 'sequential';
  /** Runs at once (1 when sequential). */
  lanes: number;
  /**
   * What isolates the runs: `venue-per-lane` (each lane its own embedded venue, server, proxy
   * and process), `declared-namespaces` (venues the user declared isolated, one per lane),
   * `venue-per-run` (one at a time, a fresh embedded system for each run) or `reset-per-run`
   * (one venue, reset through the admin before each run).
   */
  isolation: 'venue-per-lane' | 'declared-namespaces' | 'venue-per-run' | 'reset-per-run';
}

/** The execution as a person reads it: `concurrent, 8 lanes, a venue per lane`. */
export function describeExecution(execution: ExecutionSummary): string {
  const isolation =
    execution.isolation === 'venue-per-lane'
      ? 'isolated by a venue per lane'
      : execution.isolation === 'declared-namespaces'
        ? 'isolated by the declared namespaces (one venue URL per lane)'
        : execution.isolation === 'venue-per-run'
          ? 'a fresh venue per run'
          : 'venue reset per run';
  return execution.mode === 'concurrent'
    ? `concurrent, ${execution.lanes} lanes, ${isolation}`
    : `sequential, ${isolation}`;
}

/**
 * What a campaign did and decided, as one JSON object (`run --json`, `--summary FILE`, and the
 * input of `merge`). Version 1; the schema is docs/summary.schema.json.
 */
export interface CampaignSummary {
  format: typeof SUMMARY_FORMAT;
  version: typeof SUMMARY_VERSION;
  tool: string;
  domain: string;
  /** The campaign seed: each property's own seed is in its entry. */
  seed: number;
  /** How the seed was chosen: given with --seed, from the clock, or from the commit (--ci). */
  seedSource: 'flag' | 'clock' | 'commit';
  commit?: string;
  /** This campaign's shard, 1-based (absent when unsharded). */
  shard?: { index: number; count: number };
  /** How many shard summaries were merged into this one (absent when not merged). */
  mergedShards?: number;
  /** Worker threads that explored (absent when the campaign ran on one thread), and their crashes. */
  workers?: { count: number; crashes: WorkerCrash[] };
  /**
   * How the runs against a real-socket target were executed and kept apart (absent in-process
   * and for adapter modules, whose runs each get a fresh target of their own).
   */
  execution?: ExecutionSummary;
  target: string;
  transport: string;
  /**
   * The clock the runs' times are on: `virtual` in-process (a seed decides them, and latencies
   * are simulated), `wall` over a network. Absent in older summaries: read by `summaryClock`.
   */
  clock?: 'virtual' | 'wall';
  bugs: string[];
  runs: number;
  actions: number;
  durationMs: number;
  passed: boolean;
  verdict: SummaryVerdict;
  /** The campaign ended before its run count: the time budget, or a signal (`signal`). */
  interrupted: boolean;
  /** The signal (SIGINT, SIGTERM) that stopped the campaign; absent when none did. */
  signal?: 'SIGINT' | 'SIGTERM';
  /** --strict: a property's warnings (vacuous checks, mostly refused requests) fail it. */
  strict?: boolean;
  properties: PropertySummary[];
  faults: FaultCounts;
  /** Kinds asked for with --faults that never fired: the campaign fails. */
  requiredFaults: FaultKind[];
  unfiredFaults: FaultKind[];
  failures: FailureSummary[];
  coverage: CoverageSummary;
  /** Every property's latency together, per action type. */
  latency: ActionLatency[];
  /**
   * The domain's own figures over the campaign (DomainPack.report), mergeable across shards;
   * absent when the pack has no report hook or the runner did not fold them.
   */
  domainMeasures?: DomainMeasures;
  /** The domain's report sections made from `domainMeasures` (latency per upstream, continuity...). */
  sections?: DomainSection[];
  /** The --min-coverage floors (overall when category is null) and whether each was met. */
  minCoverage?: {
    floors: { category: string | null; percent: number; observed: number; met: boolean }[];
    met: boolean;
  };
}

/** The clock a summary's times are on, for summaries written before `clock` was recorded. */
export function summaryClock(summary: Pick<CampaignSummary, 'clock' | 'transport'>): 'virtual' | 'wall' {
  return summary.clock ?? (summary.transport === 'inproc' ? 'virtual' : 'wall');
}
