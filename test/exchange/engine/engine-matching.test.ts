import { describe, expect, it } from 'vitest';
import { BTC, ETH, eventsOf, makerFillOrder, orderOf, typesOn, Venue } from './engine-fixture.ts';

describe('limit gtc', () => {
  it('rests when nothing crosses, and tells the account and the book', () => {
    const v = new Venue();
    const out = v.buy('maker', 'b1', 19990, 0.5);
    expect(orderOf(out)).toEqual({
      orderId: 'O1',
      clientOrderId: 'b1',
      status: 'open',
      price: 19990,
      qty: 0.5,
      filledQty: 0,
      remainingQty: 0.5,
    });
    expect(typesOn(out, 'account:maker')).toEqual(['order_accepted', 'balance']);
    expect(eventsOf(out, 'book_delta')).toEqual([
      { type: 'book_delta', symbol: BTC, side: 'buy', price: 19990, qty: 0.5 },
    ]);
    expect(eventsOf(out, 'order_accepted')[0]).toEqual({
      type: 'order_accepted',
      orderId: 'O1',
      clientOrderId: 'b1',
      symbol: BTC,
      side: 'buy',
      orderType: 'limit',
      tif: 'gtc',
      price: 19990,
      qty: 0.5,
    });
    expect(v.levels('bids')).toEqual([[19990, 0.5, 1]]);
  });

  it('keeps levels sorted best first and aggregates orders at one price', () => {
    const v = new Venue();
    v.buy('maker', 'b1', 19990, 0.5);
    v.buy('taker', 'b2', 19995, 0.25);
    v.buy('bystander', 'b3', 19990, 0.125);
    v.sell('maker', 'a1', 20010, 1);
    v.sell('taker', 'a2', 20005, 2);
    expect(v.engine.book(BTC)).toEqual({
      symbol: BTC,
      bids: [
        [19995, 0.25, 1],
        [19990, 0.625, 2],
      ],
      asks: [
        [20005, 2, 1],
        [20010, 1, 1],
      ],
    });
  });

  it('trades at the resting price when it crosses, then rests the rest', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 0.3);
    const out = v.buy('taker', 'b1', 20500, 0.5);
    expect(orderOf(out)).toMatchObject({ status: 'partially_filled', filledQty: 0.3, remainingQty: 0.2 });
    expect(eventsOf(out, 'trade')).toEqual([
      { type: 'trade', tradeId: 'T1', symbol: BTC, price: 20000, qty: 0.3, takerSide: 'buy' },
    ]);
    expect(v.levels('bids')).toEqual([[20500, 0.2, 1]]);
    expect(v.levels('asks')).toEqual([]);
  });
});

