import type * as fc from 'fast-check';
import type { ActionBase } from '../model/action.ts';
import type { Reply } from '../model/client.ts';
import type { Operation, RecordedEvent } from '../model/evidence.ts';
import type { GenerationContext } from '../model/property.ts';

/** What an `expect` step sees: everything recorded so far, and each client's folded view. */
export interface ScenarioContext<A, E, V = unknown> {
  events: readonly RecordedEvent<E>[];
  history: readonly Operation<A>[];
  /** The reply to the action sent at `step`, once it has arrived. */
  replyOf(step: number): Reply | undefined;
  view(client: string): V;
}

/**
 * One step of a fixed scenario. Nothing sleeps: a scenario waits for events (with a bound) or
 * asserts that none comes for a window, on the target's scheduler, so in-process the windows
 * cost no wall time and over WebSocket they cost exactly what they say.
 */
export type ScenarioStep<A, E, V = unknown> =
  /** Send and wait for the reply; `expect` checks its status (and `code` a refusal's code). */
  | { kind: 'send'; action: A; expect?: Reply['status'] | 'any'; code?: string }
  /** Send several at the same instant (a race); wait for every reply. */
  | { kind: 'race'; actions: A[] }
  /** Wait until `client` has received a matching event (since the last one this matched). */
  | { kind: 'wait_for'; client: string; what: string; match: (event: E) => boolean; timeoutMs?: number }
  /** No matching event may reach `client` for `forMs`. */
  | { kind: 'expect_no_event'; client: string; what: string; match: (event: E) => boolean; forMs: number }
  /** A state rule over what was recorded so far: a message when it does not hold. */
  | { kind: 'expect'; what: string; check: (context: ScenarioContext<A, E, V>) => string | undefined };

/**
 * A named, fixed sequence of steps with event-driven assertions, from one of the source
 * documents (`source`), tagged with the surface it exercises. `fuzz` turns it into the seed of a
 * fuzzed property that varies its sizes, timing and faults.
 */
export interface Scenario<A extends ActionBase = ActionBase, E = unknown, V = unknown> {
  readonly name: string;
  /** The source document that asked for it (its id in ../shared/seeds), e.g. "000". */
  readonly source: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly steps: readonly ScenarioStep<A, E, V>[];
  /** Invariants checked on the evidence once the scenario is over (the pack's names). */
  readonly invariants?: readonly string[];
  /** Venue options the scenario needs (a target that cannot provide them skips it). */
  readonly venue?: Readonly<Record<string, unknown>>;
  /** Generates variations of the scenario: sizes, timing and faults drawn around its steps. */
  fuzz?(context: GenerationContext): fc.Arbitrary<A[]>;
}

/** A step that did not hold: which one (0-based), what it was about, and what happened. */
export interface ScenarioFailure {
  step: number;
  what: string;
  message: string;
}
