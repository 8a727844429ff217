import type { ExchangeEvent } from '../../exchange/engine/exchange-event.ts';
import type { ResyncSnapshot } from '../../exchange/gateway/session.ts';

/**
 * Events the trading client makes itself about its connection, on its `session:<client>`
 * stream: the projection needs them (a resync replaces what the client knew) and invariants
 * use them (which events arrived after a reconnect).
 */
export type SessionEvent =
  | { type: 'session_connected'; account: string | null }
  | { type: 'session_disconnected' }
  /** After a resync: the snapshot and the last seq of each stream the client continues from. */
  | { type: 'session_resynced'; snapshot: ResyncSnapshot; seqs: Record<string, number> }
  /** After a resume: the streams and the seqs the client asked to continue from. */
  | { type: 'session_resumed'; from: Record<string, number> };

export type TradingClientEvent = ExchangeEvent | SessionEvent;

export const sessionStream = (client: string): string => `session:${client}`;
