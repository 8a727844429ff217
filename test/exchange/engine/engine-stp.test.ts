import { describe, expect, it } from 'vitest';
import type { SelfTradePrevention } from '../../../src/domains/trading/protocol/exchange-input.ts';
import { BTC, eventsOf, orderOf, Venue } from './engine-fixture.ts';

/** maker rests an ask 0.1 @ 20000 (O1), then sends a crossing buy 0.3 @ 20000 (O2). */
function selfCross(stp?: SelfTradePrevention, configure?: (v: Venue) => void) {
  const v = new Venue();
  configure?.(v);
  orderOf(v.sell('maker', 'old', 20000, 0.1));
  const out = v.buy('maker', 'new', 20000, 0.3, stp ? { stp } : {});
  return { v, out };
}

describe('self-trade prevention', () => {
  it('cancel_newest cancels the incoming order and keeps the resting one', () => {
    const { v, out } = selfCross('cancel_newest');
    expect(orderOf(out)).toMatchObject({ orderId: 'O2', status: 'cancelled', filledQty: 0 });
    expect(eventsOf(out, 'order_cancelled')).toEqual([
      {
        type: 'order_cancelled',
        orderId: 'O2',
        clientOrderId: 'new',
        symbol: BTC,
        reason: 'self_trade',
        filledQty: 0,
        cancelledQty: 0.3,
      },
    ]);
    expect(eventsOf(out, 'trade')).toEqual([]);
    expect(v.engine.book(BTC)).toEqual({ symbol: BTC, bids: [], asks: [[20000, 0.1, 1]] });
  });

  it('cancel_newest is the default', () => {
    const { out } = selfCross();
    expect(eventsOf(out, 'order_cancelled').map((e) => e.orderId)).toEqual(['O2']);
  });

  it('cancel_oldest cancels the resting order and lets the incoming one go on', () => {
    const { v, out } = selfCross('cancel_oldest');
    expect(eventsOf(out, 'order_cancelled')).toEqual([
      {
        type: 'order_cancelled',
        orderId: 'O1',
        clientOrderId: 'old',
        symbol: BTC,
        reason: 'self_trade',
        filledQty: 0,
        cancelledQty: 0.1,
      },
    ]);
    expect(orderOf(out)).toMatchObject({ orderId: 'O2', status: 'open', remainingQty: 0.3 });
    expect(v.engine.book(BTC)).toEqual({ symbol: BTC, bids: [[20000, 0.3, 1]], asks: [] });
  });

  it('cancel_both cancels both, resting first', () => {
    const { v, out } = selfCross('cancel_both');
    expect(eventsOf(out, 'order_cancelled').map((e) => [e.orderId, e.reason, e.cancelledQty])).toEqual([
      ['O1', 'self_trade', 0.1],
      ['O2', 'self_trade', 0.3],
    ]);
    expect(orderOf(out).status).toBe('cancelled');
    expect(v.engine.book(BTC)).toEqual({ symbol: BTC, bids: [], asks: [] });
    expect(v.account('maker').reserved).toBe(0);
  });

  it('the config default applies when the order names none', () => {
    const v = new Venue({
      config: (c) => {
        c.defaultStp = 'cancel_both';
      },
    });
    v.sell('maker', 'old', 20000, 0.1);
    const out = v.buy('maker', 'new', 20000, 0.3);
    expect(eventsOf(out, 'order_cancelled').map((e) => e.orderId)).toEqual(['O1', 'O2']);
  });

  it('the taker mode decides, not the resting order mode', () => {
    const v = new Venue();
    v.sell('maker', 'old', 20000, 0.1, { stp: 'cancel_both' });
    const out = v.buy('maker', 'new', 20000, 0.3, { stp: 'cancel_oldest' });
    expect(eventsOf(out, 'order_cancelled').map((e) => e.orderId)).toEqual(['O1']);
  });

  it('trades with other accounts ahead of the own order first (cancel_newest)', () => {
    const v = new Venue();
    v.sell('bystander', 'other', 19999.5, 0.05);
    v.sell('maker', 'old', 20000, 0.1);
    v.sell('taker', 'behind', 20000, 0.1);
    const out = v.buy('maker', 'new', 20000, 0.3);
    expect(eventsOf(out, 'trade').map((t) => [t.price, t.qty])).toEqual([[19999.5, 0.05]]);
    expect(eventsOf(out, 'order_cancelled')).toMatchObject([
      { orderId: 'O4', filledQty: 0.05, cancelledQty: 0.25 },
    ]);
    // The order behind the own one is not reached.
    expect(v.levels('asks')).toEqual([[20000, 0.2, 2]]);
  });

  it('cancel_oldest keeps matching past the own order', () => {
    const v = new Venue();
    v.sell('maker', 'old', 20000, 0.1);
    v.sell('taker', 'behind', 20000, 0.1);
    const out = v.buy('maker', 'new', 20000, 0.3, { stp: 'cancel_oldest' });
    expect(eventsOf(out, 'order_cancelled').map((e) => e.orderId)).toEqual(['O1']);
    expect(eventsOf(out, 'trade').map((t) => t.qty)).toEqual([0.1]);
    expect(orderOf(out)).toMatchObject({ status: 'partially_filled', filledQty: 0.1, remainingQty: 0.2 });
    expect(v.engine.book(BTC)).toEqual({ symbol: BTC, bids: [[20000, 0.2, 1]], asks: [] });
  });

  it('an ioc taker cancelled by STP is cancelled, not expired', () => {
    const { out } = selfCross('cancel_newest');
    expect(eventsOf(out, 'order_expired')).toEqual([]);
    const v = new Venue();
    v.sell('maker', 'old', 20000, 0.1);
    const ioc = v.buy('maker', 'ioc', 20000, 0.3, { tif: 'ioc' });
    expect(orderOf(ioc).status).toBe('cancelled');
    expect(eventsOf(ioc, 'order_expired')).toEqual([]);
  });

  it('fok counts only what it could fill before STP stops it', () => {
    const v = new Venue();
    v.sell('maker', 'old', 20000, 0.1);
    v.sell('taker', 'behind', 20000, 0.3);
    // cancel_newest would stop at the own order: nothing fillable, so it expires untouched.
    const kept = v.buy('maker', 'fok1', 20000, 0.3, { tif: 'fok' });
    expect(eventsOf(kept, 'order_expired')).toMatchObject([{ reason: 'fok', filledQty: 0 }]);
    expect(eventsOf(kept, 'order_cancelled')).toEqual([]);
    expect(v.levels('asks')).toEqual([[20000, 0.4, 2]]);
    // cancel_oldest skips the own order (and cancels it), so the 0.3 behind it is enough.
    const filled = v.buy('maker', 'fok2', 20000, 0.3, { tif: 'fok', stp: 'cancel_oldest' });
    expect(orderOf(filled).status).toBe('filled');
    expect(eventsOf(filled, 'order_cancelled').map((e) => [e.orderId, e.reason])).toEqual([
      ['O1', 'self_trade'],
    ]);
    expect(v.levels('asks')).toEqual([]);
  });

  it('never lets an account trade with itself, whatever the mode', () => {
    for (const stp of ['cancel_newest', 'cancel_oldest', 'cancel_both'] as const) {
      const { out } = selfCross(stp);
      expect(eventsOf(out, 'fill')).toEqual([]);
    }
  });
});
