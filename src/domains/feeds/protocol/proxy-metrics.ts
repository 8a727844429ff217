/**
 * The proxy's own telemetry, as `shakedown_metrics` returns it: what the proxy measured, to be
 * checked against what the clients measured. Latencies are scheduler ms.
 */

/** Upper bounds (ms, inclusive) of the latency histogram's buckets; the last bucket is open. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000] as const;

export interface LatencyHistogram {
  /** counts[i]: samples <= LATENCY_BUCKETS_MS[i] (and above the bucket before); the extra last entry counts the rest. */
  counts: number[];
  count: number;
  sumMs: number;
  maxMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
}

export interface CallCounters {
  /** Calls started (a client request for a method; a call sent to an upstream). */
  requests: number;
  /** Of those, answered with a JSON-RPC error (or, for upstreams, failed: error, timeout, connection lost). */
  errors: number;
  /** Of those, timed out (upstreams only; 0 for methods). */
  timeouts: number;
  latency: LatencyHistogram;
}

export interface ProxyMetrics {
  /** Per public method (and `shakedown_*` admin methods are left out): client requests the proxy answered. */
  methods: Record<string, CallCounters>;
  /** Per upstream name: calls the proxy sent it (client calls, backfill, probes, subscriptions). */
  upstreams: Record<string, CallCounters>;
  /** Subscription notifications sent to clients, by kind. */
  notifications: { newHeads: number; logs: number };
  /** Failovers of subscription feeds started, and those completed. */
  failovers: { started: number; completed: number };
}

/** An empty histogram. */
export function emptyHistogram(): LatencyHistogram {
  return {
    counts: new Array(LATENCY_BUCKETS_MS.length + 1).fill(0),
    count: 0,
    sumMs: 0,
    maxMs: 0,
    p50Ms: 0,
    p90Ms: 0,
    p99Ms: 0,
  };
}
