import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'idempotency.client-order-id';

describe(NAME, () => {
  it('passes a clean run, where a repeated id is rejected', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
  });

  it('lets two accounts use the same client order id', () => {
    const s = new Scenario();
    s.place('maker', 'same', 'sell', 20000, 0.01);
    s.place('bystander', 'same', 'sell', 20000, 0.01);
    expect(check(NAME, s.evidence())).toEqual([]);
  });

  it('catches duplicate_client_order_id: a retried place executes twice', () => {
    const s = new Scenario({ bugs: ['duplicate_client_order_id'] });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('taker', 't1', 'buy', 20000, 0.02);
    const violations = check(NAME, s.evidence());
    expect(violations.map((v) => v.message)).toEqual([
      'client order id m1 of maker accepted twice: O1 (txn 1) and O2 (txn 2)',
      'client order id m1 of maker filled 0.02 in total across O1, O2, above the 0.01 one order asked for',
    ]);
    expect(violations[0].steps).toEqual([0, 1]);
  });

  it('catches a second live order under a taken id even when the venue reuses the order id', () => {
    const s = new Scenario();
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    const evidence = s.evidence();
    // The venue accepted m1 a second time and filed it under the same order id O1: a second
    // order_accepted on the account stream (its own seq), not the same frame seen twice.
    const first = evidence.events.find((r) => r.client === 'admin' && r.event.type === 'order_accepted')!;
    const last = Math.max(...evidence.events.map((r) => r.gseq));
    const lastSeq = Math.max(
      ...evidence.events.filter((r) => r.client === 'admin' && r.stream === first.stream).map((r) => r.seq),
    );
    const events = evidence.events;
    const again = { ...structuredClone(first), gseq: last + 1, seq: lastSeq + 1, txn: (first.txn ?? 0) + 1 };
    evidence.events = [...events, again];
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'client order id m1 of maker accepted twice: O1 (txn 1) and again as O1 (txn 2)',
    ]);
    // The same frame recorded twice is not a second acceptance.
    evidence.events = [...events, { ...structuredClone(first), gseq: last + 1 }];
    expect(check(NAME, evidence)).toEqual([]);
  });
});
