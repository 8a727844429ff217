import { describe, expect, it } from 'vitest';
import type { PlaceInput } from '../../../src/domains/trading/protocol/exchange-input.ts';
import { BTC, eventsOf, orderOf, reasonOf, typesOn, Venue, type VenueOptions } from './engine-fixture.ts';

/** A stop order on BTC: stop_market, or stop_limit when a limit price is given. */
function stop(
  v: Venue,
  account: string,
  clientOrderId: string,
  side: 'buy' | 'sell',
  stopPrice: unknown,
  qty: unknown,
  extra: Partial<PlaceInput> & { limit?: unknown } = {},
) {
  const { limit, ...rest } = extra;
  return v.apply({
    op: 'place',
    account,
    symbol: BTC,
    side,
    type: limit === undefined ? 'stop_market' : 'stop_limit',
    ...(limit === undefined ? {} : { price: limit }),
    stopPrice,
    qty,
    clientOrderId,
    ...rest,
  });
}

/** One trade of `qty` at `price` between the bystander (maker) and the taker. */
function trade(v: Venue, price: number, qty = 0.01, takerSide: 'buy' | 'sell' = 'buy', id = `t${price}`) {
  const makerSide = takerSide === 'buy' ? 'sell' : 'buy';
  orderOf(v.limit('bystander', `m-${id}`, makerSide, price, qty));
  return v.limit('taker', `t-${id}`, takerSide, price, qty, { tif: 'ioc' });
}

function venue(options: VenueOptions = {}) {
  return new Venue(options);
}

