import type { ClientEvent, Reply } from './client.ts';

/** One request of a run: Jepsen's invoke/complete pair, with an indeterminate outcome allowed. */
export interface Operation<A = unknown, R = unknown> {
  step: number;
  client: string;
  action: A;
  invokedAt: number;
  /** Absent while the reply is outstanding; set for every outcome, `info` included. */
  completedAt?: number;
  reply?: Reply<R>;
}

/** An event as the sequencer captured it: numbered globally, tied to the step that caused it. */
export interface RecordedEvent<E = unknown> extends ClientEvent<E> {
  /** Global capture order across every client of the run, from 1. */
  gseq: number;
  client: string;
  /** The step whose request caused it, when known (through the txn of the reply). */
  step?: number;
}

/** Everything a run leaves behind; invariants are pure functions of it. */
export interface RunEvidence<A = unknown, E = unknown, R = unknown, S = unknown, V = unknown> {
  actions: A[];
  history: Operation<A, R>[];
  events: RecordedEvent<E>[];
  /** Each client's view, folded from its own events by the domain's projection. */
  projections: Record<string, V>;
  /** The target's own final state, read once the run went quiet. */
  snapshot: S;
  /** Target-specific evidence (see Target.extraEvidence). */
  extra: Record<string, unknown>;
}
