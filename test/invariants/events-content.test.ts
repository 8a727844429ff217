import { describe, expect, it } from 'vitest';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'events.content';

/** The admin's copies of the events of one type, in record order. */
const adminEvents = (evidence: TradingEvidence, type: string) =>
  evidence.events.filter((r) => r.client === 'admin' && r.event.type === type);

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
  });

  it('catches wrong_status_after_partial_fill: a partly filled order that rests says open', () => {
    const s = new Scenario({ bugs: ['wrong_status_after_partial_fill'] });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('taker', 't1', 'buy', 20000, 0.02);
    expect(check(NAME, s.evidence()).map((v) => v.message)).toEqual([
      'the final snapshot shows O2 open with 0.01 of 0.02 filled: an open order is partially_filled',
      "step 1 (place by taker buy 0.02 @ 20000 limit t1): the reply's result says status open (O2 has filled 0.01 of 0.02 and is open: partially_filled)",
    ]);
  });

  it('catches an empty cancel reason, a wrong position, and a rejection that names another request', () => {
    const s = new Scenario();
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('taker', 't1', 'buy', 20000, 0.004);
    s.cancel('maker', 'm1');
    s.cancel('taker', 'gone');
    const evidence = s.evidence();
    for (const rec of adminEvents(evidence, 'order_cancelled')) Object.assign(rec.event, { reason: '' });
    Object.assign(adminEvents(evidence, 'position')[0].event, { qty: 0.005 });
    Object.assign(adminEvents(evidence, 'order_rejected')[0].event, { clientOrderId: 'other' });
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'order_cancelled of O1 has reason "", none of user, cancel_all, self_trade, band',
      'txn 2: position of taker on SANDBOX.BTC-USD says qty 0.005 (the fills make it 0.004)',
      'step 2 (cancel by maker) of O1: the cancel\'s reason is "" (the rules say user)',
      'step 3 (cancel by taker): its rejection names client order id other, but the request named client order id gone',
    ]);
  });

  it('catches a cancel-all out of order, and a position event where nothing changed', () => {
    const s = new Scenario();
    s.place('maker', 'm1', 'sell', 20010, 0.01);
    s.place('maker', 'm2', 'sell', 20020, 0.01);
    s.cancelAll('maker');
    const evidence = s.evidence();
    const [first, second] = adminEvents(evidence, 'order_cancelled');
    [first.event, second.event] = [second.event, first.event];
    const balance = adminEvents(evidence, 'balance').at(-1)!;
    balance.event = {
      type: 'position',
      symbol: 'SANDBOX.BTC-USD',
      qty: 0,
      markPrice: 20000,
      unrealizedPnl: 0,
    };
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'step 2 (cancel_all by maker): it cancelled O2, O1; the rules say O1, O2, in order',
      'txn 3: position event for maker on SANDBOX.BTC-USD although neither its position nor the mark changed',
    ]);
  });
});
