import { describe, expect, it } from 'vitest';
import { defaultExchangeConfig } from '../../src/domains/trading/protocol/exchange-config.ts';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'retries.execute-once';

/**
 * maker's place is answered 503 although it took effect (error_5xx after the effect), and the
 * client sends it again, with its own client order id or, like the client bug
 * retry_fresh_client_order_id, a new one made from it.
 */
function placeRetried(clientOrderId?: string) {
  const s = new Scenario();
  s.fault('maker', { type: 'response', effect: 'error_5xx', nth: 1, count: 1, afterEffect: true });
  s.place('maker', 'm1', 'sell', 20000, 0.01);
  s.retry(1, { reason: 'unavailable', afterMs: 20, ...(clientOrderId ? { clientOrderId } : {}) });
  s.place('taker', 't1', 'buy', 20000, 0.02);
  return s.evidence();
}

describe(NAME, () => {
  it('passes a clean run, and retries the venue recognises as repeats', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
    const evidence = placeRetried();
    expect(evidence.history[1].reply).toMatchObject({ status: 'fail', code: 'duplicate_client_order_id' });
    expect(check(NAME, evidence)).toEqual([]);
    // A 429 is not executed: the retry is the only execution.
    const s = new Scenario();
    s.fault('maker', { type: 'response', effect: 'reject_429', nth: 1, count: 1, retryAfterMs: 50 });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.retry(1, { reason: 'rate_limited', afterMs: 50, retryAfterMs: 50 });
    expect(check(NAME, s.evidence())).toEqual([]);
  });

  it('catches retry_fresh_client_order_id: the retry under a new id executes a second time', () => {
    const violations = check(NAME, placeRetried('m1-r2'));
    expect(violations.map((v) => v.message)).toEqual([
      'step 1 was retried 1 times and executed 2 times (place m1 by maker): O1 (m1) at txn 1, O2 (m1-r2) at txn 2',
    ]);
    expect(violations[0].steps).toEqual([1]);
  });

  it('does not count a later step that places the same id again', () => {
    // The venue forgets finished orders at once, so the id is free again.
    const s = new Scenario({ config: { ...defaultExchangeConfig(), retainFinishedOrders: 0 } });
    s.fault('maker', { type: 'response', effect: 'error_5xx', nth: 1, count: 1 });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.retry(1, { reason: 'unavailable', afterMs: 20 });
    s.place('taker', 't1', 'buy', 20000, 0.01);
    expect(s.place('maker', 'm1', 'sell', 20000, 0.01)).toMatchObject({ status: 'ok' });
    expect(check(NAME, s.evidence())).toEqual([]);
  });

  it('does not count a retry that reaches the venue after a reset as a second execution', () => {
    // The reset forgets every client order id: by the venue's rules the retry is a new order.
    const s = new Scenario();
    s.fault('maker', { type: 'response', effect: 'error_5xx', nth: 1, count: 1, afterEffect: true });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    expect(s.reset()).toMatchObject({ status: 'ok' });
    expect(s.retry(1, { reason: 'unavailable', afterMs: 20 })).toMatchObject({ status: 'ok' });
    expect(check(NAME, s.evidence())).toEqual([]);
    // Without the reset the venue refuses the repeat, and a fresh id executing twice is caught.
    expect(check(NAME, placeRetried('m1-r2'))).toHaveLength(1);
  });

  it('catches a retried replace that takes effect twice', () => {
    const s = new Scenario();
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.fault('maker', { type: 'frame', effect: 'drop', direction: 'from_target', count: 1 }, 'response');
    s.replace('maker', 'm1', { price: 20010 });
    s.retry(2, { reason: 'no_reply', afterMs: 20 });
    const evidence = s.evidence();
    // A clean venue refuses the repeat (nothing to change); a broken one applies it again.
    expect(evidence.history[2].reply).toMatchObject({ status: 'fail', code: 'replace_no_change' });
    expect(check(NAME, evidence)).toEqual([]);
    const i = evidence.events.findIndex((r) => r.client === 'admin' && r.event.type === 'order_replaced');
    const again = {
      ...structuredClone(evidence.events[i]),
      gseq: 1000,
      txn: 99,
      time: evidence.events[i].time + 20,
    };
    // A new array: invariants share per-run work keyed on the events array.
    evidence.events = [...evidence.events, again];
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'step 2 was retried 1 times and executed 2 times (replace of m1 by maker): order_replaced of O1 at txn 2, order_replaced of O1 at txn 99',
    ]);
  });
});
