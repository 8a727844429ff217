import type { Observable } from 'rxjs';

/** One event as a client observed it: the stream it came on, its number there, and when. */
export interface ClientEvent<E = unknown> {
  stream: string;
  seq: number;
  /** The target's own total order of inputs, when it has one (the reference exchange does). */
  txn?: number;
  /** Scheduler time when the client received it (virtual in-process, wall clock over ws). */
  time: number;
  event: E;
}

/**
 * The outcome of one request. `info` is Jepsen's indeterminate operation: the request may or
 * may not have taken effect (timeout, lost connection). It is data, never an exception.
 */
export type Reply<R = unknown> =
  | { status: 'ok'; result: R; txn?: number }
  | { status: 'fail'; code: string; message: string; txn?: number; retryAfterMs?: number }
  | { status: 'info'; reason: string };

/**
 * A connection to the system under test. `events$` is hot: it emits every event the client
 * receives, including session events the client itself makes (connected, resynced). `send`
 * returns a cold-looking Observable that emits one Reply and completes; transport failures
 * become `info` replies, never errors.
 */
export interface Client<A, E = unknown, R = unknown> {
  readonly name: string;
  readonly events$: Observable<ClientEvent<E>>;
  send(action: A, step: number): Observable<Reply<R>>;
  /**
   * False while the client is still recovering (reconnecting, catching up, retrying): the run
   * does not end on a client that has not healed yet. Absent means always settled.
   */
  settled?(): boolean;
  /**
   * The end-of-run barrier, once the faults have healed and the run went quiet: the client
   * confirms with the system that it has seen everything (and catches up if not), as Jepsen
   * does a final read after healing the network. Emits once when done.
   */
  sync?(): Observable<void>;
  close(): void;
}
