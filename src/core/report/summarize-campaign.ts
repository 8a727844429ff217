import { coverageSummary } from '../coverage/coverage-tally.ts';
import { type CoverageFloor, checkMinCoverage } from '../coverage/min-coverage.ts';
import type { SurfaceRegistry } from '../coverage/surface-registry.ts';
import type { FaultKind } from '../faults/fault.ts';
import type { CampaignResult, PropertyFailure, PropertyOutcome } from '../runner/campaign.ts';
import { violationsOf } from '../runner/run-hang.ts';
import type { Shard } from '../shard/shard.ts';
import {
  type ActionLatency,
  type CampaignSummary,
  type ExecutionSummary,
  type FailureSummary,
  type InvariantChecks,
  type PropertySummary,
  type PropertyWarning,
  SUMMARY_FORMAT,
  SUMMARY_VERSION,
  type SummaryVerdict,
} from './campaign-summary.ts';
import type { DomainMeasures, DomainSection } from './domain-measures.ts';

/** A share of refusals above this, for one action type, makes a `mostly-refused` warning... */
export const MOSTLY_REFUSED_SHARE = 0.9;
/** ...once at least this many of its requests were answered (fewer say little either way). */
export const MOSTLY_REFUSED_MIN_ANSWERED = 20;

export interface SummaryContext {
  tool: string;
  domain: string;
  seedSource: CampaignSummary['seedSource'];
  commit?: string;
  shard?: Shard;
  target: string;
  transport: string;
  /**
   * How the runs against a real venue were executed (concurrent lanes or one at a time) and
   * isolated. Concurrent, the lanes ran in this thread: the result's pool size is no worker count.
   */
  execution?: ExecutionSummary;
  /** The clock the target's runs were on (default: virtual in-process, wall otherwise). */
  clock?: 'virtual' | 'wall';
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
  /**
   * The actions of a regression's saved replay, to tell a new failure that shrank to the same
   * run even when its file is named otherwise (the evidence, and so the name, may differ).
   */
  savedActionsOf?(replayFile: string): readonly unknown[] | undefined;
  durationMs: number;
  /** --strict: a property's warnings (vacuous checks, mostly refused requests) fail it. */
  strict?: boolean;
  /**
   * The domain's own figures, folded over the runs with its `report.measure`, and the pack's
   * `report.sections` to show them: they go into the summary as `domainMeasures` and `sections`.
   */
  domainReport?: { measures: DomainMeasures; sections(measures: DomainMeasures): DomainSection[] };
}

/** The campaign's result as the JSON summary (campaign-summary.ts): pure, so merge agrees with it. */
export function summarizeCampaign(result: CampaignResult<unknown>, context: SummaryContext): CampaignSummary {
  const properties = result.properties.map((outcome) => propertySummary(outcome, context));
  const failures: FailureSummary[] = [...(context.regressions?.failures ?? [])];
  // Each new failure's shrunk run, to compare with the saved ones.
  const runOf = new Map<FailureSummary, string>();
  for (const outcome of result.properties) {
    // Every distinct failure (--keep-going), the first one first.
    for (const failure of outcome.failures ?? (outcome.failure ? [outcome.failure] : [])) {
      const summary = failureSummary(failure, context.replayFileOf(failure));
      runOf.set(summary, JSON.stringify(failure.report.actions));
      failures.push(summary);
    }
  }
  const sameRun = (fresh: FailureSummary, saved: FailureSummary): boolean => {
    const actions = saved.replayFile === null ? undefined : context.savedActionsOf?.(saved.replayFile);
    return actions !== undefined && runOf.get(fresh) === JSON.stringify(actions);
  };
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
    ...(result.workers && context.execution?.mode !== 'concurrent'
      ? { workers: { count: result.workers.count, crashes: [...result.workers.crashes] } }
      : {}),
    ...(context.execution ? { execution: { ...context.execution } } : {}),
    target: context.target,
    transport: context.transport,
    clock: context.clock ?? (context.transport === 'inproc' ? 'virtual' : 'wall'),
    bugs: [...context.bugs],
    ...(context.strict ? { strict: true } : {}),
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
    failures: markFoundAgain(failures, sameRun),
    coverage,
    latency: result.latency,
    ...(context.domainReport
      ? {
          domainMeasures: context.domainReport.measures,
          sections: context.domainReport.sections(context.domainReport.measures),
        }
      : {}),
    ...(context.minCoverage && context.minCoverage.length > 0
      ? { minCoverage: checkMinCoverage(coverage, context.minCoverage) }
      : {}),
  };
  return withVerdict(summary);
}

/**
 * Marks each new failure that the corpus already holds: it shrank to the run a regression was
 * replayed from (`sameRun` compares the actions when they are at hand), or was saved to that
 * regression's file (the name is a hash of the content, so the same name in any folder is the
 * same run). It gets `duplicateOf`, that regression's `replayFile`: one failure found twice.
 * Idempotent, so a merge of shards marks what each shard could not.
 */
