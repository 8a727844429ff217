import type { BreakerTransition } from './breaker-state.ts';
import type { Head, Log } from './chain-types.ts';
import type { FeedsBugName } from './feeds-bugs.ts';
import type { FeedsConfig } from './feeds-config.ts';
import type { ProxyMetrics } from './proxy-metrics.ts';
import type { RoutingDecision } from './routing-decision.ts';

/**
 * The whole system's truth at one moment, as the reference host knows it: what the invariants
 * compare the clients' streams with. Numbers are plain numbers here (not hex); heads and logs
 * are exactly as they went on the wire. Times are scheduler ms.
 */
export interface FeedsSnapshot {
  at: number;
  config: FeedsConfig;
  bugs: FeedsBugName[];
  /** The network's chain (what every upstream converges to) and its reorgs. */
  network: ChainTruth;
  upstreams: UpstreamTruth[];
  proxy: ProxyTruth;
}

/** A block as the simulation made it: its head and its logs (removed: false). */
export interface BlockTruth {
  number: number;
  head: Head;
  logs: Log[];
  /** When it was made (scheduler ms). */
  mintedAt: number;
}

export interface ReorgRecord {
  at: number;
  /** Highest block kept. */
  forkPoint: number;
  /** Blocks replaced. */
  depth: number;
  oldTip: { number: number; hash: string };
  newTip: { number: number; hash: string };
  /** What made it: a network reorg, a private fork, or the upstream abandoning its fork. */
  cause: 'network' | 'fork' | 'rejoin';
}

export interface ChainTruth {
  /** The canonical chain, block 0 up, as it is now. */
  canonical: BlockTruth[];
  /** Blocks that were canonical once and left the chain in a reorg. */
  orphaned: BlockTruth[];
  reorgs: ReorgRecord[];
}

/** What one upstream was asked and what it answered. */
export interface UpstreamCallRecord {
  /** The proxy's id for the call on that upstream connection. */
  id: number;
  method: string;
  params: unknown;
  receivedAt: number;
  /** Absent: the upstream never answered (it died, or the call was dropped). */
  answeredAt?: number;
  outcome?: 'result' | 'error';
  /** eth_blockNumber / getBlockByNumber / eth_getLogs: a summary of the answer (block number, hash, log count). */
  summary?: string;
}

export interface UpstreamLifeEvent {
  at: number;
  event: 'killed' | 'restarted' | 'lag' | 'fail_armed' | 'forked' | 'paused' | 'resumed' | 'disconnected';
  detail?: string;
}

/** An upstream's state, as `shakedown_upstreams` reports it. */
export interface UpstreamStatus {
  name: string;
  index: number;
  alive: boolean;
  headNumber: number;
  headHash: string;
  lagBlocks: number;
  lagMs: number;
  /** Calls still to be answered with an error. */
  failNext: number;
  latencyMs: number;
  connections: number;
  subscriptions: number;
}

export interface UpstreamTruth extends ChainTruth {
  status: UpstreamStatus;
  /** Every call it received, oldest first. */
  calls: UpstreamCallRecord[];
  /** Subscription notifications it sent. */
  notificationsSent: number;
  life: UpstreamLifeEvent[];
}

/** A subscription feed moved from one upstream to another (or the same, after a gap or reorg). */
export interface FailoverRecord {
  /** The proxy's subscription ids the feed serves. */
  subscriptions: string[];
  kind: 'newHeads' | 'logs';
  from?: string;
  to?: string;
  reason: 'connection_lost' | 'breaker_open' | 'lagging' | 'upstream_error' | 'resync';
  startedAt: number;
  /** When it was serving again: absent while it waits for a healthy upstream. */
  completedAt?: number;
  /** When the feed ended before the failover completed (its last subscriber left, or the proxy died). */
  abandonedAt?: number;
  /** Block numbers filled in from the new upstream. */
  backfilled: number[];
  /** Fork point found, when the new upstream was on another branch. */
  forkPoint?: number;
  /** Heads or logs left out as already delivered. */
  suppressed: number;
}

/** A subscription as the proxy holds it. */
export interface ProxySubscriptionTruth {
  id: string;
  client: string;
  kind: 'newHeads' | 'logs';
  filter?: unknown;
  createdAt: number;
  /** Gone by unsubscribe, by the client's disconnect, or lost (a planted bug, or a proxy crash). */
  endedAt?: number;
  endReason?: 'unsubscribed' | 'disconnected' | 'lost' | 'proxy_crash';
  /** The upstream now serving it; absent while none is. */
  upstream?: string;
}

export interface ProxyTruth {
  /** Proxy process crashes and restarts (in-process host only). */
  crashes: { at: number; restartedAt?: number }[];
  breakerTransitions: BreakerTransition[];
  routing: RoutingDecision[];
  failovers: FailoverRecord[];
  subscriptions: ProxySubscriptionTruth[];
  metrics: ProxyMetrics;
  /** Client connections opened so far, by client name. */
  clients: string[];
}