describe('partial fills', () => {
  it('fills a maker in parts and reports cumulative quantities', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 1);
    const first = v.buy('taker', 'b1', 20000, 0.4);
    expect(eventsOf(first, 'fill')).toEqual([
      {
        type: 'fill',
        orderId: 'O2',
        clientOrderId: 'b1',
        symbol: BTC,
        side: 'buy',
        tradeId: 'T1',
        price: 20000,
        qty: 0.4,
        liquidity: 'taker',
        filledQty: 0.4,
        remainingQty: 0,
      },
      {
        type: 'fill',
        orderId: 'O1',
        clientOrderId: 'a1',
        symbol: BTC,
        side: 'sell',
        tradeId: 'T1',
        price: 20000,
        qty: 0.4,
        liquidity: 'maker',
        filledQty: 0.4,
        remainingQty: 0.6,
      },
    ]);
    expect(eventsOf(first, 'book_delta')).toEqual([
      { type: 'book_delta', symbol: BTC, side: 'sell', price: 20000, qty: 0.6 },
    ]);
    expect(v.engine.orderStatus('maker', { orderId: 'O1' })).toMatchObject({
      ok: true,
      result: { order: { status: 'partially_filled', filledQty: 0.4, remainingQty: 0.6 } },
    });
    const second = v.buy('bystander', 'b2', 20000, 0.6);
    expect(eventsOf(second, 'fill').map((f) => [f.orderId, f.filledQty, f.remainingQty])).toEqual([
      ['O3', 0.6, 0],
      ['O1', 1, 0],
    ]);
    expect(v.engine.orderStatus('maker', { orderId: 'O1' })).toMatchObject({
      ok: true,
      result: { order: { status: 'filled', filledQty: 1, remainingQty: 0 } },
    });
    expect(v.levels('asks')).toEqual([]);
  });

  it('orders the events of a trade: fills, trade, book delta, then positions and balances', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 1);
    const out = v.buy('taker', 'b1', 20000, 0.4);
    expect(out.events.map((e) => `${e.stream} ${e.event.type}`)).toEqual([
      'account:taker order_accepted',
      'account:taker fill',
      'account:maker fill',
      `market:${BTC} trade`,
      `book:${BTC} book_delta`,
      'account:taker position',
      'account:taker balance',
      'account:maker position',
      'account:maker balance',
    ]);
  });

  it('moves cash and positions by price x qty', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 1);
    v.buy('taker', 'b1', 20000, 0.4);
    expect(v.account('taker')).toMatchObject({
      cash: 1_000_000 - 8000,
      positions: [{ symbol: BTC, qty: 0.4 }],
    });
    expect(v.account('maker')).toMatchObject({
      cash: 1_000_000 + 8000,
      positions: [{ symbol: BTC, qty: -0.4 }],
    });
  });
});

describe('price-time priority', () => {
  it('fills the better price first, then arrival order within a price', () => {
    const v = new Venue();
    v.sell('maker', 'first-at-20000', 20000, 0.1);
    v.sell('bystander', 'second-at-20000', 20000, 0.1);
    v.sell('maker', 'better', 19999.5, 0.1);
    v.sell('bystander', 'worse', 20000.5, 0.1);
    const out = v.buy('taker', 'sweep', 20000, 1);
    expect(makerFillOrder(out)).toEqual(['better', 'first-at-20000', 'second-at-20000']);
    expect(eventsOf(out, 'trade').map((t) => t.price)).toEqual([19999.5, 20000, 20000]);
    expect(v.levels('asks')).toEqual([[20000.5, 0.1, 1]]);
    expect(v.levels('bids')).toEqual([[20000, 0.7, 1]]);
  });

  it('works the same on the bid side', () => {
    const v = new Venue();
    v.buy('maker', 'first', 20000, 0.1);
    v.buy('bystander', 'second', 20000, 0.1);
    v.buy('maker', 'better', 20000.5, 0.1);
    const out = v.sell('taker', 'hit', 20000, 0.25);
    expect(makerFillOrder(out)).toEqual(['better', 'first', 'second']);
    expect(
      eventsOf(out, 'fill')
        .filter((f) => f.liquidity === 'maker')
        .map((f) => f.qty),
    ).toEqual([0.1, 0.1, 0.05]);
  });

  it('gives a partly filled maker no new place in the queue', () => {
    const v = new Venue();
    v.sell('maker', 'a', 20000, 0.2);
    v.sell('bystander', 'b', 20000, 0.2);
    v.buy('taker', 't1', 20000, 0.1);
    expect(makerFillOrder(v.buy('taker', 't2', 20000, 0.2))).toEqual(['a', 'b']);
  });
});

describe('ioc', () => {
  it('fills what it can and expires the rest', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 0.3);
    const out = v.buy('taker', 'ioc', 20000, 0.5, { tif: 'ioc' });
    expect(orderOf(out)).toMatchObject({ status: 'expired', filledQty: 0.3, remainingQty: 0 });
    expect(eventsOf(out, 'order_expired')).toEqual([
      {
        type: 'order_expired',
        orderId: 'O2',
        clientOrderId: 'ioc',
        symbol: BTC,
        reason: 'ioc',
        filledQty: 0.3,
        expiredQty: 0.2,
      },
    ]);
    expect(v.levels('bids')).toEqual([]);
  });

  it('expires with nothing filled when nothing crosses', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 0.3);
    const out = v.buy('taker', 'ioc', 19999.5, 0.5, { tif: 'ioc' });
    expect(orderOf(out)).toMatchObject({ status: 'expired', filledQty: 0 });
    expect(typesOn(out, 'account:taker')).toEqual(['order_accepted', 'order_expired', 'balance']);
    expect(v.levels('asks')).toEqual([[20000, 0.3, 1]]);
    expect(v.levels('bids')).toEqual([]);
  });

  it('is filled when the book has enough', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 0.3);
    expect(orderOf(v.buy('taker', 'ioc', 20000, 0.3, { tif: 'ioc' })).status).toBe('filled');
  });
});

