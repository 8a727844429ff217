import { ShakedownError } from '../../../core/shakedown-error.ts';

/** How the proxy picks the upstream for a plain call (and for a (re)subscription). */
export const SELECTION_STRATEGIES = ['fastest', 'round-robin', 'priority'] as const;
export type SelectionStrategy = (typeof SELECTION_STRATEGIES)[number];

/**
 * The reference proxy and its simulated upstreams. All times are scheduler milliseconds
 * (virtual in-process, wall-clock over sockets).
 */
export interface FeedsConfig {
  /** Simulated upstream providers, named `u0`, `u1`, ... in priority order. */
  upstreams: number;
  /** The network mints a block every this many ms. */
  headIntervalMs: number;
  /** Blocks the chain already has when the system starts (history for getBlockByNumber). */
  initialBlocks: number;
  /** The deepest reorg the upstreams may make and the proxy looks back to find a fork point. */
  maxReorgDepth: number;
  /** Each upstream's one-way latency to the proxy, ms; shorter than `upstreams`: the last repeats. */
  upstreamLatencyMs: number[];
  strategy: SelectionStrategy;
  /** Consecutive failures that open an upstream's breaker. */
  breakerFailureThreshold: number;
  /** How long an open breaker waits before it half-opens and lets one probe through. */
  breakerRecoveryMs: number;
  /**
   * An upstream whose head is more than this many blocks behind the best one is lagging. At
   * least 1: heads reach the proxy from each upstream after its own latency, so upstreams in
   * step are a block apart for a moment at every block.
   */
  lagThresholdBlocks: number;
  /** An upstream call with no answer after this long fails (and is retried elsewhere). */
  requestTimeoutMs: number;
  /** How long the proxy waits before dialing a lost upstream again (while its breaker is closed). */
  reconnectDelayMs: number;
  /** A subscription whose upstream failed must be serving again from another within this. */
  failoverSloMs: number;
  /** Logs per block: 0 to this many, drawn from the seed. */
  maxLogsPerBlock: number;
  /** Seeds the chain: block hashes and logs are a function of it. */
  chainSeed: number;
}

export function defaultFeedsConfig(): FeedsConfig {
  return {
    upstreams: 3,
    headIntervalMs: 100,
    initialBlocks: 16,
    maxReorgDepth: 6,
    upstreamLatencyMs: [2, 4, 6],
    strategy: 'fastest',
    breakerFailureThreshold: 3,
    breakerRecoveryMs: 500,
    lagThresholdBlocks: 3,
    requestTimeoutMs: 250,
    reconnectDelayMs: 50,
    failoverSloMs: 1_000,
    maxLogsPerBlock: 3,
    chainSeed: 1,
  };
}

/** The default config with the given fields replaced, checked. */
export function feedsConfigWith(overrides: Partial<FeedsConfig>): FeedsConfig {
  return validateFeedsConfig({ ...defaultFeedsConfig(), ...overrides });
}

/** Throws SHK_FEEDS_CONFIG naming the first field that is out of range. */
export function validateFeedsConfig(config: FeedsConfig): FeedsConfig {
  const fail = (field: string, rule: string): never => {
    throw new ShakedownError('SHK_FEEDS_CONFIG', `feeds config: ${field} ${rule}`, {
      context: { field, value: (config as unknown as Record<string, unknown>)[field] },
    });
  };
  const integer = (field: keyof FeedsConfig, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      fail(field, `must be an integer from ${min} to ${max}`);
  };
  integer('upstreams', 1, 16);
  integer('headIntervalMs', 1);
  integer('initialBlocks', 1, 1_000_000);
  integer('maxReorgDepth', 0, 64);
  integer('breakerFailureThreshold', 1, 1_000);
  integer('breakerRecoveryMs', 0);
  integer('lagThresholdBlocks', 1, 1_000);
  integer('requestTimeoutMs', 1);
  integer('reconnectDelayMs', 0);
  integer('failoverSloMs', 0);
  integer('maxLogsPerBlock', 0, 16);
  integer('chainSeed', 0);
  if (!(SELECTION_STRATEGIES as readonly string[]).includes(config.strategy))
    fail('strategy', `must be one of ${SELECTION_STRATEGIES.join(', ')}`);
  const latencies = config.upstreamLatencyMs;
  if (
    !Array.isArray(latencies) ||
    latencies.length === 0 ||
    latencies.some((ms) => !Number.isInteger(ms) || ms < 0)
  )
    fail('upstreamLatencyMs', 'must be a non-empty list of integers >= 0');
  return config;
}

/** Upstream i's name. */
export function upstreamName(index: number): string {
  return `u${index}`;
}

/** Upstream i's one-way latency under this config. */
export function upstreamLatency(config: FeedsConfig, index: number): number {
  const list = config.upstreamLatencyMs;
  return list[Math.min(index, list.length - 1)];
}
