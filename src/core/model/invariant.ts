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
  | { status: 'unknown'; invariant: string; error: string };

/**
 * A state rule over a run's evidence. `check` is a pure function and returns the violations it
 * found (an empty list means pass); the checker turns a throw into an `unknown` verdict.
 */
export interface Invariant<Ev extends RunEvidence = RunEvidence> {
  readonly name: string;
  readonly description: string;
  check(evidence: Ev): Violation[];
}
