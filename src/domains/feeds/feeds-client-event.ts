import type { Head, Log } from './protocol/chain-types.ts';

/**
 * What a feeds client records, one event per thing it received or did on its own. Every
 * notification is recorded on the stream of its subscription (`sub:<id>`), numbered there from 1;
 * the client's own session events go on `session:<client>`.
 */
export type FeedsClientEvent =
  /** A newHeads push for subscription `subscription`, made by the subscribe at `step`. */
  | { type: 'head'; subscription: string; step: number; head: Head }
  /** A logs push. */
  | { type: 'log'; subscription: string; step: number; log: Log }
  /** A push for a subscription id this client does not hold on this connection. */
  | { type: 'foreign_notification'; subscription: string; result: unknown }
  /** A response whose id names no request of this client, or one already answered. */
  | { type: 'stray_response'; id: unknown; response: unknown }
  /** A frame the client cannot read as JSON-RPC. */
  | { type: 'bad_frame'; reason: string }
  | { type: 'connected'; connection: number }
  /** `requested`: the client closed it; `lost`: the link died or went silent. */
  | { type: 'disconnected'; connection: number; reason: 'lost' | 'silent' }
  /**
   * A request the client made for itself (a heartbeat ping, a resubscribe, the final reads):
   * not an operation of the run, but the proxy counts it, so its metrics can be checked.
   */
  | { type: 'internal_call'; method: string; outcome: 'ok' | 'fail' | 'info'; latencyMs: number }
  /** After a reconnect, the subscribe at `step` was made again and got a new id. */
  | { type: 'resubscribed'; step: number; previous?: string; subscription?: string };

export type FeedsEventType = FeedsClientEvent['type'];
export const FEEDS_EVENT_TYPES: readonly FeedsEventType[] = [
  'head',
  'log',
  'foreign_notification',
  'stray_response',
  'bad_frame',
  'connected',
  'disconnected',
  'internal_call',
  'resubscribed',
];

export function subscriptionStream(id: string): string {
  return `sub:${id}`;
}

export function sessionStream(client: string): string {
  return `session:${client}`;
}
