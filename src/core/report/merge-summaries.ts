import { mergeCoverage } from '../coverage/coverage-tally.ts';
import { checkMinCoverage } from '../coverage/min-coverage.ts';
import type { FaultKind } from '../faults/fault.ts';
import { addFaultCounts, type FaultCounts } from '../faults/fault-record.ts';
import { evaluateSlos } from '../latency/evaluate-slos.ts';
import { mergeLatency } from '../latency/latency-tally.ts';
import { EXIT, ShakedownError } from '../shakedown-error.ts';
import type {
  CampaignSummary,
  FailureSummary,
  InvariantChecks,
  PropertySummary,
} from './campaign-summary.ts';
import { mergeDomainMeasures } from './domain-measures.ts';
import {
  failedHow,
  markFoundAgain,
  propertyVerdict,
  propertyWarnings,
  withVerdict,
} from './summarize-campaign.ts';

/**
 * One summary from the shards' summaries, as if one machine had run every shard: runs,
 * actions and faults add up; latency merges bucket by bucket and SLOs are judged again on the
 * merged figures; coverage is the union; `sometimes` and --faults requirements (which a shard
 * cannot decide alone) are decided here. The wall-clock duration is the longest shard's.
 * Shards of different campaigns (seed, target, bugs) are refused.
 */
export function mergeSummaries(summaries: readonly CampaignSummary[]): CampaignSummary {
  if (summaries.length === 0)
    throw new ShakedownError('SHK_MERGE_EMPTY', 'merge: no summaries given', { exitCode: EXIT.usage });
  const [first, ...rest] = summaries as [CampaignSummary, ...CampaignSummary[]];
  for (const [i, other] of rest.entries()) {
    for (const key of ['domain', 'seed', 'target', 'transport'] as const) {
      if (other[key] !== first[key])
        throw new ShakedownError(
          'SHK_MERGE_MISMATCH',
          `merge: summary ${i + 2} has ${key} ${JSON.stringify(other[key])} but summary 1 has ${JSON.stringify(first[key])}; these are not shards of one campaign`,
          { exitCode: EXIT.usage, context: { key } },
        );
    }
    if (other.bugs.join(',') !== first.bugs.join(','))
      throw new ShakedownError(
        'SHK_MERGE_MISMATCH',
        `merge: summary ${i + 2} was run with bugs [${other.bugs.join(', ')}] but summary 1 with [${first.bugs.join(', ')}]`,
        { exitCode: EXIT.usage, context: { key: 'bugs' } },
      );
  }
  const shards = summaries.map((s) => s.shard).filter((s) => s !== undefined);
  const seen = new Set<number>();
  for (const shard of shards) {
    if (seen.has(shard.index))
      throw new ShakedownError(
        'SHK_MERGE_MISMATCH',
        `merge: shard ${shard.index}/${shard.count} is given twice`,
        {
          exitCode: EXIT.usage,
          context: { shard },
        },
      );
    seen.add(shard.index);
  }

  const faults: FaultCounts = {};
  for (const s of summaries) addFaultCounts(faults, s.faults);
  const byName = new Map<string, PropertySummary[]>();
  for (const s of summaries)
    for (const p of s.properties) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  // A shard that did not replay the corpus may find a saved failure anew: marked here.
  const failures = markFoundAgain(
    summaries
      .flatMap((s) => s.failures)
      .sort(failureOrder)
      .filter(firstOfEachReplay()),
  );
  // One strict shard makes the merge strict: its warnings failed it already.
  const strict = summaries.some((s) => s.strict === true);
  const properties = [...byName.values()].map((parts) =>
    mergeProperty(
      parts,
      first.transport,
      faults,
      failedHow(failures.filter((f) => f.property === parts[0]?.name && !f.regression)),
      strict,
    ),
  );
  const coverage = summaries.map((s) => s.coverage).reduce((a, b) => mergeCoverage(a, b));
  const requiredFaults = [...new Set(summaries.flatMap((s) => s.requiredFaults))];
  const floors = first.minCoverage?.floors.map(({ category, percent }) => ({ category, percent }));
  // The domain's figures merge; its sections are the pack's to make again from them.
  const {
    shard: _shard,
    mergedShards: _merged,
    workers: _workers,
    domainMeasures: _measures,
    sections: _sections,
    ...base
  } = first;
  const measured = summaries.flatMap((s) => (s.domainMeasures ? [s.domainMeasures] : []));
  const domainMeasures =
    measured.length > 0 ? { domainMeasures: measured.reduce((a, b) => mergeDomainMeasures(a, b)) } : {};
  const crashes = summaries.flatMap((s) => s.workers?.crashes ?? []);
  const workers = summaries.some((s) => s.workers)
    ? { workers: { count: Math.max(...summaries.map((s) => s.workers?.count ?? 1)), crashes } }
    : {};
  return withVerdict({
    ...base,
    ...(strict ? { strict: true } : {}),
    mergedShards: summaries.reduce((n, s) => n + (s.mergedShards ?? 1), 0),
    ...workers,
    runs: sum(summaries, (s) => s.runs),
    actions: sum(summaries, (s) => s.actions),
    durationMs: Math.max(...summaries.map((s) => s.durationMs)),
    interrupted: summaries.some((s) => s.interrupted),
    properties,
    faults,
    requiredFaults,
    unfiredFaults: requiredFaults.filter((kind) => !(faults[kind] ?? 0)),
    failures,
    coverage,
    latency: summaries.map((s) => s.latency).reduce((a, b) => mergeLatency(a, b)),
    ...domainMeasures,
    ...(floors ? { minCoverage: checkMinCoverage(coverage, floors) } : {}),
  });
}

