import type { RateLimitConfig } from '../../domains/trading/protocol/exchange-config.ts';

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * A token bucket for one connection. It holds up to `burst` tokens (at least one), refills at
 * `perSecond` tokens a second and each request takes one. Time is passed in, so it is pure
 * and testable; a clock that steps backwards refills nothing. A `perSecond` that is not a
 * positive finite number turns the limit off.
 */
export class RateLimiter {
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly unlimited: boolean;
  private tokens: number;
  private last: number | undefined;

  constructor(config: RateLimitConfig) {
    this.unlimited = !(Number.isFinite(config.perSecond) && config.perSecond > 0);
    this.capacity = Math.max(1, Number.isFinite(config.burst) ? config.burst : 1);
    this.perMs = this.unlimited ? 0 : config.perSecond / 1000;
    this.tokens = this.capacity;
  }

  take(nowMs: number): TakeResult {
    if (this.unlimited) return { ok: true };
    if (this.last !== undefined && nowMs > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (nowMs - this.last) * this.perMs);
    }
    if (this.last === undefined || nowMs > this.last) this.last = nowMs;
    // The epsilon absorbs float error in the refill, so retrying after retryAfterMs passes.
    if (this.tokens >= 1 - 1e-9) {
      this.tokens = Math.max(0, this.tokens - 1);
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.max(1, Math.ceil((1 - this.tokens) / this.perMs)) };
  }
}
