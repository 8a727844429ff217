/**
 * A circuit breaker per upstream: closed (calls flow) → open after `breakerFailureThreshold`
 * consecutive failures (no call goes to it) → half-open once `breakerRecoveryMs` has passed
 * since it opened (exactly one probe goes) → closed if the probe succeeds, open again (a new
 * recovery timeout) if it fails.
 */
export const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

export interface BreakerTransition {
  upstream: string;
  from: BreakerState;
  to: BreakerState;
  /** Scheduler ms. */
  at: number;
  /** What moved it: `failures` (threshold reached), `recovery_timeout`, `probe_ok`, `probe_failed`, `proxy_restart`. */
  reason: 'failures' | 'recovery_timeout' | 'probe_ok' | 'probe_failed' | 'proxy_restart';
  /** Consecutive failures counted when it moved. */
  failures: number;
}

/** One upstream's breaker as `shakedown_breakers` reports it. */
export interface BreakerReport {
  upstream: string;
  state: BreakerState;
  consecutiveFailures: number;
  /** When it last opened (scheduler ms), if it ever did. */
  openedAt?: number;
  transitions: BreakerTransition[];
}
