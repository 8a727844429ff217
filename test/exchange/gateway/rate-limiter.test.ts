import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/exchange/gateway/rate-limiter.ts';

describe('RateLimiter', () => {
  it('allows a burst, then refuses with a retry-after that is enough', () => {
    const limiter = new RateLimiter({ perSecond: 10, burst: 3 });
    expect([0, 0, 0].map((t) => limiter.take(t).ok)).toEqual([true, true, true]);
    const refused = limiter.take(0);
    expect(refused).toEqual({ ok: false, retryAfterMs: 100 });
    if (refused.ok) return;
    expect(limiter.take(refused.retryAfterMs - 1).ok).toBe(false);
    expect(limiter.take(refused.retryAfterMs).ok).toBe(true);
  });

  it('refills at the sustained rate and never beyond the burst', () => {
    const limiter = new RateLimiter({ perSecond: 1000, burst: 5 });
    let allowed = 0;
    for (let i = 0; i < 20; i++) if (limiter.take(0).ok) allowed++;
    expect(allowed).toBe(5);
    // After a long idle spell, only a burst's worth again.
    allowed = 0;
    for (let i = 0; i < 20; i++) if (limiter.take(60_000).ok) allowed++;
    expect(allowed).toBe(5);
    // Steady requests at the sustained rate all pass.
    for (let t = 60_001; t < 60_200; t++) expect(limiter.take(t).ok).toBe(true);
  });

  it('rounds retry-after up to whole milliseconds, at least 1', () => {
    const limiter = new RateLimiter({ perSecond: 3, burst: 1 });
    expect(limiter.take(0).ok).toBe(true);
    const refused = limiter.take(0);
    expect(refused).toEqual({ ok: false, retryAfterMs: 334 });
    const fast = new RateLimiter({ perSecond: 1_000_000, burst: 1 });
    fast.take(0);
    expect(fast.take(0)).toEqual({ ok: false, retryAfterMs: 1 });
  });

  it('does not refill when the clock steps back', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 });
    expect(limiter.take(10_000).ok).toBe(true);
    expect(limiter.take(5_000).ok).toBe(false);
    expect(limiter.take(10_500).ok).toBe(false);
    expect(limiter.take(11_000).ok).toBe(true);
  });

  it('a non-positive rate turns limiting off', () => {
    const limiter = new RateLimiter({ perSecond: 0, burst: 0 });
    for (let i = 0; i < 100; i++) expect(limiter.take(0).ok).toBe(true);
  });
});
