import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'orders.lifecycle';

/** maker's m1 rests, is partly filled, then cancelled. */
function cancelledAfterFill() {
  const s = new Scenario();
  s.place('maker', 'm1', 'sell', 20000, 0.02);
  s.place('taker', 't1', 'buy', 20000, 0.01);
  s.cancel('maker', 'm1');
  return s.evidence();
}

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
    expect(check(NAME, cancelledAfterFill())).toEqual([]);
  });

  it('catches a fill after the order was cancelled (no planted bug: the record is corrupted)', () => {
    const evidence = cancelledAfterFill();
    const fill = evidence.events.find(
      (r) => r.client === 'admin' && r.event.type === 'fill' && r.event.orderId === 'O1',
    )!;
    const last = evidence.events.at(-1)!;
    evidence.events.push({ ...structuredClone(fill), gseq: last.gseq + 1, txn: 99, seq: 99 });
    const violations = check(NAME, evidence);
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toBe(
      'order O1 (maker, m1): fill T1 at txn 99 after it ended with order_cancelled at txn 3',
    );
  });

  it('catches a fill after an acknowledged cancel even when the cancel event is missing', () => {
    const evidence = cancelledAfterFill();
    const cancelled = evidence.events.findIndex(
      (r) => r.client === 'admin' && r.event.type === 'order_cancelled',
    );
    const fill = evidence.events.find(
      (r) => r.client === 'admin' && r.event.type === 'fill' && r.event.orderId === 'O1',
    )!;
    evidence.events.splice(cancelled, 1);
    evidence.events.push({ ...structuredClone(fill), gseq: 1000, txn: 99, seq: 99 });
    const [v] = check(NAME, evidence);
    expect(v.message).toBe(
      'order O1 (maker, m1): fill T1 at txn 99 after its cancel was acknowledged (step 2, txn 3)',
    );
    expect(v.steps).toContain(2);
  });

  it('catches an event before the order was accepted', () => {
    const evidence = cancelledAfterFill();
    const accepted = evidence.events.findIndex(
      (r) => r.client === 'admin' && r.event.type === 'order_accepted',
    );
    evidence.events.splice(accepted, 1);
    const messages = check(NAME, evidence).map((v) => v.message);
    expect(messages).toContain('order O1 (maker, m1): fill T1 at txn 2 before any order_accepted');
  });
});
