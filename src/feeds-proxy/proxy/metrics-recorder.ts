import {
  type CallCounters,
  emptyHistogram,
  LATENCY_BUCKETS_MS,
  type ProxyMetrics,
} from '../../domains/feeds/protocol/proxy-metrics.ts';

/** Keeps at most this many latency samples per counter for the percentiles (the histogram counts all). */
const MAX_SAMPLES = 100_000;

interface Counter {
  requests: number;
  errors: number;
  timeouts: number;
  counts: number[];
  sumMs: number;
  maxMs: number;
  samples: number[];
}

function newCounter(): Counter {
  return {
    requests: 0,
    errors: 0,
    timeouts: 0,
    counts: emptyHistogram().counts,
    sumMs: 0,
    maxMs: 0,
    samples: [],
  };
}

/**
 * The proxy's own telemetry: request, error and timeout counts and latency histograms per
 * public method and per upstream, notifications sent and failovers. The answer to
 * `shakedown_metrics`.
 */
export class MetricsRecorder {
  private readonly methods = new Map<string, Counter>();
  private readonly upstreams = new Map<string, Counter>();
  private readonly notifications = { newHeads: 0, logs: 0 };
  private readonly failovers = { started: 0, completed: 0 };

  constructor(upstreamNames: readonly string[]) {
    for (const name of upstreamNames) this.upstreams.set(name, newCounter());
  }

  methodStarted(method: string): void {
    this.counter(this.methods, method).requests++;
  }

  /** A client request answered: `error` when the answer was a JSON-RPC error. */
  methodAnswered(method: string, latencyMs: number, error: boolean, countErrors = true): void {
    const counter = this.counter(this.methods, method);
    if (error && countErrors) counter.errors++;
    sample(counter, latencyMs);
  }

  upstreamStarted(upstream: string): void {
    this.counter(this.upstreams, upstream).requests++;
  }

  upstreamAnswered(
    upstream: string,
    latencyMs: number,
    outcome: 'ok' | 'error' | 'timeout' | 'connection',
  ): void {
    const counter = this.counter(this.upstreams, upstream);
    if (outcome !== 'ok') counter.errors++;
    if (outcome === 'timeout') counter.timeouts++;
    if (outcome === 'ok' || outcome === 'error') sample(counter, latencyMs);
  }

  notified(kind: 'newHeads' | 'logs'): void {
    this.notifications[kind]++;
  }

  failoverStarted(): void {
    this.failovers.started++;
  }

  failoverCompleted(): void {
    this.failovers.completed++;
  }

  snapshot(): ProxyMetrics {
    return {
      methods: Object.fromEntries([...this.methods].map(([name, c]) => [name, report(c)])),
      upstreams: Object.fromEntries([...this.upstreams].map(([name, c]) => [name, report(c)])),
      notifications: { ...this.notifications },
      failovers: { ...this.failovers },
    };
  }

  private counter(map: Map<string, Counter>, key: string): Counter {
    let counter = map.get(key);
    if (counter === undefined) {
      counter = newCounter();
      map.set(key, counter);
    }
    return counter;
  }
}

function sample(counter: Counter, latencyMs: number): void {
  const ms = Math.max(0, latencyMs);
  let bucket = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
  if (bucket < 0) bucket = LATENCY_BUCKETS_MS.length;
  counter.counts[bucket]++;
  counter.sumMs += ms;
  counter.maxMs = Math.max(counter.maxMs, ms);
  if (counter.samples.length < MAX_SAMPLES) counter.samples.push(ms);
}

/** Nearest-rank percentile of the kept samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

function report(counter: Counter): CallCounters {
  const sorted = [...counter.samples].sort((a, b) => a - b);
  const count = counter.counts.reduce((sum, n) => sum + n, 0);
  return {
    requests: counter.requests,
    errors: counter.errors,
    timeouts: counter.timeouts,
    latency: {
      counts: [...counter.counts],
      count,
      sumMs: counter.sumMs,
      maxMs: counter.maxMs,
      p50Ms: percentile(sorted, 0.5),
      p90Ms: percentile(sorted, 0.9),
      p99Ms: percentile(sorted, 0.99),
    },
  };
}