function mergeProperty(
  parts: readonly PropertySummary[],
  transport: string,
  campaignFaults: FaultCounts,
  failed: boolean | 'hang',
  strict: boolean,
): PropertySummary {
  const [first] = parts as [PropertySummary, ...PropertySummary[]];
  const faults: FaultCounts = {};
  for (const p of parts) addFaultCounts(faults, p.faults);
  const latency = parts.map((p) => p.latency).reduce((a, b) => mergeLatency(a, b));
  const slos = evaluateSlos(
    first.slos.map((r) => r.slo),
    latency,
    transport,
  );
  const requiredFaults = [...new Set(parts.flatMap((p) => p.requiredFaults))] as FaultKind[];
  const unfired = requiredFaults.filter((kind) => !(campaignFaults[kind] ?? 0));
  const unknown = parts.find((p) => p.unknown)?.unknown;
  const invariants = mergeInvariantChecks(parts);
  // Every shard plans the same invariants against the same target: the first says what was skipped.
  const skipped = parts.find((p) => p.skippedInvariants)?.skippedInvariants;
  const base = {
    name: first.name,
    seed: first.seed,
    runs: sum(parts, (p) => p.runs),
    actions: sum(parts, (p) => p.actions),
    durationMs: Math.max(...parts.map((p) => p.durationMs)),
    interrupted: parts.some((p) => p.interrupted),
    tags: first.tags,
    faultKinds: first.faultKinds,
    faults,
    requiredFaults,
    ...(unfired.length > 0 ? { unfiredFaults: unfired } : {}),
    ...(unknown ? { unknown } : {}),
    latency,
    slos,
    ...(invariants ? { invariants } : {}),
    ...(skipped ? { skippedInvariants: skipped } : {}),
    warnings: propertyWarnings(invariants, latency),
  };
  const verdict = propertyVerdict(base, failed, strict);
  return { ...base, passed: verdict === 'pass', verdict };
}

/** Per invariant, the shards' runs and checked runs added up (not reported in one shard: not reported). */
function mergeInvariantChecks(parts: readonly PropertySummary[]): InvariantChecks[] | undefined {
  const lists = parts.map((p) => p.invariants).filter((list) => list !== undefined);
  if (lists.length === 0) return undefined;
  const merged = new Map<string, InvariantChecks>();
  for (const list of lists) {
    for (const i of list) {
      const known = merged.get(i.name);
      if (known === undefined) {
        merged.set(i.name, { ...i });
        continue;
      }
      known.runs += i.runs;
      known.checkedRuns =
        known.checkedRuns === null || i.checkedRuns === null ? null : known.checkedRuns + i.checkedRuns;
      known.examined = known.examined === null || i.examined === null ? null : known.examined + i.examined;
    }
  }
  return [...merged.values()];
}

/** Failures by property, then run index: the first of each property is the one an unsharded campaign finds. */
function failureOrder(a: FailureSummary, b: FailureSummary): number {
  if (a.regression !== b.regression) return a.regression ? -1 : 1;
  return a.property.localeCompare(b.property) || a.runIndex - b.runIndex;
}

/** Every shard replays the same saved corpus: its regressions are kept once. */
function firstOfEachReplay(): (failure: FailureSummary) => boolean {
  const seen = new Set<string>();
  return (failure) => {
    if (!failure.regression || failure.replayFile === null) return true;
    if (seen.has(failure.replayFile)) return false;
    seen.add(failure.replayFile);
    return true;
  };
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((n, item) => n + of(item), 0);
}
