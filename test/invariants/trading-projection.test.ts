import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/core/model/evidence.ts';
import { TRADERS } from '../../src/domains/trading/trading-action.ts';
import type { TradingClientEvent } from '../../src/domains/trading/trading-client-event.ts';
import { normalizeView, tradingProjection } from '../../src/domains/trading/trading-projection.ts';
import type { TradingView } from '../../src/domains/trading/trading-view.ts';
import { viewFromSnapshot } from '../../src/domains/trading/view-from-snapshot.ts';
import { cleanScenario } from './clean-scenario.ts';
import { BTC, Scenario } from './evidence-builder.ts';

let gseq = 0;
const rec = (stream: string, seq: number, event: TradingClientEvent): RecordedEvent<TradingClientEvent> => ({
  gseq: ++gseq,
  client: 'maker',
  stream,
  seq,
  time: 0,
  event,
});

const fold = (events: RecordedEvent<TradingClientEvent>[]): TradingView => {
  let view = tradingProjection.init('maker');
  for (const e of events) view = tradingProjection.apply(view, e);
  return view;
};

describe('tradingProjection', () => {
  it("folds each trader's events into the venue's view of its account", () => {
    const s = new Scenario();
    s.place('maker', 'm1', 'sell', 20000, 0.02);
    s.place('maker', 'm2', 'buy', 19990, 0.01);
    s.place('taker', 't1', 'buy', 20000, 0.005);
    s.replace('maker', 'm1', { qty: 0.015 });
    s.cancel('maker', 'm2');
    const evidence = s.evidence();
    const maker = normalizeView(evidence.projections.maker);
    // No mark moved, so the client was never told one: marks are the one thing it lacks.
    expect(maker.marks).toEqual({});
    expect({ ...maker, marks: {} }).toEqual({ ...viewFromSnapshot(evidence.snapshot, 'maker'), marks: {} });
    expect(maker.orders).toEqual([
      {
        orderId: 'O1',
        clientOrderId: 'm1',
        symbol: BTC,
        side: 'sell',
        price: 20000,
        qty: 0.015,
        filledQty: 0.005,
      },
    ]);
    expect(maker.positions).toEqual({ [BTC]: -0.005 });
    expect(maker.books[BTC]).toEqual({ bids: [], asks: [[20000, 0.01]] });
  });

  it('ends equal to the snapshot for every trader of the clean run, reconnects included', () => {
    const evidence = cleanScenario().evidence();
    for (const trader of TRADERS) {
      const mine = normalizeView(evidence.projections[trader]);
      const venue = viewFromSnapshot(evidence.snapshot, trader);
      expect(mine.orders, trader).toEqual(venue.orders);
      expect(mine.balance, trader).toEqual(venue.balance);
      expect(mine.positions, trader).toEqual(venue.positions);
      expect(mine.books, trader).toEqual(venue.books);
    }
  });

  it('replaces what a resync snapshot covers and keeps what it does not', () => {
    const view = fold([
      rec('account:maker', 1, {
        type: 'order_accepted',
        orderId: 'O1',
        clientOrderId: 'old',
        symbol: BTC,
        side: 'buy',
        orderType: 'limit',
        tif: 'gtc',
        price: 19000,
        qty: 1,
      }),
      rec('account:maker', 2, { type: 'position', symbol: BTC, qty: 3, markPrice: 20000, unrealizedPnl: 0 }),
      rec('book:SANDBOX.BTC-USD', 1, { type: 'book_delta', symbol: BTC, side: 'buy', price: 19000, qty: 1 }),
      rec('book:SANDBOX.ETH-USD', 1, {
        type: 'book_delta',
        symbol: 'SANDBOX.ETH-USD',
        side: 'sell',
        price: 1000,
        qty: 2,
      }),
      rec('session:maker', 1, {
        type: 'session_resynced',
        seqs: { 'account:maker': 7, 'book:SANDBOX.BTC-USD': 4 },
        snapshot: {
          accounts: [
            {
              account: {
                id: 'maker',
                leverage: 5,
                sandbox: true,
                cash: 5,
                reserved: 1,
                positionMargin: 0,
                equity: 5,
                available: 4,
                positions: [],
              },
              openOrders: [
                {
                  orderId: 'O9',
                  clientOrderId: 'new',
                  account: 'maker',
                  symbol: BTC,
                  side: 'sell',
                  type: 'limit',
                  tif: 'gtc',
                  price: 20500,
                  qty: 0.5,
                  filledQty: 0.1,
                  remainingQty: 0.4,
                  status: 'partially_filled',
                  priority: 3,
                },
              ],
            },
          ],
          books: [{ symbol: BTC, bids: [], asks: [[20500, 0.4, 1]] }],
          instruments: [],
        },
      }),
    ]);
    const normalized = normalizeView(view);
    expect(normalized.orders.map((o) => o.orderId)).toEqual(['O9']);
    expect(normalized.balance).toEqual({ cash: 5, reserved: 1, positionMargin: 0, equity: 5, available: 4 });
    expect(normalized.positions).toEqual({});
    expect(normalized.books[BTC]).toEqual({ bids: [], asks: [[20500, 0.4]] });
    expect(normalized.books['SANDBOX.ETH-USD']).toEqual({ bids: [], asks: [[1000, 2]] });
    expect(view.seqs['account:maker']).toBe(7);
    expect(view.seqs['book:SANDBOX.BTC-USD']).toBe(4);
  });

  it('removes emptied levels, finished orders and zero positions, and clears on reset', () => {
    const view = fold([
      rec('book:SANDBOX.BTC-USD', 1, { type: 'book_delta', symbol: BTC, side: 'sell', price: 20000, qty: 1 }),
      rec('book:SANDBOX.BTC-USD', 2, { type: 'book_delta', symbol: BTC, side: 'sell', price: 20000, qty: 0 }),
      rec('account:maker', 1, { type: 'position', symbol: BTC, qty: 0, markPrice: 20000, unrealizedPnl: 0 }),
      rec('market:SANDBOX.BTC-USD', 1, {
        type: 'mark_price',
        symbol: BTC,
        price: 20100,
        bandLow: 19095,
        bandHigh: 21105,
      }),
      rec('account:maker', 2, {
        type: 'order_accepted',
        orderId: 'O1',
        clientOrderId: 'c',
        symbol: BTC,
        side: 'buy',
        orderType: 'limit',
        tif: 'ioc',
        price: 19000,
        qty: 1,
      }),
      rec('account:maker', 3, {
        type: 'order_expired',
        orderId: 'O1',
        clientOrderId: 'c',
        symbol: BTC,
        reason: 'ioc',
        filledQty: 0,
        expiredQty: 1,
      }),
    ]);
    const normalized = normalizeView(view);
    expect(normalized).toEqual({
      orders: [],
      balance: null,
      positions: {},
      marks: { [BTC]: 20100 },
      books: {},
    });
    expect(view.orders.O1.status).toBe('expired');
    tradingProjection.apply(view, rec('market:SANDBOX.BTC-USD', 2, { type: 'reset' }));
    expect(view.marks).toEqual({});
  });
});
