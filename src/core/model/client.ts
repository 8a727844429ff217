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
 * become `info` replies, never errors. `sendTo` and `listen` are optional direct forms of
 * `send` and `events$` for in-process clients; the run prefers them when they are there.
 */
export interface Client<A, E = unknown, R = unknown> {
  readonly name: string;
  readonly events$: Observable<ClientEvent<E>>;
  send(action: A, step: number): Observable<Reply<R>>;
  /**
   * Optional: send's work without an Observable around it, for clients that run in the same
   * process as the run (the in-process path). `onReply` gets the one Reply, exactly what send()
   * would have emitted and at the same moment (possibly before sendTo returns); the result
   * cancels the request as unsubscribing from send() would. A client that has it must behave
   * exactly as send() does: the run uses it whenever it is there.
   */
  sendTo?(action: A, step: number, onReply: (reply: Reply<R>) => void): () => void;
  /**
   * Optional: events$ without an Observable around it. `onEvent` gets every event the client
   * receives from now on, as a subscriber to events$ would, in the same order; the result stops it.
   */
  listen?(onEvent: (event: ClientEvent<E>) => void): () => void;
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
