import type { Violation } from '../core/model/invariant.ts';
import type { ReplayFile } from '../core/replay/replay-file.ts';
import { DEFAULT_SETTINGS, type PropertyFailure } from '../core/runner/campaign.ts';
import { findTradingProperty } from '../domains/trading/scenarios/find-property.ts';
import type { TradingAction } from '../domains/trading/trading-action.ts';
import { tradingPack } from '../domains/trading/trading-pack.ts';
import { TOOL_VERSION } from './tool-version.ts';

/** How the campaign that found a failure was run: what a replay needs to rebuild its target. */
export interface ReplayContext {
  target: string;
  bugs: readonly string[];
  maxActions?: number;
  durationMs: number;
}

/** A shrunk failure as a replay file (run and soak save the same format; the caller writes it). */
export function tradingReplayOf(failure: PropertyFailure<TradingAction>, context: ReplayContext): ReplayFile {
  const property = findTradingProperty(failure.property);
  const { report } = failure;
  const violations = violationsOfFailure(failure);
  return {
    format: 'shakedown-replay',
    version: 1,
    tool: TOOL_VERSION,
    domain: tradingPack.name,
    property: failure.property,
    target: context.target,
    seed: failure.seed,
    runIndex: failure.runIndex,
    path: failure.path,
    bugs: [...context.bugs],
    settings: {
      ...DEFAULT_SETTINGS,
      ...property?.settings,
      ...(context.maxActions ? { maxActions: context.maxActions } : {}),
    },
    actions: report.actions,
    events: report.evidence.events,
    violations,
    verdict: report.verdict.status === 'fail' ? 'fail' : 'unknown',
    evidence: {
      history: report.evidence.history,
      snapshot: report.evidence.snapshot,
      extra: report.evidence.extra,
    },
    createdAt: new Date().toISOString(),
    durationMs: context.durationMs,
  };
}

/** The shrunk run's violations (none when its verdict was unknown). */
export function violationsOfFailure<A>(failure: PropertyFailure<A>): Violation[] {
  return failure.report.verdict.status === 'fail' ? failure.report.verdict.violations : [];
}
