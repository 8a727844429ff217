import type { Observable, SchedulerLike } from 'rxjs';
import type { FrameDirection } from '../../core/faults/fault.ts';
import type { FeedsBugName } from '../../domains/feeds/protocol/feeds-bugs.ts';
import type { FeedsConfig } from '../../domains/feeds/protocol/feeds-config.ts';

/**
 * The proxy's side of one client connection: the in-process host hands frames to it as
 * strings (what a socket would carry) and gets the proxy's frames back through the callback
 * given to FeedsHost.connect.
 */
export interface ProxySession {
  /** The client that opened it (FeedsHost.connect's name). */
  readonly client: string;
  /** One frame from the client: a JSON-RPC request as text. */
  receive(frame: string): void;
  /** The client went away: its subscriptions end, its pending calls are forgotten. */
  close(): void;
  readonly open: boolean;
}

/** A client's end of a connection to the proxy, without any chaos in between. */
export interface FeedsClientConnection {
  /** Frames from the proxy; completes when the connection closes (either side). */
  readonly frames$: Observable<string>;
  send(frame: string): void;
  close(): void;
}

/**
 * Dials the in-process proxy as `client`: emits one connection (after one scheduler tick) and
 * completes, or errors while the proxy process is down.
 */
export type FeedsDialer = (client: string) => Observable<FeedsClientConnection>;

/**
 * Puts something (a LinkChaos, say) on the link between the proxy and one upstream. The host
 * calls it once per upstream connection with `deliver`, which carries a frame on, and `cut`,
 * which ends that connection as a lost one (both sides notice one latency later); it returns
 * `pass`, which the host calls with every frame instead. `to_target` is proxy → upstream.
 */
export type UpstreamLinkTap = (
  upstream: string,
  deliver: (direction: FrameDirection, frame: string) => void,
  cut: () => void,
) => (direction: FrameDirection, frame: string) => void;

export interface FeedsHostOptions {
  config: FeedsConfig;
  bugs?: readonly FeedsBugName[];
  /** All time: block production, latencies, timeouts, breaker recovery. */
  scheduler: SchedulerLike;
  /**
   * Scheduler time at which the chain had `initialBlocks` blocks; the network mints one more
   * every headIntervalMs from then. Default: the scheduler's now at construction. A server
   * restarted with the same value picks the chain up at the same height with the same hashes.
   */
  genesisAt?: number;
  /** Optional taps on the proxy ↔ upstream links (faults aimed at one upstream). */
  upstreamTap?: UpstreamLinkTap;
}