describe('stop orders: acceptance', () => {
  it('waits off the book, open, holding its reserve', () => {
    const v = venue();
    const out = stop(v, 'maker', 's1', 'buy', 20100, 1);
    expect(orderOf(out)).toEqual({
      orderId: 'O1',
      clientOrderId: 's1',
      status: 'open',
      price: null,
      qty: 1,
      filledQty: 0,
      remainingQty: 1,
      stopPrice: 20100,
      triggered: false,
    });
    expect(eventsOf(out, 'order_accepted')[0]).toEqual({
      type: 'order_accepted',
      orderId: 'O1',
      clientOrderId: 's1',
      symbol: BTC,
      side: 'buy',
      orderType: 'stop_market',
      tif: 'ioc',
      price: null,
      qty: 1,
      stopPrice: 20100,
    });
    expect(typesOn(out, 'account:maker')).toEqual(['order_accepted', 'balance']);
    expect(eventsOf(out, 'book_delta')).toEqual([]);
    expect(v.levels('bids')).toEqual([]);
    expect(v.account('maker').reserved).toBe(4000);
    expect(v.engine.openOrders('maker')[0]).toMatchObject({
      type: 'stop_market',
      stopPrice: 20100,
      triggered: false,
      priority: 0,
    });
  });

  it('defaults: stop_market ioc, stop_limit gtc; refuses gtc/post_only stop_market and post_only stop_limit', () => {
    const v = venue();
    expect(
      eventsOf(stop(v, 'maker', 'a', 'buy', 20100, 1, { limit: 20150 }), 'order_accepted')[0],
    ).toMatchObject({ orderType: 'stop_limit', tif: 'gtc', price: 20150, stopPrice: 20100 });
    expect(reasonOf(stop(v, 'maker', 'b', 'buy', 20100, 1, { tif: 'gtc' }))).toBe('invalid_request');
    expect(reasonOf(stop(v, 'maker', 'c', 'buy', 20100, 1, { tif: 'post_only' }))).toBe('invalid_request');
    expect(reasonOf(stop(v, 'maker', 'd', 'buy', 20100, 1, { limit: 20150, tif: 'post_only' }))).toBe(
      'invalid_request',
    );
    expect(reasonOf(stop(v, 'maker', 'e', 'buy', 20100, 1, { tif: 'fok' }))).toBe('ok');
  });

  it('checks the stop price after the quantity and before the limit price', () => {
    const v = venue();
    expect(reasonOf(stop(v, 'maker', 'a', 'buy', undefined, 1))).toBe('stop_price_required');
    expect(reasonOf(stop(v, 'maker', 'a', 'buy', '1,5', 1))).toBe('stop_price_not_a_number');
    expect(reasonOf(stop(v, 'maker', 'a', 'buy', 'NaN', 1))).toBe('stop_price_not_finite');
    expect(reasonOf(stop(v, 'maker', 'a', 'buy', -5, 1))).toBe('stop_price_not_positive');
    expect(reasonOf(stop(v, 'maker', 'a', 'buy', 20100.2, 1))).toBe('stop_price_off_tick');
    expect(reasonOf(stop(v, 'maker', 'a', 'buy', 21500, 1))).toBe('stop_price_out_of_band');
    expect(reasonOf(stop(v, 'maker', 'a', 'buy', 20100.2, 0))).toBe('qty_zero');
    expect(reasonOf(stop(v, 'maker', 'a', 'buy', 20100.2, 1, { limit: 20000.3 }))).toBe(
      'stop_price_off_tick',
    );
    expect(reasonOf(stop(v, 'maker', 'a', 'buy', 20100, 1, { limit: 20000.3 }))).toBe('price_off_tick');
    expect(reasonOf(stop(v, 'maker', 'a', 'buy', 20100, 1, { limit: undefined, type: 'stop_limit' }))).toBe(
      'price_required',
    );
    expect(reasonOf(stop(v, 'maker', 'a', 'buy', 20100, 1))).toBe('ok');
  });

  it('refuses stop_would_trigger once the last trade has reached the stop price, inclusive', () => {
    const v = venue();
    // No trade yet: any stop price in the band is accepted.
    expect(reasonOf(stop(v, 'maker', 'a', 'sell', 20500, 0.1))).toBe('ok');
    trade(v, 20000);
    expect(reasonOf(stop(v, 'maker', 'b', 'buy', 20000, 0.1))).toBe('stop_would_trigger');
    expect(reasonOf(stop(v, 'maker', 'b', 'buy', 19999.5, 0.1))).toBe('stop_would_trigger');
    expect(reasonOf(stop(v, 'maker', 'b', 'sell', 20000, 0.1))).toBe('stop_would_trigger');
    expect(reasonOf(stop(v, 'maker', 'b', 'buy', 20000.5, 0.1))).toBe('ok');
    expect(reasonOf(stop(v, 'maker', 'c', 'sell', 19999.5, 0.1))).toBe('ok');
    // reset forgets the last trade.
    v.apply({ op: 'reset' });
    expect(reasonOf(stop(v, 'maker', 'd', 'buy', 19000, 0.1))).toBe('ok');
  });

  it('can be cancelled before it triggers, and cannot be replaced', () => {
    const v = venue();
    orderOf(stop(v, 'maker', 's1', 'buy', 20100, 1));
    expect(reasonOf(v.replace('maker', 'O1', { qty: 0.5 }))).toBe('invalid_request');
    const out = v.cancel('maker', 'O1');
    expect(eventsOf(out, 'order_cancelled')).toMatchObject([
      { orderId: 'O1', reason: 'user', cancelledQty: 1 },
    ]);
    expect(v.account('maker').reserved).toBe(0);
    // A trade through the stop price now triggers nothing.
    const later = trade(v, 20100);
    expect(eventsOf(later, 'order_triggered')).toEqual([]);
  });

  it('is cancelled by cancel_all and, for a stop_limit, by a mark that leaves its limit out of the band', () => {
    const v = venue();
    orderOf(stop(v, 'maker', 's1', 'buy', 20100, 0.1, { limit: 20900 }));
    orderOf(stop(v, 'maker', 's2', 'buy', 20100, 0.1));
    const out = v.setMark(19500);
    expect(eventsOf(out, 'order_cancelled')).toMatchObject([{ orderId: 'O1', reason: 'band' }]);
    const all = v.apply({ op: 'cancel_all', account: 'maker' });
    expect(eventsOf(all, 'order_cancelled')).toMatchObject([{ orderId: 'O2', reason: 'cancel_all' }]);
  });
});

