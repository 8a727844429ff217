import type { Observable } from 'rxjs';

/**
 * One connection to a proxy that speaks the feeds protocol (JSON-RPC 2.0 text frames), whatever
 * carries it: a virtual in-process link or a real WebSocket. The feeds client is written once
 * against it.
 */
export interface FeedsConnection {
  /** Every frame the proxy sends, in arrival order; completes when the connection closes. */
  readonly frames$: Observable<string>;
  send(frame: string): void;
  close(): void;
}

/** Opens one connection for the named client; emits it once, or errors when it cannot. */
export type FeedsConnectionDialer = (client: string) => Observable<FeedsConnection>;
