import type { ExchangeEvent } from './protocol/exchange-event.ts';
import type { ResyncSnapshot } from './protocol/resync-snapshot.ts';

/**
 * Events the trading client makes itself about its connection, on its `session:<client>`
 * stream: the projection needs them (a resync replaces what the client knew) and invariants
 * use them (which events arrived after a reconnect).
 */
export type SessionEvent =
  | { type: 'session_connected'; account: string | null }
  /** `reason` says who cut it: `requested` (a reconnect action), or what the client saw. */
  | { type: 'session_disconnected'; reason?: string }
  /** After a resync: the snapshot and the last seq of each stream the client continues from. */
  | { type: 'session_resynced'; snapshot: ResyncSnapshot; seqs: Record<string, number> }
  /** After a resume: the streams and the seqs the client asked to continue from. */
  | { type: 'session_resumed'; from: Record<string, number> }
  /** The client will dial again after `backoffMs` (attempt 1 is the first after a cut). */
  | { type: 'session_reconnect_attempt'; attempt: number; backoffMs: number }
  /**
   * The client sends the request of `step` again after `afterMs`: `reason` is `rate_limited`
   * (after a 429, `retryAfterMs` is what the venue asked for), `unavailable` (a 5xx) or
   * `no_reply` (a timeout or a lost connection). A place is retried with its clientOrderId.
   */
  | {
      type: 'session_retry';
      step: number;
      attempt: number;
      reason: 'rate_limited' | 'unavailable' | 'no_reply';
      afterMs: number;
      retryAfterMs?: number;
      clientOrderId?: string;
    }
  /** A stream skipped seqs (a frame was lost): the client resyncs. */
  | { type: 'session_gap'; stream: string; expected: number; got: number }
  /** A frame from the venue that the client could not read; it is dropped. */
  | { type: 'session_bad_frame'; reason: string };

export type TradingClientEvent = ExchangeEvent | SessionEvent;

export const sessionStream = (client: string): string => `session:${client}`;
