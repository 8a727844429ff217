import type { Slo } from '../latency/slo.ts';
import type { ReplayFile } from '../replay/replay-file.ts';
import type { CampaignSummary, FailureSummary } from './campaign-summary.ts';

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
