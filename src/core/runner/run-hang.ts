import type { ActionBase } from '../model/action.ts';
import type { Verdict, Violation } from '../model/invariant.ts';

/** The pseudo-invariant a hang is reported under (summaries, JUnit, reports, replay files). */
export const HANG_INVARIANT = 'run.hang';

/** The run timeout unless told otherwise (`--run-timeout`): generous, a bound, not a budget. */
export const DEFAULT_RUN_TIMEOUT_MS = 60_000;

/**
 * Shrink candidates that hang, at most, while shrinking one failure: each costs a whole run
 * timeout, so shrinking then stops at the smallest failure found so far (a count, like
 * --shrink-attempts, on top of it).
 */
export const MAX_HANGING_SHRINKS = 10;

/**
 * Thrown inside a run that cannot finish (settle.ts: a virtual scheduler that drained, or ran
 * past its step bound, without the run's answer); executeRun turns it into a `hang` verdict.
 */
export class RunHung extends Error {
  constructor(readonly reason: string) {
    super(`the run hung: ${reason}`);
    this.name = 'RunHung';
  }
}

export function isRunHung(error: unknown): error is RunHung {
  return error instanceof RunHung;
}

/** A `hang` verdict (invariant.ts). */
export type HangVerdict = Extract<Verdict, { status: 'hang' }>;

/**
 * The verdict of a run that never finished: why, and the last action sent (by its step, and as
 * `describe` words it; by kind and client without it). Its one violation is what summaries,
 * JUnit and reports print.
 */
export function hangVerdict<A extends ActionBase>(
  reason: string,
  step: number | null,
  actions: readonly A[],
  describe?: (action: A) => string,
): HangVerdict {
  const action = step === null ? undefined : actions[step];
  const last =
    action === undefined
      ? 'no action had been sent'
      : `the last action sent was step ${step}: ${describeSafely(action, describe)}`;
  return {
    status: 'hang',
    step: action === undefined ? null : step,
    violations: [
      {
        invariant: HANG_INVARIANT,
        message: `the run hung (${reason}); ${last}`,
        steps: action === undefined || step === null ? [] : [step],
        events: [],
      },
    ],
  };
}

/** A run that took longer than the run timeout, on the wall clock. */
export function timeoutReason(timeoutMs: number): string {
  return `no end within the run timeout of ${formatTimeout(timeoutMs)}`;
}

/** The violations a verdict carries: a failure's, a hang's; none for pass or unknown. */
export function violationsOf(verdict: Verdict): Violation[] {
  return verdict.status === 'fail' || verdict.status === 'hang' ? verdict.violations : [];
}

/** Whether a run with this status failed: an invariant broke, or it hung. */
export function isFailing(status: Verdict['status']): boolean {
  return status === 'fail' || status === 'hang';
}

function describeSafely<A extends ActionBase>(action: A, describe?: (action: A) => string): string {
  try {
    if (describe) return describe(action);
  } catch {
    // A description is a courtesy: the kind and client still name the action.
  }
  return `${action.kind} from ${action.client}`;
}

function formatTimeout(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