describe('fok', () => {
  it('fills completely across levels', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 0.3);
    v.sell('bystander', 'a2', 20001, 0.3);
    const out = v.buy('taker', 'fok', 20001, 0.5, { tif: 'fok' });
    expect(orderOf(out)).toMatchObject({ status: 'filled', filledQty: 0.5 });
    expect(eventsOf(out, 'trade').map((t) => [t.price, t.qty])).toEqual([
      [20000, 0.3],
      [20001, 0.2],
    ]);
  });

  it('expires with no fill when it cannot fill completely within its limit', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 0.3);
    v.sell('bystander', 'a2', 20001, 0.3);
    const before = v.engine.book(BTC);
    const out = v.buy('taker', 'fok', 20000.5, 0.5, { tif: 'fok' });
    expect(orderOf(out)).toMatchObject({ status: 'expired', filledQty: 0 });
    expect(eventsOf(out, 'fill')).toEqual([]);
    expect(eventsOf(out, 'order_expired')[0]).toMatchObject({ reason: 'fok', filledQty: 0, expiredQty: 0.5 });
    expect(v.engine.book(BTC)).toEqual(before);
    expect(v.account('taker')).toMatchObject({ cash: 1_000_000, reserved: 0, positions: [] });
  });

  it('a market fok fills completely or not at all', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 0.3);
    expect(orderOf(v.market('taker', 'm1', 'buy', 0.4, { tif: 'fok' }))).toMatchObject({
      status: 'expired',
      filledQty: 0,
    });
    expect(orderOf(v.market('taker', 'm2', 'buy', 0.3, { tif: 'fok' }))).toMatchObject({
      status: 'filled',
      filledQty: 0.3,
    });
  });
});

describe('post_only', () => {
  it('rests when it does not cross, and never takes', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 0.3);
    const out = v.buy('taker', 'po', 19999.5, 0.5, { tif: 'post_only' });
    expect(orderOf(out)).toMatchObject({ status: 'open', remainingQty: 0.5 });
    expect(eventsOf(out, 'order_accepted')[0].tif).toBe('post_only');
    expect(v.levels('bids')).toEqual([[19999.5, 0.5, 1]]);
    // A later taker trades against it as a maker.
    const hit = v.sell('bystander', 'hit', 19999.5, 0.1);
    expect(eventsOf(hit, 'fill').find((f) => f.orderId === 'O2')?.liquidity).toBe('maker');
  });

  it('is rejected when it would cross, with the book untouched', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 0.3);
    const out = v.buy('taker', 'po', 20000, 0.5, { tif: 'post_only' });
    expect(out.response).toEqual({ ok: false, reason: 'post_only_would_cross' });
    expect(v.levels('asks')).toEqual([[20000, 0.3, 1]]);
  });
});

