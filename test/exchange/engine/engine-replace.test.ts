import { describe, expect, it } from 'vitest';
import { BTC, eventsOf, makerFillOrder, orderOf, reasonOf, Venue } from './engine-fixture.ts';

/** Two asks at 20000: O1 from maker ("A", first in the queue), O2 from bystander ("B"). */
function queue(): Venue {
  const v = new Venue();
  orderOf(v.sell('maker', 'A', 20000, 0.1));
  orderOf(v.sell('bystander', 'B', 20000, 0.1));
  return v;
}

function priorityOf(v: Venue, orderId: string): number {
  const o = v.engine.snapshot().orders.find((x) => x.orderId === orderId);
  if (!o) throw new Error(`${orderId} is not open`);
  return o.priority;
}

describe('cancel-replace priority rule', () => {
  it('before any replace, A fills before B', () => {
    expect(makerFillOrder(queue().buy('taker', 't', 20000, 0.2))).toEqual(['A', 'B']);
  });

  it('a price change loses priority, even when the price comes back', () => {
    const v = queue();
    const away = v.replace('maker', 'O1', { price: 20000.5 });
    expect(eventsOf(away, 'order_replaced')[0]).toMatchObject({ price: 20000.5, priorityKept: false });
    const back = v.replace('maker', 'O1', { price: 20000 });
    expect(eventsOf(back, 'order_replaced')[0]).toMatchObject({ price: 20000, priorityKept: false });
    expect(priorityOf(v, 'O1')).toBeGreaterThan(priorityOf(v, 'O2'));
    expect(makerFillOrder(v.buy('taker', 't', 20000, 0.2))).toEqual(['B', 'A']);
  });

  it('a quantity increase loses priority', () => {
    const v = queue();
    const out = v.replace('maker', 'O1', { qty: 0.2 });
    expect(eventsOf(out, 'order_replaced')[0]).toMatchObject({
      qty: 0.2,
      remainingQty: 0.2,
      priorityKept: false,
    });
    expect(v.levels('asks')).toEqual([[20000, 0.3, 2]]);
    expect(makerFillOrder(v.buy('taker', 't', 20000, 0.15))).toEqual(['B', 'A']);
  });

  it('a quantity decrease keeps priority', () => {
    const v = queue();
    const p = priorityOf(v, 'O1');
    const out = v.replace('maker', 'O1', { qty: 0.05 });
    expect(eventsOf(out, 'order_replaced')).toEqual([
      {
        type: 'order_replaced',
        orderId: 'O1',
        clientOrderId: 'A',
        symbol: BTC,
        price: 20000,
        qty: 0.05,
        filledQty: 0,
        remainingQty: 0.05,
        priorityKept: true,
      },
    ]);
    expect(eventsOf(out, 'book_delta')).toEqual([
      { type: 'book_delta', symbol: BTC, side: 'sell', price: 20000, qty: 0.15 },
    ]);
    expect(priorityOf(v, 'O1')).toBe(p);
    const fills = v.buy('taker', 't', 20000, 0.1);
    expect(makerFillOrder(fills)).toEqual(['A', 'B']);
    expect(
      eventsOf(fills, 'fill')
        .filter((f) => f.liquidity === 'maker')
        .map((f) => f.qty),
    ).toEqual([0.05, 0.05]);
  });

  it('a price change with a quantity decrease still loses priority', () => {
    const v = queue();
    v.sell('maker', 'C', 20000.5, 0.1);
    const out = v.replace('maker', 'O1', { price: 20000.5, qty: 0.05 });
    expect(eventsOf(out, 'order_replaced')[0].priorityKept).toBe(false);
    expect(makerFillOrder(v.buy('taker', 't', 20000.5, 0.3))).toEqual(['B', 'C', 'A']);
  });

  it('keeps the filled quantity: a partly filled order is replaced to a new total', () => {
    const v = queue();
    v.buy('taker', 't', 20000, 0.04); // A: 0.04 filled, 0.06 left
    const out = v.replace('maker', 'O1', { qty: 0.07 });
    expect(orderOf(out)).toMatchObject({
      status: 'partially_filled',
      qty: 0.07,
      filledQty: 0.04,
      remainingQty: 0.03,
    });
    expect(eventsOf(out, 'order_replaced')[0]).toMatchObject({ priorityKept: true, remainingQty: 0.03 });
    expect(v.levels('asks')).toEqual([[20000, 0.13, 2]]);
  });

  it('names the order by client id as well', () => {
    const v = queue();
    const out = v.apply({ op: 'replace', account: 'maker', clientOrderId: 'A', price: 20001 });
    expect(orderOf(out)).toMatchObject({ orderId: 'O1', price: 20001 });
    expect(v.levels('asks')).toEqual([
      [20000, 0.1, 1],
      [20001, 0.1, 1],
    ]);
  });
});