describe('stop orders: triggering', () => {
  it('a buy stop triggers on a trade at its stop price, then acts as a market order', () => {
    const v = venue();
    orderOf(stop(v, 'maker', 's1', 'buy', 20000, 0.02));
    orderOf(v.sell('bystander', 'ask2', 20001, 0.01));
    const out = trade(v, 20000);
    const triggered = eventsOf(out, 'order_triggered');
    expect(triggered).toEqual([
      {
        type: 'order_triggered',
        orderId: 'O1',
        clientOrderId: 's1',
        symbol: BTC,
        side: 'buy',
        orderType: 'market',
        tif: 'ioc',
        price: null,
        stopPrice: 20000,
        qty: 0.02,
        triggerTradeId: 'T1',
        triggerPrice: 20000,
      },
    ]);
    // It takes the ask at 20001 and expires the rest, as a market ioc does.
    expect(typesOn(out, 'account:maker')).toEqual([
      'order_triggered',
      'fill',
      'order_expired',
      'position',
      'balance',
    ]);
    expect(eventsOf(out, 'order_expired')).toMatchObject([
      { orderId: 'O1', reason: 'market', expiredQty: 0.01 },
    ]);
    expect(eventsOf(out, 'trade').map((t) => t.price)).toEqual([20000, 20001]);
    // The taker's reply describes its own order, after the whole input.
    expect(orderOf(out)).toMatchObject({ status: 'filled' });
    expect(v.engine.orderStatus('maker', { orderId: 'O1' })).toMatchObject({
      ok: true,
      result: { order: { status: 'expired', stopPrice: 20000, triggered: true } },
    });
  });

  it('a trade that jumps past the stop price triggers it too (a gap)', () => {
    const v = venue();
    orderOf(stop(v, 'maker', 'buy-stop', 'buy', 20000, 0.01, { limit: 20000 }));
    orderOf(stop(v, 'maker', 'sell-stop', 'sell', 19000, 0.01, { limit: 19000 }));
    const up = trade(v, 20050);
    expect(eventsOf(up, 'order_triggered')).toMatchObject([{ orderId: 'O1', triggerPrice: 20050 }]);
    // The stop_limit at 20000 cannot buy above 20000: it rests as a gtc limit.
    expect(v.levels('bids')).toEqual([[20000, 0.01, 1]]);
    const down = trade(v, 19000, 0.01, 'sell', 'down');
    // The sell at 19000 first trades with the resting stop_limit bid at 20000.
    expect(eventsOf(down, 'trade').map((t) => t.price)).toEqual([20000]);
    expect(eventsOf(down, 'order_triggered')).toEqual([]);
  });

  it('a sell stop triggers at or below its stop price, never above', () => {
    const v = venue();
    orderOf(stop(v, 'maker', 's', 'sell', 19990, 0.01, { limit: 19980 }));
    expect(eventsOf(trade(v, 19990.5, 0.01, 'sell', 'a'), 'order_triggered')).toEqual([]);
    const out = trade(v, 19990, 0.01, 'sell', 'b');
    expect(eventsOf(out, 'order_triggered')).toMatchObject([
      { orderId: 'O1', orderType: 'limit', price: 19980 },
    ]);
    expect(v.levels('asks')).toEqual([[19980, 0.01, 1]]);
  });

  it('triggers at most once, and never on trades before it was accepted', () => {
    const v = venue();
    trade(v, 20000);
    orderOf(stop(v, 'maker', 's', 'buy', 20010, 0.01, { limit: 20000 }));
    const first = trade(v, 20010);
    expect(eventsOf(first, 'order_triggered')).toHaveLength(1);
    const second = trade(v, 20020);
    expect(eventsOf(second, 'order_triggered')).toEqual([]);
  });

  it('a triggered stop_limit rests with the priority of its trigger time', () => {
    const v = venue();
    orderOf(v.buy('bystander', 'early', 19990, 0.01)); // O1, before the stop
    orderOf(stop(v, 'maker', 's', 'buy', 20000, 0.01, { limit: 19990 })); // O2
    orderOf(v.buy('bystander', 'between', 19990, 0.01)); // O3, after the stop, before its trigger
    trade(v, 20000);
    orderOf(v.buy('bystander', 'late', 19990, 0.01));
    const hit = v.sell('taker', 'hit', 19990, 0.04);
    const makers = eventsOf(hit, 'fill')
      .filter((f) => f.liquidity === 'maker')
      .map((f) => f.clientOrderId);
    expect(makers).toEqual(['early', 'between', 's', 'late']);
  });

  it('runs the stops one trade triggers in order of acceptance, then cascades', () => {
    const v = venue();
    orderOf(stop(v, 'taker', 'b', 'buy', 20005, 0.01)); // O1, accepted first
    orderOf(stop(v, 'maker', 'a', 'buy', 20000, 0.01)); // O2
    orderOf(stop(v, 'maker', 'c', 'buy', 20010, 0.01)); // O3: triggered by a stop's trade
    orderOf(v.sell('bystander', 'x1', 20010, 0.01));
    orderOf(v.sell('bystander', 'x2', 20020, 0.01));
    const out = trade(v, 20005);
    expect(eventsOf(out, 'order_triggered').map((e) => [e.clientOrderId, e.triggerTradeId])).toEqual([
      ['b', 'T1'],
      ['a', 'T1'],
      ['c', 'T2'],
    ]);
  });

  it('with stopTriggerOrder stop_price, the stop the market passed first goes first', () => {
    const v = venue({ config: (c) => (c.stopTriggerOrder = 'stop_price') });
    orderOf(stop(v, 'taker', 'near', 'buy', 20005, 0.01));
    orderOf(stop(v, 'maker', 'far', 'buy', 20000, 0.01));
    const out = trade(v, 20005);
    expect(eventsOf(out, 'order_triggered').map((e) => e.clientOrderId)).toEqual(['far', 'near']);
  });

  it('a triggered stop meets self-trade prevention like any taker', () => {
    const v = venue();
    orderOf(v.sell('maker', 'own-ask', 20010, 0.01));
    orderOf(stop(v, 'maker', 's', 'buy', 20000, 0.01));
    const out = trade(v, 20000);
    expect(eventsOf(out, 'order_cancelled')).toMatchObject([{ clientOrderId: 's', reason: 'self_trade' }]);
    expect(v.levels('asks')).toEqual([[20010, 0.01, 1]]);
  });

  it('replays to the same state: a stop triggered inside a replace', () => {
    const v = venue();
    orderOf(stop(v, 'maker', 's', 'sell', 19950, 0.01));
    orderOf(v.buy('bystander', 'bid', 19950, 0.02));
    orderOf(v.sell('taker', 'ask', 20000, 0.01));
    const out = v.replace('taker', 'O3', { price: 19950 });
    expect(eventsOf(out, 'order_triggered')).toMatchObject([{ orderId: 'O1', triggerPrice: 19950 }]);
    expect(eventsOf(out, 'fill').filter((f) => f.orderId === 'O1')).toMatchObject([{ price: 19950 }]);
  });
});

