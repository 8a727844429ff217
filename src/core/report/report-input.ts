import type { Slo } from '../latency/slo.ts';
import type { Violation } from '../model/invariant.ts';
import type { ReplayFile } from '../replay/replay-file.ts';
import type { CampaignSummary, FailureSummary } from './campaign-summary.ts';
import type { DomainTimelineNote } from './domain-measures.ts';

/** One failure with the replay file saved for it: the shrunk run the report draws. */
export interface ReportFailure {
  summary: FailureSummary;
  /** Its actions, events, violations, `evidence.history` and `evidence.extra.faults`. */
  replay: ReplayFile;
}

/**
 * Everything the Markdown and HTML reports are made from. The describers come from the domain
 * pack, so the reports stay domain-agnostic and still read like the domain.
 */
export interface ReportInput {
  summary: CampaignSummary;
  /** The failures that have a replay file, each drawn in full (others are only listed). */
  failures: readonly ReportFailure[];
  describeAction(action: unknown): string;
  describeEvent(event: unknown): string;
  /** The domain's own timeline lanes (DomainPack.report.timeline), when it has them. */
  timelineNotes?(evidence: ReplayFile['evidence']): readonly DomainTimelineNote[];
}

// What the Markdown and HTML reports say the same way.

/** `failure-<n>-<property>.md`, n from 1 in the order of `ReportInput.failures`. */
export function failureFileName(index: number, failure: ReportFailure): string {
  return `failure-${index + 1}-${failure.summary.property.replace(/[^A-Za-z0-9._-]/g, '_')}.md`;
}

/** The report failure drawn for a listed failure, if one was (a summary's failures may have no replay). */
export function reportFailureIndex(input: ReportInput, failure: FailureSummary): number {
  const same = (f: ReportFailure): boolean =>
    f.summary === failure ||
    (f.summary.property === failure.property &&
      f.summary.seed === failure.seed &&
      f.summary.runIndex === failure.runIndex &&
      f.summary.path === failure.path &&
      f.summary.replayFile === failure.replayFile &&
      f.summary.regression === failure.regression);
  return input.failures.findIndex(same);
}

/**
 * The failures a person reads, each once: a new failure the corpus already holds (`duplicateOf`,
 * or an older summary's new failure saved to a regression's file) is left out, and its
 * regression says it was found again (`foundAgain`).
 */
export function distinctFailures(failures: readonly FailureSummary[]): FailureSummary[] {
  return failures.filter((f) => foundAgainTarget(f, failures) === undefined);
}

/** The input with each failure drawn once: a new run's find of a saved failure goes with its regression. */
export function withDistinctFailures(input: ReportInput): ReportInput {
  const all = input.summary.failures;
  const failures = input.failures.filter((f) => foundAgainTarget(f.summary, all) === undefined);
  return failures.length === input.failures.length ? input : { ...input, failures };
}

/** The regression a new failure is a second find of, if it is one. */
function foundAgainTarget(f: FailureSummary, all: readonly FailureSummary[]): FailureSummary | undefined {
  if (f.regression) return undefined;
  const file = f.duplicateOf ?? f.replayFile;
  if (file === null) return undefined;
  return all.find((r) => r.regression && r.property === f.property && r.replayFile === file);
}

/** This campaign's new runs that found a saved failure again (empty for a new failure). */
export function foundAgainBy(failure: FailureSummary, all: readonly FailureSummary[]): FailureSummary[] {
  if (!failure.regression) return [];
  return all.filter((f) => foundAgainTarget(f, all) === failure);
}

/**
 * How many times the campaign met this failure: once, plus the runs that failed the same way
 * (--keep-going), plus, for a regression, each new run that found it again (and its own).
 */
export function timesFound(failure: FailureSummary, all: readonly FailureSummary[]): number {
  return foundAgainBy(failure, all).reduce(
    (n, f) => n + 1 + (f.duplicates ?? 0),
    1 + (failure.duplicates ?? 0),
  );
}

/** What a failure is, in a few words: a regression from the corpus, or new in this campaign. */
export function failureOrigin(failure: FailureSummary, all: readonly FailureSummary[]): string {
  if (!failure.regression) return `new: found by run ${failure.runIndex} of this campaign`;
  const again = foundAgainBy(failure, all);
  const saved = `regression: saved by an earlier campaign${failure.replayFile ? ` (${failure.replayFile})` : ''}, still fails`;
  return again.length === 0
    ? saved
    : `${saved}, and found again by ${again.length === 1 ? 'run' : 'runs'} ${again.map((f) => f.runIndex).join(', ')}`;
}

/** `found 3 times` when it was met more than once, else nothing. */
export function foundTimesText(failure: FailureSummary, all: readonly FailureSummary[]): string {
  const n = timesFound(failure, all);
  return n > 1 ? `found ${n} times` : '';
}

/** Violations grouped by invariant, in first-seen order: one invariant broken twice is one group of two. */
export function groupViolations(
  violations: readonly Violation[],
): { invariant: string; violations: Violation[] }[] {
  const groups = new Map<string, Violation[]>();
  for (const v of violations) groups.set(v.invariant, [...(groups.get(v.invariant) ?? []), v]);
  return [...groups].map(([invariant, list]) => ({ invariant, violations: list }));
}

export function replayCommand(replayFile: string): string {
  return `npx shakedown replay ${replayFile}`;
}

/** The command that runs the same campaign (or one property of it) again from its seed. */
export function rerunCommand(summary: CampaignSummary, property?: { name: string; seed: number }): string {
  const parts = ['npx shakedown run', `--seed ${property?.seed ?? summary.seed}`];
  if (property) parts.push(`--property ${property.name}`);
  if (summary.target !== 'inproc') parts.push(`--target ${summary.target}`);
  for (const bug of summary.bugs) parts.push(`--bug ${bug}`);
  return parts.join(' ');
}

/** Milliseconds as people read them: `-` for none, whole numbers whole, else one decimal. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  return Number.isInteger(ms) ? `${ms}` : ms.toFixed(ms < 10 ? 2 : 1).replace(/\.?0+$/, '');
}

/** A campaign duration: `812 ms`, `5.5 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

/** A share 0..1 as a percentage with one decimal. */
export function formatRate(rate: number | null): string {
  return rate === null ? '-' : `${(rate * 100).toFixed(1)}%`;
}

/** What an SLO promises: `place p99 ≤ 50 ms, success ≥ 99%`. */
export function describeSlo(slo: Slo): string {
  const parts: string[] = [];
  if (slo.maxMs !== undefined) parts.push(`p${slo.percentile ?? 99} ≤ ${slo.maxMs} ms`);
  if (slo.minSuccessRate !== undefined) parts.push(`success ≥ ${formatRate(slo.minSuccessRate)}`);
  const scope = slo.transports?.length ? ` (${slo.transports.join(', ')})` : '';
  return `${slo.action} ${parts.join(', ') || 'measured'}${scope}${slo.underFaults ? ', under faults' : ''}`;
}
