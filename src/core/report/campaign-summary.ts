import type { FaultKind } from '../faults/fault.ts';
import type { FaultCounts } from '../faults/fault-record.ts';
import type { SloResult } from '../latency/slo.ts';
import type { Violation } from '../model/invariant.ts';
import type { WorkerCrash } from '../runner/run-pool.ts';

export const SUMMARY_FORMAT = 'shakedown-summary';
export const SUMMARY_VERSION = 1;

/** pass: every run kept every rule. fail: something broke. unknown: a run proved nothing. */
export type SummaryVerdict = 'pass' | 'fail' | 'unknown';

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
  target: string;
  transport: string;
  bugs: string[];
  runs: number;
  actions: number;
  durationMs: number;
  passed: boolean;
  verdict: SummaryVerdict;
  interrupted: boolean;
  properties: PropertySummary[];
  faults: FaultCounts;
  /** Kinds asked for with --faults that never fired: the campaign fails. */
  requiredFaults: FaultKind[];
  unfiredFaults: FaultKind[];
  failures: FailureSummary[];
  coverage: CoverageSummary;
  /** Every property's latency together, per action type. */
  latency: ActionLatency[];
  /** The --min-coverage floors (overall when category is null) and whether each was met. */
  minCoverage?: {
    floors: { category: string | null; percent: number; observed: number; met: boolean }[];
    met: boolean;
  };
}
