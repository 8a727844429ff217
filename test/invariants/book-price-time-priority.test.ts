import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'book.price-time-priority';

/** A (maker) at 20000.5 and B (bystander) at 20000; A moves to 20000; a buy of 0.02 sweeps 20000. */
function moveThenSweep(bugs: 'replace_keeps_priority'[] = []) {
  const s = new Scenario({ bugs });
  s.place('maker', 'A', 'sell', 20000.5, 0.01);
  s.place('bystander', 'B', 'sell', 20000, 0.01);
  s.replace('maker', 'A', { price: 20000 });
  s.place('taker', 't1', 'buy', 20000, 0.02);
  return s.evidence();
}

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
    expect(check(NAME, moveThenSweep())).toEqual([]);
  });

  it('keeps the place of an order whose quantity only went down', () => {
    const s = new Scenario();
    s.place('maker', 'A', 'sell', 20000, 0.02);
    s.place('bystander', 'B', 'sell', 20000, 0.01);
    s.replace('maker', 'A', { qty: 0.01 });
    s.place('taker', 't1', 'buy', 20000, 0.02);
    expect(check(NAME, s.evidence())).toEqual([]);
  });

  it('catches replace_keeps_priority: a price change keeps the old place in the new queue', () => {
    const violations = check(NAME, moveThenSweep(['replace_keeps_priority']));
    expect(violations.map((v) => v.message)).toEqual([
      'replace of order O1 (maker, A) at txn 3 changed price 20000.5 -> 20000 but kept its priority',
      'maker fill T1 hit order O1 (maker, A) at SANDBOX.BTC-USD sell 20000 while order O2 (bystander, B) was ahead of it in the queue',
    ]);
    expect(violations[1].steps).toEqual([1, 2, 3]);
  });

  it('catches a fill at a worse level while a better one has orders (fills swapped in the record)', () => {
    const s = new Scenario();
    s.place('maker', 'A', 'sell', 20000, 0.01);
    s.place('bystander', 'B', 'sell', 20000.5, 0.01);
    s.place('taker', 't1', 'buy', 20000.5, 0.02);
    const evidence = s.evidence();
    const makerFills = evidence.events.filter(
      (r) => r.client === 'admin' && r.event.type === 'fill' && r.event.liquidity === 'maker',
    );
    // Pretend B's fill came first: swap the two capture positions.
    const [a, b] = makerFills;
    [a.gseq, b.gseq] = [b.gseq, a.gseq];
    const messages = check(NAME, evidence).map((v) => v.message);
    expect(messages[0]).toBe(
      'maker fill T2 hit order O2 (bystander, B) at SANDBOX.BTC-USD sell 20000.5 while a better level 20000 held order O1 (maker, A)',
    );
  });

  it("reads an input the admin got back by resume, stream by stream, in its trades' order", () => {
    const s = new Scenario();
    s.place('bystander', 'B', 'sell', 20000, 0.01);
    s.place('maker', 'A', 'sell', 20000.5, 0.01);
    s.drop('admin');
    s.place('taker', 't1', 'buy', 20000.5, 0.02);
    s.redial('admin', [10], { catchUp: 'resume' });
    const evidence = s.evidence();
    const replayed = evidence.events.filter((r) => r.client === 'admin' && r.event.type === 'fill');
    // The resume replays account:maker before account:bystander: A's fill of T2 comes before B's of T1.
    expect(replayed.map((r) => `${r.stream} ${(r.event as { tradeId: string }).tradeId}`)).toEqual([
      'account:maker T2',
      'account:taker T1',
      'account:taker T2',
      'account:bystander T1',
    ]);
    expect(check(NAME, evidence)).toEqual([]);
    // Live, the same order would be the venue's own: a fill at a worse level first.
    const live = structuredClone(evidence);
    live.events = live.events.filter(
      (r) => !(r.client === 'admin' && r.event.type === 'session_disconnected'),
    );
    expect(check(NAME, live).map((v) => v.message)).toEqual([
      'maker fill T2 hit order O2 (maker, A) at SANDBOX.BTC-USD sell 20000.5 while a better level 20000 held order O1 (bystander, B)',
    ]);
  });
});
