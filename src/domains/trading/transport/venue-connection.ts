import type { Observable } from 'rxjs';
import type { ClientRequest, ServerMessage } from '../protocol/protocol-messages.ts';

/**
 * One connection to a venue that speaks the reference protocol (docs/protocol.md), whatever
 * carries it: a virtual in-process link on a VirtualTimeScheduler, or a real WebSocket. The
 * trading client is written once against this and runs unchanged on either.
 */
export interface VenueConnection {
  /** Every message the venue sends, in arrival order; completes when the connection closes. */
  readonly messages$: Observable<ServerMessage>;
  send(request: ClientRequest): void;
  /** Closes this side; messages$ completes. */
  close(): void;
  /**
   * Hands the messages to plain callbacks, with no Subscriber around them (the in-process link);
   * behaves as subscribing to messages$ does and returns the unsubscribe. Optional: the trading
   * client uses it when it is there.
   */
  listen?(onMessage: (message: ServerMessage) => void, onClose: () => void): () => void;
}

/**
 * Opens connections to one venue for the named client; emits one connection per subscription,
 * or errors if it cannot. The name lets a chaotic link tell clients apart; most dialers ignore it.
 */
export type VenueDialer = (client?: string) => Observable<VenueConnection>;
