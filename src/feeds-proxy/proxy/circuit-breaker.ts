import type {
  BreakerReport,
  BreakerState,
  BreakerTransition,
} from '../../domains/feeds/protocol/breaker-state.ts';
import type { Timers } from './timers.ts';

export interface CircuitBreakerOptions {
  upstream: string;
  failureThreshold: number;
  recoveryMs: number;
  timers: Timers;
  /** Planted bug: an open breaker never half-opens. */
  neverHalfOpens?: boolean;
  /** Planted bug: an open breaker half-opens at once, not after recoveryMs. */
  ignoresRecoveryTimeout?: boolean;
  /** Planted bug: the breaker opens one failure before the threshold (never below one). */
  opensEarly?: boolean;
  onTransition(transition: BreakerTransition): void;
  /** The breaker half-opened: send the one probe, then report it with probeResult. */
  onHalfOpen(): void;
}

/**
 * One upstream's circuit breaker. Closed: calls flow and consecutive failures are counted; at
 * the threshold it opens. Open: nothing goes to the upstream; after the recovery timeout it
 * half-opens. Half-open: exactly one probe goes; its success closes the breaker, its failure
 * opens it again for another recovery timeout. Outcomes of calls that were sent before it
 * opened and come back while it is open or half-open move nothing.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt: number | undefined;
  private readonly transitions: BreakerTransition[] = [];
  private cancelRecovery: (() => void) | undefined;

  constructor(private readonly options: CircuitBreakerOptions) {}

  get state(): BreakerState {
    return this.current;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** A call (not the probe) succeeded. */
  success(): void {
    if (this.current === 'closed') this.failures = 0;
  }

  /** A call (not the probe) failed. */
  failure(): void {
    if (this.current !== 'closed') return;
    this.failures++;
    const threshold = this.options.opensEarly
      ? Math.max(1, this.options.failureThreshold - 1)
      : this.options.failureThreshold;
    if (this.failures >= threshold) this.open('failures');
  }

  /** The half-open probe's outcome. */
  probeResult(ok: boolean): void {
    if (this.current !== 'half_open') return;
    if (ok) {
      this.failures = 0;
      this.move('closed', 'probe_ok');
    } else {
      this.failures++;
      this.open('probe_failed');
    }
  }

  report(): BreakerReport {
    return {
      upstream: this.options.upstream,
      state: this.current,
      consecutiveFailures: this.failures,
      ...(this.openedAt !== undefined ? { openedAt: this.openedAt } : {}),
      transitions: this.transitions.map((t) => ({ ...t })),
    };
  }

  stop(): void {
    this.cancelRecovery?.();
  }

  private open(reason: 'failures' | 'probe_failed'): void {
    this.move('open', reason);
    this.openedAt = this.options.timers.now();
    this.cancelRecovery?.();
    this.cancelRecovery = undefined;
    if (this.options.neverHalfOpens) return;
    const wait = this.options.ignoresRecoveryTimeout ? 0 : this.options.recoveryMs;
    this.cancelRecovery = this.options.timers.after(wait, () => {
      this.cancelRecovery = undefined;
      if (this.current !== 'open') return;
      this.move('half_open', 'recovery_timeout');
      this.options.onHalfOpen();
    });
  }

  private move(to: BreakerState, reason: BreakerTransition['reason']): void {
    const transition: BreakerTransition = {
      upstream: this.options.upstream,
      from: this.current,
      to,
      at: this.options.timers.now(),
      reason,
      failures: this.failures,
    };
    this.current = to;
    this.transitions.push(transition);
    this.options.onTransition(transition);
  }
}
