import type { Capability } from './capabilities.ts';
import type { RunEvidence } from './evidence.ts';

/** One broken rule: which invariant, what is wrong, and the steps and events (gseq) involved. */
export interface Violation {
  invariant: string;
  message: string;
  steps: number[];
  events: number[];
}

export type Verdict =
  | { status: 'pass' }
  | { status: 'fail'; violations: Violation[] }
  /** The checker itself failed (threw): the run proves nothing either way. */
  | { status: 'unknown'; invariant: string; error: string }
  /**
   * The run never finished: no answer within the run timeout (a target that never answers, or
   * a thread stuck in a loop), or a virtual scheduler that never drained within its step bound.
   * A failure like `fail`; `step` is the last action sent (null: none was), and `violations`
   * holds one `run.hang` violation saying so (run-hang.ts).
   */
  | { status: 'hang'; step: number | null; violations: Violation[] };

/**
 * What an invariant examined in one run: the checker hands one to `check`, which counts the
 * things the run gave it to check (an order, an account, a trade, a stream...). A run in which
 * it counted nothing had nothing to check: its pass says nothing, and a campaign where that is
 * true of every run warns (`--strict` fails).
 */
export interface CheckTally {
  /** Counts `n` more things examined (1 when left out); `count(0)` says it looked and found none. */
  count(n?: number): void;
}

/**
 * A state rule over a run's evidence. `check` is a pure function and returns the violations it
 * found (an empty list means pass); the checker turns a throw into an `unknown` verdict.
 *
 * Two optional parts make a pass mean something:
 * - `needs`: what the target must provide for the rule to apply (capabilities.ts). A target
 *   that declares its capabilities and lacks one of these has the invariant skipped, with the
 *   reason, instead of checked against evidence it cannot give.
 * - the tally `check` receives: an invariant that counts what it examined (and says so with
 *   `counts`) reports per run whether it had anything to check. One that never calls the tally
 *   and declares no `counts` is "not reported": never called vacuous, never counted as checked.
 */
export interface Invariant<Ev extends RunEvidence = RunEvidence> {
  readonly name: string;
  readonly description: string;
  /** Capabilities the target must provide (none when absent: it applies to every target). */
  readonly needs?: readonly Capability[];
  /**
   * What `check` counts through its tally, in the plural (`orders`, `accounts`, `trades`).
   * Declaring it says every run reports, so a run where it counted none had nothing to check.
   * Without it, a run reports only when `check` calls the tally (`count(0)` included).
   */
  readonly counts?: string;
  check(evidence: Ev, tally?: CheckTally): Violation[];
}