export function markFoundAgain(
  failures: readonly FailureSummary[],
  sameRun: (fresh: FailureSummary, saved: FailureSummary) => boolean = () => false,
): FailureSummary[] {
  const saved = failures.filter((f) => f.regression && f.replayFile !== null);
  return failures.map((f) => {
    if (f.regression || f.duplicateOf !== undefined) return f;
    const of = saved.find(
      (r) =>
        r.property === f.property &&
        ((f.replayFile !== null && fileName(f.replayFile) === fileName(r.replayFile as string)) ||
          sameRun(f, r)),
    );
    return of === undefined ? f : { ...f, duplicateOf: of.replayFile as string };
  });
}

const fileName = (path: string): string =>
  path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);

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
    summary.properties.some((p) => p.verdict === 'fail' || p.verdict === 'hang');
  const unknown = summary.properties.some((p) => p.verdict === 'unknown');
  const verdict: SummaryVerdict = failed ? 'fail' : unknown ? 'unknown' : 'pass';
  return { ...summary, verdict, passed: verdict === 'pass' };
}

/**
 * A property's verdict: failed runs, breached SLOs and unfired faults fail it, and so do its
 * warnings when `strict`. `failed` is `hang` when its failures are all runs that never ended:
 * its verdict is then `hang`, unless something else failed it too.
 */
export function propertyVerdict(
  p: Omit<PropertySummary, 'verdict' | 'passed'>,
  failed: boolean | 'hang',
  strict = false,
): SummaryVerdict {
  const otherwise =
    p.slos.some((s) => s.breached) ||
    (p.unfiredFaults?.length ?? 0) > 0 ||
    (strict && (p.warnings?.length ?? 0) > 0);
  if (failed === 'hang' && !otherwise) return 'hang';
  if (failed || otherwise) return 'fail';
  return p.unknown ? 'unknown' : 'pass';
}

/** How a property's new failures failed it: not at all, only by hanging (`hang`), or otherwise (true). */
export function failedHow(failures: readonly Pick<FailureSummary, 'verdict'>[]): boolean | 'hang' {
  if (failures.length === 0) return false;
  return failures.every((f) => f.verdict === 'hang') ? 'hang' : true;
}

/**
 * What makes a property's pass worth less, read off its figures alone (so a merge of shards
 * decides it again on the merged ones): an invariant that reported having nothing to check in
 * every one of its runs (vacuous), and an action type whose answered requests were nearly all
 * refused (more than MOSTLY_REFUSED_SHARE of at least MOSTLY_REFUSED_MIN_ANSWERED).
 */
export function propertyWarnings(
  invariants: readonly InvariantChecks[] | undefined,
  latency: readonly ActionLatency[],
): PropertyWarning[] {
  const warnings: PropertyWarning[] = [];
  for (const i of invariants ?? []) {
    if (i.runs === 0 || i.checkedRuns !== 0) continue;
    warnings.push({
      kind: 'vacuous',
      subject: i.name,
      message: `${i.name} had nothing to check in any of its ${i.runs} runs${i.counts ? ` (no ${i.counts})` : ''}: its pass says nothing`,
    });
  }
  for (const l of latency) {
    // Requests sent to be refused say nothing of how far the runs got.
    const expected = l.expectedRefusals ?? 0;
    const answered = l.ok + l.fail - expected;
    const fail = l.fail - expected;
    if (answered < MOSTLY_REFUSED_MIN_ANSWERED || fail <= answered * MOSTLY_REFUSED_SHARE) continue;
    warnings.push({
      kind: 'mostly-refused',
      subject: l.action,
      message: `${fail} of ${answered} answered ${l.action} requests (${((fail / answered) * 100).toFixed(1)}%) were refused: the runs hardly got past the venue's checks`,
    });
  }
  return warnings;
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
    ...(outcome.invariants ? { invariants: outcome.invariants } : {}),
    ...(outcome.skippedInvariants ? { skippedInvariants: outcome.skippedInvariants } : {}),
    warnings: propertyWarnings(outcome.invariants, outcome.latency),
  };
  const failures = outcome.failures ?? (outcome.failure ? [outcome.failure] : []);
  const verdict = propertyVerdict(
    base,
    failedHow(failures.map((f) => (f.report.verdict.status === 'hang' ? { verdict: 'hang' as const } : {}))),
    context.strict,
  );
  return { ...base, passed: verdict === 'pass', verdict };
}

function failureSummary(failure: PropertyFailure<unknown>, replayFile: string | null): FailureSummary {
  const violations = violationsOf(failure.report.verdict);
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
    ...(failure.report.verdict.status === 'hang' ? { verdict: 'hang' as const } : {}),
    ...(failure.duplicates === undefined ? {} : { duplicates: failure.duplicates }),
  };
}