describe('market orders', () => {
  it('sweep levels in price order and expire what the book cannot fill', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 0.2);
    v.sell('bystander', 'a2', 20100, 0.3);
    v.sell('maker', 'a3', 20500, 0.5);
    const out = v.market('taker', 'mkt', 'buy', 0.7);
    expect(orderOf(out)).toMatchObject({ status: 'filled', price: null, filledQty: 0.7 });
    expect(eventsOf(out, 'order_accepted')[0]).toMatchObject({
      orderType: 'market',
      tif: 'ioc',
      price: null,
    });
    expect(eventsOf(out, 'trade').map((t) => [t.price, t.qty])).toEqual([
      [20000, 0.2],
      [20100, 0.3],
      [20500, 0.2],
    ]);
    expect(v.levels('asks')).toEqual([[20500, 0.3, 1]]);
    const rest = v.market('taker', 'mkt2', 'buy', 1);
    expect(orderOf(rest)).toMatchObject({ status: 'expired', filledQty: 0.3 });
    expect(eventsOf(rest, 'order_expired')[0]).toMatchObject({
      reason: 'market',
      filledQty: 0.3,
      expiredQty: 0.7,
    });
    expect(v.levels('asks')).toEqual([]);
  });

  it('never trade outside the band: set_mark removed what lay outside it', () => {
    const v = new Venue();
    v.buy('maker', 'b1', 19900, 0.2);
    v.buy('maker', 'b2', 19100, 0.3);
    // Mark 20500: band 19475 to 21525; the 19100 bid is cancelled.
    v.setMark(20500);
    const out = v.market('taker', 'mkt', 'sell', 1);
    const { bandLow, bandHigh } = v.engine.instrument(BTC)!;
    expect([bandLow, bandHigh]).toEqual([19475, 21525]);
    for (const t of eventsOf(out, 'trade')) {
      expect(t.price).toBeGreaterThanOrEqual(bandLow);
      expect(t.price).toBeLessThanOrEqual(bandHigh);
    }
    expect(orderOf(out)).toMatchObject({ status: 'expired', filledQty: 0.2 });
  });

  it('expire at once on an empty book', () => {
    const v = new Venue();
    expect(orderOf(v.market('taker', 'mkt', 'sell', 1))).toMatchObject({ status: 'expired', filledQty: 0 });
  });
});

describe('cancel', () => {
  it('withdraws the rest of an order, by order id or client id', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 1);
    v.buy('taker', 'b1', 20000, 0.4);
    const out = v.cancel('maker', 'O1');
    expect(orderOf(out)).toMatchObject({ status: 'cancelled', filledQty: 0.4, remainingQty: 0 });
    expect(eventsOf(out, 'order_cancelled')).toEqual([
      {
        type: 'order_cancelled',
        orderId: 'O1',
        clientOrderId: 'a1',
        symbol: BTC,
        reason: 'user',
        filledQty: 0.4,
        cancelledQty: 0.6,
      },
    ]);
    expect(eventsOf(out, 'book_delta')).toEqual([
      { type: 'book_delta', symbol: BTC, side: 'sell', price: 20000, qty: 0 },
    ]);
    v.buy('maker', 'b2', 19990, 1);
    expect(orderOf(v.apply({ op: 'cancel', account: 'maker', clientOrderId: 'b2' })).orderId).toBe('O3');
    expect(v.engine.book(BTC)).toEqual({ symbol: BTC, bids: [], asks: [] });
  });
});

describe('cancel_all', () => {
  function venueWithOrders(): Venue {
    const v = new Venue();
    v.buy('maker', 'b1', 19990, 1);
    v.apply({
      op: 'place',
      account: 'maker',
      symbol: ETH,
      side: 'buy',
      type: 'limit',
      price: 990,
      qty: 2,
      clientOrderId: 'e1',
    });
    v.sell('maker', 'a1', 20010, 1);
    v.buy('taker', 'tb', 19980, 1);
    return v;
  }

  it('per symbol cancels that account orders on that symbol only, in id order', () => {
    const v = venueWithOrders();
    const out = v.apply({ op: 'cancel_all', account: 'maker', symbol: BTC });
    expect(out.response).toEqual({ ok: true, result: { kind: 'cancel_all', cancelled: 2 } });
    expect(eventsOf(out, 'order_cancelled').map((e) => [e.orderId, e.reason])).toEqual([
      ['O1', 'cancel_all'],
      ['O3', 'cancel_all'],
    ]);
    expect(v.engine.openOrders('maker').map((o) => o.orderId)).toEqual(['O2']);
    expect(v.engine.openOrders('taker').map((o) => o.orderId)).toEqual(['O4']);
  });

  it('without a symbol cancels every order of the account', () => {
    const v = venueWithOrders();
    const out = v.apply({ op: 'cancel_all', account: 'maker' });
    expect(out.response).toEqual({ ok: true, result: { kind: 'cancel_all', cancelled: 3 } });
    expect(v.engine.openOrders('maker')).toEqual([]);
    expect(v.account('maker').reserved).toBe(0);
    expect(v.engine.openOrders('taker')).toHaveLength(1);
  });

  it('with nothing to cancel succeeds, emits nothing and takes no txn', () => {
    const v = venueWithOrders();
    const txn = v.engine.txn;
    expect(v.apply({ op: 'cancel_all', account: 'bystander' })).toEqual({
      txn: 0,
      response: { ok: true, result: { kind: 'cancel_all', cancelled: 0 } },
      events: [],
    });
    expect(v.engine.txn).toBe(txn);
  });
});

