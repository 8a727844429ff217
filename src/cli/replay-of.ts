import { resolve } from 'node:path';
import type { TargetSpec } from '../core/model/domain-pack.ts';
import type { Violation } from '../core/model/invariant.ts';
import type { AdapterRecord, ReplayFile } from '../core/replay/replay-file.ts';
import { DEFAULT_SETTINGS, type PropertyFailure } from '../core/runner/campaign.ts';
import { violationsOf } from '../core/runner/run-hang.ts';
import type { LoadedDomain } from '../domains/registry.ts';
import { findProperty } from './find-property.ts';
import { TOOL_VERSION } from './tool-version.ts';

/** How the campaign that found a failure was run: what a replay needs to rebuild its target. */
export interface ReplayContext {
  /** `--target` as typed. */
  target: string;
  /**
   * When the target is an adapter module: its absolute path (written relative to the replay
   * file's folder) and the options it was loaded with (adapterRecordOf).
   */
  adapter?: AdapterRecord;
  bugs: readonly string[];
  maxActions?: number;
  durationMs: number;
}

/**
 * A shrunk failure as a replay file (run and soak save the same format; the caller writes it).
 * Its `domain` is how the domain was loaded (a name, or a pack module's path), so that
 * `shakedown replay FILE` finds the pack again without being told.
 */
export function replayOf<A>(
  domain: LoadedDomain,
  failure: PropertyFailure<A>,
  context: ReplayContext,
): ReplayFile {
  const property = findProperty(domain.pack, failure.property);
  const { report } = failure;
  const violations = violationsOfFailure(failure);
  const settings = {
    ...DEFAULT_SETTINGS,
    ...property?.settings,
    ...(context.maxActions ? { maxActions: context.maxActions } : {}),
  };
  return {
    format: 'shakedown-replay',
    // Version 2 adds `adapter`; a file without one is written as version 1, as before.
    version: context.adapter ? 2 : 1,
    tool: TOOL_VERSION,
    domain: domain.recordAs,
    property: failure.property,
    target: context.target,
    ...(context.adapter ? { adapter: context.adapter } : {}),
    seed: failure.seed,
    runIndex: failure.runIndex,
    path: failure.path,
    bugs: [...context.bugs],
    // The cap the run really had: a fuzzed scenario keeps its own steps past --max-actions,
    // and a reader refuses a file with more actions than its settings allow.
    settings: { ...settings, maxActions: Math.max(settings.maxActions, report.actions.length) },
    actions: report.actions,
    events: report.evidence.events,
    violations,
    verdict:
      report.verdict.status === 'fail' || report.verdict.status === 'hang'
        ? report.verdict.status
        : 'unknown',
    evidence: {
      history: report.evidence.history,
      // A run that hung (or broke down) read no snapshot: null, so the file still says so.
      snapshot: report.evidence.snapshot ?? null,
      extra: report.evidence.extra,
    },
    createdAt: new Date().toISOString(),
    durationMs: context.durationMs,
  };
}

/** The shrunk run's violations (a hang's one, `run.hang`; none when its verdict was unknown). */
export function violationsOfFailure<A>(failure: PropertyFailure<A>): Violation[] {
  return violationsOf(failure.report.verdict);
}

/**
 * The adapter module a run was pointed at, as a replay file records it: its absolute path and
 * the options it was loaded with (what its `options()` gave; null without one). Undefined for
 * the built-in targets.
 */
export function adapterRecordOf(spec: TargetSpec, factory: unknown): AdapterRecord | undefined {
  if (spec.kind !== 'module') return undefined;
  const options = (factory as { adapterOptions?: unknown } | undefined)?.adapterOptions;
  return { path: resolve(process.cwd(), spec.path), options: options ?? null };
}