describe('a rejected replace leaves the order untouched', () => {
  const attempts: [string, Record<string, unknown>][] = [
    ['price_off_tick', { price: 20000.2 }],
    ['price_out_of_band', { price: 30000 }],
    ['qty_above_max', { qty: 9 }],
    ['qty_not_lot_multiple', { qty: 0.0001 }],
    ['replace_no_change', { price: 20000, qty: 0.1 }],
    ['replace_qty_not_above_filled', { qty: 0.04 }],
  ];
  it.each(attempts)('%s', (reason, change) => {
    const v = queue();
    v.buy('taker', 't', 20000, 0.04);
    const before = v.engine.snapshot();
    const out = v.replace('maker', 'O1', change);
    expect(reasonOf(out)).toBe(reason);
    const after = v.engine.snapshot();
    expect(after.orders).toEqual(before.orders);
    expect(after.books).toEqual(before.books);
    expect(after.accounts).toEqual(before.accounts);
    // A still fills first.
    expect(makerFillOrder(v.buy('taker', 't2', 20000, 0.1))).toEqual(['A', 'B']);
  });

  it('margin', () => {
    const v = new Venue({
      config: (c) => {
        c.accounts[0].cash = 1000;
      },
    });
    orderOf(v.sell('maker', 'A', 20000, 0.2));
    const before = v.engine.snapshot().orders;
    expect(reasonOf(v.replace('maker', 'O1', { qty: 0.3 }))).toBe('insufficient_margin');
    expect(v.engine.snapshot().orders).toEqual(before);
  });
});

describe('a crossing replace trades as a taker', () => {
  it('fills at the resting prices and rests the remainder at its new price', () => {
    const v = new Venue();
    v.sell('bystander', 'ask', 20000, 0.1);
    v.buy('maker', 'bid', 19990, 0.3);
    const out = v.replace('maker', 'O2', { price: 20000 });
    expect(out.events.filter((e) => e.stream === 'account:maker').map((e) => e.event.type)).toEqual([
      'order_replaced',
      'fill',
      'position',
      'balance',
    ]);
    expect(eventsOf(out, 'fill').map((f) => [f.orderId, f.liquidity, f.price, f.qty])).toEqual([
      ['O2', 'taker', 20000, 0.1],
      ['O1', 'maker', 20000, 0.1],
    ]);
    expect(eventsOf(out, 'trade')).toEqual([
      { type: 'trade', tradeId: 'T1', symbol: BTC, price: 20000, qty: 0.1, takerSide: 'buy' },
    ]);
    expect(orderOf(out)).toMatchObject({
      status: 'partially_filled',
      price: 20000,
      filledQty: 0.1,
      remainingQty: 0.2,
    });
    expect(v.engine.book(BTC)).toEqual({ symbol: BTC, bids: [[20000, 0.2, 1]], asks: [] });
    expect(eventsOf(out, 'book_delta')).toEqual([
      { type: 'book_delta', symbol: BTC, side: 'buy', price: 19990, qty: 0 },
      { type: 'book_delta', symbol: BTC, side: 'sell', price: 20000, qty: 0 },
      { type: 'book_delta', symbol: BTC, side: 'buy', price: 20000, qty: 0.2 },
    ]);
  });

  it('is filled and leaves the book when the other side covers it', () => {
    const v = new Venue();
    v.sell('bystander', 'ask', 20000, 1);
    v.buy('maker', 'bid', 19990, 0.3);
    expect(orderOf(v.replace('maker', 'O2', { price: 20000 }))).toMatchObject({
      status: 'filled',
      filledQty: 0.3,
    });
    expect(v.levels('bids')).toEqual([]);
    expect(v.engine.openOrders('maker')).toEqual([]);
  });

  it('applies the order own self-trade prevention', () => {
    const v = new Venue();
    v.sell('maker', 'ask', 20000, 0.1);
    v.buy('maker', 'bid', 19990, 0.3);
    const out = v.replace('maker', 'O2', { price: 20000 });
    expect(eventsOf(out, 'order_cancelled')).toEqual([
      {
        type: 'order_cancelled',
        orderId: 'O2',
        clientOrderId: 'bid',
        symbol: BTC,
        reason: 'self_trade',
        filledQty: 0,
        cancelledQty: 0.3,
      },
    ]);
    expect(eventsOf(out, 'trade')).toEqual([]);
    expect(v.engine.book(BTC)).toEqual({ symbol: BTC, bids: [], asks: [[20000, 0.1, 1]] });
  });

  it('a post-only order may move to a price that does not cross', () => {
    const v = new Venue();
    v.sell('bystander', 'ask', 20000, 0.1);
    v.buy('maker', 'po', 19990, 0.3, { tif: 'post_only' });
    expect(orderOf(v.replace('maker', 'O2', { price: 19999.5 }))).toMatchObject({
      status: 'open',
      price: 19999.5,
    });
    expect(reasonOf(v.replace('maker', 'O2', { price: 20000 }))).toBe('post_only_would_cross');
    expect(v.levels('bids')).toEqual([[19999.5, 0.3, 1]]);
  });
});