describe('orderStatus', () => {
  it('reports open, filled, cancelled and unknown orders without changing anything', () => {
    const v = new Venue();
    v.sell('maker', 'a1', 20000, 1);
    v.buy('taker', 'b1', 20000, 1);
    v.buy('maker', 'b2', 19990, 0.5);
    v.sell('maker', 'a3', 20010, 0.5);
    v.cancel('maker', 'O4');
    const before = v.engine.snapshot();
    expect(v.engine.orderStatus('maker', { orderId: 'O3' })).toEqual({
      ok: true,
      result: {
        kind: 'order',
        order: {
          orderId: 'O3',
          clientOrderId: 'b2',
          status: 'open',
          price: 19990,
          qty: 0.5,
          filledQty: 0,
          remainingQty: 0.5,
        },
      },
    });
    expect(v.engine.orderStatus('maker', { clientOrderId: 'a1' })).toMatchObject({
      ok: true,
      result: { order: { orderId: 'O1', status: 'filled', filledQty: 1, remainingQty: 0 } },
    });
    expect(v.engine.orderStatus('taker', { orderId: 'O2' })).toMatchObject({
      result: { order: { status: 'filled' } },
    });
    expect(v.engine.orderStatus('maker', { orderId: 'O4' })).toMatchObject({
      result: { order: { status: 'cancelled' } },
    });
    expect(v.engine.orderStatus('maker', { orderId: 'O9' })).toEqual({ ok: false, reason: 'unknown_order' });
    expect(v.engine.orderStatus('maker', { clientOrderId: 'zz' })).toEqual({
      ok: false,
      reason: 'unknown_order',
    });
    expect(v.engine.orderStatus('taker', { orderId: 'O1' })).toEqual({
      ok: false,
      reason: 'not_order_owner',
    });
    expect(v.engine.orderStatus('ghost', { orderId: 'O1' })).toMatchObject({
      ok: false,
      reason: 'invalid_request',
    });
    expect(v.engine.orderStatus('maker', {})).toEqual({ ok: false, reason: 'invalid_request' });
    expect(v.engine.snapshot()).toEqual(before);
  });

  it('forgets the oldest finished orders beyond retainFinishedOrders, never open ones', () => {
    const v = new Venue({
      config: (c) => {
        c.retainFinishedOrders = 2;
      },
    });
    v.buy('maker', 'open', 19000, 0.1); // O1 stays open throughout
    for (let i = 0; i < 4; i++) {
      v.buy('maker', `c${i}`, 19990, 0.1); // O2..O5
      v.cancel('maker', `O${i + 2}`);
    }
    const status = (id: string) => {
      const r = v.engine.orderStatus('maker', { orderId: id });
      if (!r.ok) return r.reason;
      return r.result.kind === 'order' ? r.result.order.status : r.result.kind;
    };
    expect(['O1', 'O2', 'O3', 'O4', 'O5'].map(status)).toEqual([
      'open',
      'unknown_order',
      'unknown_order',
      'cancelled',
      'cancelled',
    ]);
    expect(v.cancel('maker', 'O2').response).toEqual({ ok: false, reason: 'unknown_order' });
  });
});