describe('stop orders: planted bugs', () => {
  it('stop_triggers_early triggers on a mark move', () => {
    const v = venue({ bugs: ['stop_triggers_early'] });
    orderOf(stop(v, 'maker', 's', 'buy', 20100, 0.01));
    expect(eventsOf(v.setMark(20100), 'order_triggered')).toMatchObject([{ triggerPrice: 20100 }]);
    expect(eventsOf(venueWith().setMark(20100), 'order_triggered')).toEqual([]);
    function venueWith() {
      const clean = venue();
      orderOf(stop(clean, 'maker', 's', 'buy', 20100, 0.01));
      return clean;
    }
  });

  it('stop_never_triggers_on_gap misses a trade past the stop price', () => {
    const v = venue({ bugs: ['stop_never_triggers_on_gap'] });
    orderOf(stop(v, 'maker', 's', 'buy', 20000, 0.01));
    expect(eventsOf(trade(v, 20000.5), 'order_triggered')).toEqual([]);
    expect(eventsOf(trade(v, 20000), 'order_triggered')).toHaveLength(1);
  });

  it('stop_triggers_twice triggers again on a later trade', () => {
    const v = venue({ bugs: ['stop_triggers_twice'] });
    orderOf(stop(v, 'maker', 's', 'buy', 20000, 0.01, { limit: 19000 }));
    expect(eventsOf(trade(v, 20000), 'order_triggered')).toHaveLength(1);
    expect(eventsOf(trade(v, 20001), 'order_triggered')).toMatchObject([
      { orderId: 'O1', triggerPrice: 20001 },
    ]);
  });

  it('stop_triggers_before_accept triggers on the trade before it', () => {
    const v = venue({ bugs: ['stop_triggers_before_accept'] });
    trade(v, 20000);
    const out = stop(v, 'maker', 's', 'buy', 19990, 0.01);
    expect(eventsOf(out, 'order_triggered')).toMatchObject([{ triggerTradeId: 'T1' }]);
  });

  it('stop_limit_trades_through_limit buys above its limit', () => {
    const v = venue({ bugs: ['stop_limit_trades_through_limit'] });
    orderOf(stop(v, 'maker', 's', 'buy', 20000, 0.01, { limit: 20000 }));
    orderOf(v.sell('bystander', 'high', 20050, 0.01));
    const out = trade(v, 20000);
    expect(eventsOf(out, 'fill').filter((f) => f.clientOrderId === 's')).toMatchObject([{ price: 20050 }]);
  });
});
