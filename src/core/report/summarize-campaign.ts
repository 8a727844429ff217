import { coverageSummary } from '../coverage/coverage-tally.ts';
import { type CoverageFloor, checkMinCoverage } from '../coverage/min-coverage.ts';
import type { SurfaceRegistry } from '../coverage/surface-registry.ts';
import type { FaultKind } from '../faults/fault.ts';
import type { Violation } from '../model/invariant.ts';
import type { CampaignResult, PropertyFailure, PropertyOutcome } from '../runner/campaign.ts';
import type { Shard } from '../shard/shard.ts';
import {
  type CampaignSummary,
  type FailureSummary,
  type PropertySummary,
  SUMMARY_FORMAT,
  SUMMARY_VERSION,
  type SummaryVerdict,
} from './campaign-summary.ts';

export interface SummaryContext {
  tool: string;
  domain: string;
  seedSource: CampaignSummary['seedSource'];
  commit?: string;
  shard?: Shard;
  target: string;
  transport: string;
  bugs: readonly string[];
  registry: SurfaceRegistry;
  /** Surface tags each property declares. */
  tagsOf(property: string): readonly string[];
  /** Kinds asked for with --faults, each required to fire. */
  requiredFaults: readonly FaultKind[];
  minCoverage?: readonly CoverageFloor[];
  /** Where each new failure was saved (relative path), or null. */
  replayFileOf(failure: PropertyFailure<unknown>): string | null;
  /** Saved replays from earlier campaigns that failed again, with what they cost to run. */
  regressions?: { failures: FailureSummary[]; runs: number; actions: number };
  durationMs: number;
}

/** The campaign's result as the JSON summary (campaign-summary.ts): pure, so merge agrees with it. */
export function summarizeCampaign(result: CampaignResult<unknown>, context: SummaryContext): CampaignSummary {
  const properties = result.properties.map((outcome) => propertySummary(outcome, context));
  const failures: FailureSummary[] = [...(context.regressions?.failures ?? [])];
  for (const outcome of result.properties) {
    if (outcome.failure)
      failures.push(failureSummary(outcome.failure, context.replayFileOf(outcome.failure)));
  }
  const coverage = coverageSummary(context.registry, result.exercised);
  const summary: CampaignSummary = {
    format: SUMMARY_FORMAT,
    version: SUMMARY_VERSION,
    tool: context.tool,
    domain: context.domain,
    seed: result.seed,
    seedSource: context.seedSource,
    ...(context.commit ? { commit: context.commit } : {}),
    ...(context.shard ? { shard: { ...context.shard } } : {}),
    ...(result.workers
      ? { workers: { count: result.workers.count, crashes: [...result.workers.crashes] } }
      : {}),
    target: context.target,
    transport: context.transport,
    bugs: [...context.bugs],
    runs: result.runs + (context.regressions?.runs ?? 0),
    actions: result.actions + (context.regressions?.actions ?? 0),
    durationMs: context.durationMs,
    passed: true,
    verdict: 'pass',
    interrupted: result.interrupted,
    properties,
    faults: result.faults,
    requiredFaults: [...context.requiredFaults],
    unfiredFaults: result.unfired,
    failures,
    coverage,
    latency: result.latency,
    ...(context.minCoverage && context.minCoverage.length > 0
      ? { minCoverage: checkMinCoverage(coverage, context.minCoverage) }
      : {}),
  };
  return withVerdict(summary);
}

/**
 * The verdict from the parts: any failure, breached SLO, unfired fault or coverage shortfall
 * fails (a shard's coverage is judged when the shards merge); otherwise a run that proved
 * nothing makes it unknown; otherwise it passed.
 */
export function withVerdict(summary: CampaignSummary): CampaignSummary {
  // A shard exercises only its share of the surface: the coverage floor is judged at merge.
  const sharded = summary.shard !== undefined && summary.shard.count > 1;
  const failed =
    summary.failures.length > 0 ||
    summary.unfiredFaults.length > 0 ||
    (summary.minCoverage?.met === false && !sharded) ||
    summary.properties.some((p) => p.verdict === 'fail');
  const unknown = summary.properties.some((p) => p.verdict === 'unknown');
  const verdict: SummaryVerdict = failed ? 'fail' : unknown ? 'unknown' : 'pass';
  return { ...summary, verdict, passed: verdict === 'pass' };
}

/** A property's verdict: failed runs, breached SLOs and unfired faults fail it. */
export function propertyVerdict(
  p: Omit<PropertySummary, 'verdict' | 'passed'>,
  failed: boolean,
): SummaryVerdict {
  if (failed || p.slos.some((s) => s.breached) || (p.unfiredFaults?.length ?? 0) > 0) return 'fail';
  return p.unknown ? 'unknown' : 'pass';
}

function propertySummary(outcome: PropertyOutcome<unknown>, context: SummaryContext): PropertySummary {
  const base = {
    name: outcome.property,
    seed: outcome.seed,
    runs: outcome.runs,
    actions: outcome.actions,
    durationMs: outcome.durationMs,
    interrupted: outcome.interrupted,
    tags: [...context.tagsOf(outcome.property)],
    faultKinds: outcome.faultKinds,
    faults: outcome.faults,
    requiredFaults: outcome.requiredFaults,
    ...(outcome.unfired ? { unfiredFaults: outcome.unfired } : {}),
    ...(outcome.unknown ? { unknown: outcome.unknown } : {}),
    latency: outcome.latency,
    slos: outcome.slos,
  };
  const verdict = propertyVerdict(base, outcome.failure !== undefined);
  return { ...base, passed: verdict === 'pass', verdict };
}

function failureSummary(failure: PropertyFailure<unknown>, replayFile: string | null): FailureSummary {
  const violations: Violation[] =
    failure.report.verdict.status === 'fail' ? failure.report.verdict.violations : [];
  return {
    property: failure.property,
    seed: failure.seed,
    runIndex: failure.runIndex,
    path: failure.path,
    shrinks: failure.shrinks,
    actions: failure.report.actions.length,
    replayFile,
    violations,
    regression: false,
  };
}
