import type { SelectionStrategy } from './feeds-config.ts';

/** Why an upstream was left out of a choice. */
export type Ineligibility = 'disconnected' | 'breaker_open' | 'breaker_half_open' | 'lagging' | 'tried';

/**
 * One choice of upstream the proxy made, for a plain call or a (re)subscription, as
 * `shakedown_routing` and the snapshot report it: enough for an invariant to recompute the
 * strategy's answer from the same candidates.
 */
export interface RoutingDecision {
  /** Scheduler ms. */
  at: number;
  /** What was routed: a client method, or `subscribe` for a feed placed or moved, or `backfill`. */
  purpose: 'call' | 'subscribe' | 'backfill';
  method: string;
  strategy: SelectionStrategy;
  /** Upstreams eligible at that moment, in priority order. */
  eligible: string[];
  /** Upstreams left out, and why. */
  excluded: { upstream: string; why: Ineligibility }[];
  /** fastest: each eligible upstream's mean latency (ms) for this method at that moment; absent: never measured. */
  meanLatencyMs?: Record<string, number>;
  /** round-robin: the rotation's position before this choice. */
  cursor?: number;
  /** The chosen upstream; absent when none was eligible. */
  chosen?: string;
  /** Attempt number for this call (1 = first choice, 2 = retry after a failure, ...). */
  attempt: number;
}
