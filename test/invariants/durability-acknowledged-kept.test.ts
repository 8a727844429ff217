import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'durability.acknowledged-kept';

/**
 * maker rests three orders and cancels the first; the venue crashes and restarts from its
 * journal, minus the last `lose` inputs (as a venue that acknowledged before journaling
 * would); maker then places one more, which gets a freed order id again when inputs were lost.
 */
function crashAfterAcks(lose: number) {
  const s = new Scenario({ journal: true });
  s.place('maker', 'm1', 'sell', 20000, 0.01);
  s.place('maker', 'm2', 'sell', 20100, 0.01);
  s.place('maker', 'm3', 'sell', 20200, 0.01);
  s.cancel('maker', 'm1');
  s.crash({ lose });
  s.place('maker', 'm4', 'sell', 20300, 0.01);
  return s.evidence();
}

describe(NAME, () => {
  it('passes a clean run, and a crash that keeps every acknowledged input', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
    const evidence = crashAfterAcks(0);
    expect(evidence.extra.crashes).toHaveLength(1);
    expect(check(NAME, evidence)).toEqual([]);
  });

  it('catches the shape of ack_before_journal: an acknowledged order and cancel lost in a crash', () => {
    const evidence = crashAfterAcks(2);
    // The restarted venue gave m3's id to m4: orders are told apart by client order id too.
    expect(evidence.snapshot.orders.map((o) => `${o.orderId}/${o.clientOrderId}`)).toEqual([
      'O1/m1',
      'O2/m2',
      'O3/m4',
    ]);
    const violations = check(NAME, evidence);
    expect(violations.map((v) => v.message)).toEqual([
      "order O3 (maker, m3) was acknowledged open at step 2 (txn 3) but is missing from the final snapshot after the crash at step 4; the venue's record never ended it",
      'order O1 (maker, m1) ended with order_cancelled at txn 4, acknowledged at step 3 (cancel), but is open again in the final snapshot after the crash at step 4',
    ]);
    expect(violations[0].steps).toEqual([2]);
    expect(violations[1].steps).toEqual([0, 3]);
  });

  it('catches the planted bug ack_before_journal itself', () => {
    const s = new Scenario({ journal: true, bugs: ['ack_before_journal'] });
    for (let i = 1; i <= 5; i++) s.place('maker', `m${i}`, 'sell', 20000 + 100 * i, 0.01);
    s.cancel('maker', 'm1');
    s.crash();
    const messages = check(NAME, s.evidence()).map((v) => v.message);
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(m).toMatch(/^order O\d+ \(maker, m\d\) .* after the crash at step 6/);
  });

  it('catches an acknowledged fill or replace that the final state no longer shows', () => {
    const s = new Scenario({ journal: true });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('maker', 'm2', 'sell', 20100, 0.01);
    s.place('taker', 't1', 'buy', 20000, 0.004);
    s.replace('maker', 'm2', { price: 20200 });
    s.crash({ lose: 2 });
    expect(check(NAME, s.evidence()).map((v) => v.message)).toEqual([
      'order O1 (maker, m1) was filled 0.004 by fill T1 at txn 3 (step 2 acknowledged), but the final snapshot shows filledQty 0 after the crash at step 4',
      'order O2 (maker, m2) was replaced to 0.01 @ 20200 at txn 4 (step 3 acknowledged), but the final snapshot shows 0.01 @ 20100 after the crash at step 4',
    ]);
  });

  it("takes a trader's record or a reply as the venue's word that an order ended", () => {
    // A venue restarted from a shorter journal reuses seqs, so a resumed admin can miss events.
    const evidence = crashAfterAcks(0);
    evidence.events = evidence.events.filter(
      (r) => !(r.client === 'admin' && r.event.type === 'order_cancelled'),
    );
    expect(check(NAME, evidence)).toEqual([]);
  });

  it('says nothing about an account the admin does not follow', () => {
    const evidence = crashAfterAcks(2);
    evidence.events = evidence.events.filter((r) => !(r.client === 'admin' && r.stream === 'account:maker'));
    expect(check(NAME, evidence)).toEqual([]);
  });
});
