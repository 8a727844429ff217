import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'client.backoff';

/** A 429 on maker's place, then the retry after `afterMs`; then maker's link is cut and it redials. */
function struggle(afterMs: number, backoffsMs: number[]) {
  const s = new Scenario();
  s.fault('maker', { type: 'response', effect: 'reject_429', nth: 1, count: 1, retryAfterMs: 100 });
  s.place('maker', 'm1', 'sell', 20000, 0.01);
  s.retry(1, { reason: 'rate_limited', afterMs, retryAfterMs: 100 });
  s.fault('maker', { type: 'connection', effect: 'close', downMs: 50 });
  s.redial('maker', backoffsMs);
  return s.evidence();
}

describe(NAME, () => {
  it('passes a clean run, and a client that waits and backs off', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
    // Equal jitter: attempt k waits between half and all of 20·2^(k-1) ms.
    expect(check(NAME, struggle(100, [0, 15, 30, 60, 120]))).toEqual([]);
    expect(check(NAME, struggle(130, [12]))).toEqual([]);
  });

  it('catches ignore_retry_after: a retry at once after a 429', () => {
    const violations = check(NAME, struggle(0, [10]));
    expect(violations.map((v) => v.message)).toEqual([
      "maker retried step 1 after 0 ms although the venue's 429 asked it to wait 100 ms",
    ]);
    expect(violations[0].steps).toEqual([1]);
  });

  it('catches no_backoff: redials at once, again and again', () => {
    const messages = check(NAME, struggle(100, [0, 0, 0, 0])).map((v) => v.message);
    expect(messages).toEqual([
      'maker redialed after 0 ms at reconnect attempt 2: every redial after the first must back off at least 10 ms',
      'maker redialed after 0 ms at reconnect attempt 3: every redial after the first must back off at least 10 ms',
      'maker redialed after 0 ms at reconnect attempt 4: every redial after the first must back off at least 10 ms',
      'maker dialed 4 times within 100 ms (at 1103, 1103, 1103, 1103): at most 3',
    ]);
  });

  it('wants the waits to grow within an outage, and starts each outage afresh', () => {
    const flat = new Scenario();
    flat.redial('maker', [10, 10, 10, 10]);
    expect(check(NAME, flat.evidence()).map((v) => v.message)).toEqual([
      'maker dialed 4 times within 100 ms (at 1010, 1020, 1030, 1040): at most 3',
    ]);
    // A venue that drops each new connection at once: one quick dial per outage is fine.
    const cut = new Scenario();
    for (let i = 0; i < 4; i++) cut.redial('maker', [10]);
    expect(check(NAME, cut.evidence())).toEqual([]);
  });
});
