import { describe, expect, it } from 'vitest';
import type { RunEvidence } from '../../src/core/model/evidence.ts';
import { executeRun } from '../../src/core/runner/execute-run.ts';
import {
  type BookLibrary,
  type BookLibraryTargetOptions,
  bookLibraryTarget,
  KIT_CAPABILITIES,
  type LibBook,
  type ModifyOutcome,
  type PlaceOutcome,
  type PlaceRequest,
  type RestingOrder,
} from '../../src/domains/trading/adapter-kit/index.ts';
import type { ExchangeSnapshot } from '../../src/domains/trading/protocol/exchange-snapshot.ts';
import type { PlaceAction, TradingAction } from '../../src/domains/trading/trading-action.ts';
import type { TradingClientEvent } from '../../src/domains/trading/trading-client-event.ts';
import type { TradingExtra } from '../../src/domains/trading/trading-evidence.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

/**
 * The kit against a scripted library: each test says what the library answers, and checks
 * what the kit makes of it (replies, events, the snapshot). No matching happens here; the
 * example library's test runs whole campaigns.
 */

const BTC = 'SANDBOX.BTC-USD';
const ETH = 'SANDBOX.ETH-USD';

/** A library whose answers the test writes; it records every call. */
class Scripted implements BookLibrary {
  readonly calls: { call: string; arg: unknown }[] = [];
  places: ((order: PlaceRequest) => PlaceOutcome)[] = [];
  levels: LibBook = { bids: [], asks: [] };
  modifyAnswer: ModifyOutcome = { modified: {} };

  place(order: PlaceRequest): PlaceOutcome {
    this.calls.push({ call: 'place', arg: order });
    const next = this.places.shift();
    if (next === undefined) throw new Error('no scripted answer');
    return next(order);
  }
  cancel(order: RestingOrder) {
    this.calls.push({ call: 'cancel', arg: order });
    return { cancelled: true } as const;
  }
  modify(order: RestingOrder, change: unknown): ModifyOutcome {
    this.calls.push({ call: 'modify', arg: { order, change } });
    return this.modifyAnswer;
  }
  book(): LibBook {
    return this.levels;
  }
}

function kit(libraries: Record<string, Scripted>, options: Partial<BookLibraryTargetOptions> = {}) {
  return bookLibraryTarget({
    name: 'scripted',
    open: (inst) => libraries[inst.symbol] ?? new Scripted(),
    ...options,
  });
}

let ids = 0;
const place = (fields: Partial<PlaceAction> & { client: PlaceAction['client'] }): PlaceAction => ({
  kind: 'place',
  gapMs: 0,
  symbol: BTC,
  side: 'buy',
  orderType: 'limit',
  tif: 'gtc',
  price: 20000,
  qty: 0.002,
  clientOrderId: `c${++ids}`,
  ...fields,
});

type Evidence = RunEvidence<TradingAction, TradingClientEvent, unknown, ExchangeSnapshot> & {
  extra: TradingExtra;
};

async function run(factory: ReturnType<typeof kit>, actions: TradingAction[]): Promise<Evidence> {
  const report = await executeRun(factory as never, actions, {
    clients: tradingPack.clients,
    projection: tradingPack.projection,
    invariants: [],
    settings: { maxActions: 100, requestTimeoutMs: 1000, quietMs: 50 },
  });
  return report.evidence as unknown as Evidence;
}

/** The admin's record (it follows every stream) without session events: stream, seq, txn, type. */
const record = (evidence: Evidence) =>
  evidence.events
    .filter((e) => e.client === 'admin' && !e.stream.startsWith('session:'))
    .map((e) => ({ stream: e.stream, seq: e.seq, txn: e.txn, type: e.event.type }));

describe('the adapter kit around a synchronous book library', () => {
  it('numbers each stream, gives each input one txn, and names an order by its step once the client knows its id', async () => {
    const btc = new Scripted();
    btc.places.push(() => {
      btc.levels = { bids: [{ price: 20000, qty: 0.002 }], asks: [] };
      return { accepted: { id: 'lib-7', fills: [], restingQty: 0.002 } };
    });
    const evidence = await run(kit({ [BTC]: btc }), [
      place({ client: 'maker', clientOrderId: 'a' }),
      // Sent 10 ms later: the place's reply (2 ms) has reached the maker, so the step names it by id.
      {
        kind: 'cancel',
        client: 'maker',
        gapMs: 10,
        target: { step: 0, clientOrderId: 'a', byOrderId: true },
      },
      // Another trader naming it is refused, by the kit: the library has no owners.
      {
        kind: 'cancel',
        client: 'taker',
        gapMs: 10,
        target: { step: 0, clientOrderId: 'a', byOrderId: true },
      },
    ]);
    expect(btc.calls.map((c) => c.call)).toEqual(['place', 'cancel']);
    expect((btc.calls[1].arg as RestingOrder).id).toBe('lib-7');
    const [placed, cancelled, foreign] = evidence.history.map((op) => op.reply);
    expect(placed).toMatchObject({
      status: 'ok',
      txn: 1,
      result: {
        kind: 'order',
        order: { orderId: 'O1', libraryOrderId: 'lib-7', status: 'open', qty: 0.002 },
      },
    });
    expect(cancelled).toMatchObject({ status: 'ok', txn: 2 });
    expect(foreign).toMatchObject({ status: 'fail', code: 'not_order_owner', txn: 3 });
    expect(record(evidence)).toEqual([
      { stream: 'account:maker', seq: 1, txn: 1, type: 'order_accepted' },
      { stream: `book:${BTC}`, seq: 1, txn: 1, type: 'book_delta' },
      { stream: 'account:maker', seq: 2, txn: 2, type: 'order_cancelled' },
      { stream: 'account:taker', seq: 1, txn: 3, type: 'order_rejected' },
    ]);
    // The level the library still holds after the cancel is what the final snapshot shows.
    expect(evidence.snapshot.books.find((b) => b.symbol === BTC)?.bids).toEqual([[20000, 0.002]]);
    expect(evidence.snapshot.accounts).toEqual([]);
    expect(evidence.snapshot.streams).toMatchObject({
      'account:maker': 2,
      'account:taker': 1,
      [`book:${BTC}`]: 1,
    });
  });

  it('makes a fill for each side and a trade of each library fill, puts floats on the grid and leaves dust as it is', async () => {
    const eth = new Scripted();
    eth.places.push(
      () => ({ accepted: { id: 1, restingQty: 0.3 } }),
      (order) => {
        expect(order).toMatchObject({
          side: 'buy',
          tif: 'ioc',
          price: 1000,
          priceTicks: 100000,
          qty: 0.4,
          qtyLots: 40,
        });
        // 0.30000000000000004 is 0.3 up to representation error; the level's rest is float dust.
        eth.levels = { bids: [], asks: [{ price: 1000, qty: 2.7755575615628914e-17 }] };
        return {
          accepted: { id: 2, fills: [{ makerId: 1, price: 1000, qty: 0.30000000000000004 }], restingQty: 0 },
        };
      },
    );
    const evidence = await run(kit({ [ETH]: eth }), [
      place({ client: 'maker', symbol: ETH, side: 'sell', price: 1000, qty: 0.3 }),
      place({ client: 'taker', symbol: ETH, side: 'buy', price: '1000.00', qty: 0.4, tif: 'ioc' }),
    ]);
    const second = evidence.events.filter((e) => e.client === 'admin' && e.txn === 2).map((e) => e.event);
    expect(second.map((e) => e.type)).toEqual([
      'order_accepted',
      'fill',
      'fill',
      'trade',
      'order_expired',
      'book_delta',
    ]);
    expect(second[1]).toMatchObject({
      orderId: 'O2',
      liquidity: 'taker',
      qty: 0.3,
      filledQty: 0.3,
      remainingQty: 0.1,
    });
    expect(second[2]).toMatchObject({
      orderId: 'O1',
      liquidity: 'maker',
      qty: 0.3,
      filledQty: 0.3,
      remainingQty: 0,
    });
    expect(second[3]).toMatchObject({ type: 'trade', price: 1000, qty: 0.3, takerSide: 'buy' });
    expect(second[4]).toMatchObject({ reason: 'ioc', filledQty: 0.3, expiredQty: 0.1 });
    expect(second[5]).toMatchObject({ side: 'sell', price: 1000, qty: 2.7755575615628914e-17 });
  });

  it('refuses bad numbers itself, maps the library refusals, and answers a crash indeterminate', async () => {
    class Refused extends Error {
      constructor(readonly code: string) {
        super(code);
      }
    }
    const btc = new Scripted();
    btc.places.push(
      () => ({ rejected: 'E_TOO_SMALL' }),
      () => {
        throw new Refused('E_HALTED');
      },
      () => {
        throw new TypeError('cannot read properties of undefined');
      },
      () => ({ nonsense: true }) as never,
    );
    const evidence = await run(
      kit(
        { [BTC]: btc },
        {
          reasons: { E_TOO_SMALL: 'qty_below_min', E_HALTED: 'halted' },
          refusalOf: (e) => (e instanceof Refused ? e.code : undefined),
        },
      ),
      [
        place({ client: 'maker', qty: 'abc' }),
        place({ client: 'maker', qty: 0.0015 }),
        place({ client: 'maker', price: 20000.25 }),
        place({ client: 'maker' }),
        place({ client: 'maker' }),
        place({ client: 'maker' }),
        place({ client: 'maker' }),
      ],
    );
    const replies = evidence.history.map((op) => op.reply);
    expect(replies.slice(0, 3).map((r) => r?.status === 'fail' && r.code)).toEqual([
      'qty_not_a_number',
      'qty_not_lot_multiple',
      'price_off_tick',
    ]);
    expect(replies[3]).toMatchObject({ status: 'fail', code: 'qty_below_min' });
    expect(replies[4]).toMatchObject({ status: 'fail', code: 'halted' });
    expect(replies[5]).toMatchObject({ status: 'info', reason: expect.stringContaining('TypeError') });
    expect(replies[6]).toMatchObject({
      status: 'info',
      reason: expect.stringContaining('neither an outcome'),
    });
    // The grid is checked before the library is called: it saw only the four valid requests.
    expect(btc.calls).toHaveLength(4);
    const rejected = evidence.events.filter((e) => e.client === 'maker' && e.event.type === 'order_rejected');
    expect(rejected).toHaveLength(5);
  });

  it('states the priority rule on a replace unless the library says, and an ioc the library rests stays open', async () => {
    const btc = new Scripted();
    btc.places.push(
      () => ({ accepted: { id: 1, restingQty: 0.002 } }),
      () => ({ accepted: { id: 2, restingQty: 0.001 } }),
    );
    const evidence = await run(kit({ [BTC]: btc }), [
      place({ client: 'maker', clientOrderId: 'a', qty: 0.003 }),
      {
        kind: 'replace',
        client: 'maker',
        gapMs: 10,
        target: { step: 0, clientOrderId: 'a', byOrderId: true },
        qty: 0.002,
      },
      place({ client: 'taker', side: 'sell', tif: 'ioc', qty: 0.001, gapMs: 10 }),
    ]);
    const modify = btc.calls.find((c) => c.call === 'modify')?.arg as { change: unknown };
    expect(modify.change).toMatchObject({
      price: 20000,
      qty: 0.002,
      remainingQty: 0.002,
      priceChanged: false,
    });
    const replaced = evidence.events.find((e) => e.client === 'admin' && e.event.type === 'order_replaced');
    expect(replaced?.event).toMatchObject({ qty: 0.002, priorityKept: true });
    // The library said 0.001 of the ioc rests: no expiry, it stays open (orders.flags reports it).
    const ioc = evidence.events.filter((e) => e.client === 'admin' && e.txn === 3).map((e) => e.event.type);
    expect(ioc).toEqual(['order_accepted']);
    expect(evidence.snapshot.orders.map((o) => o.orderId)).toEqual(['O1', 'O2']);
  });

  it('takes the open orders of the snapshot from the library when it lists them, and declares what a bare book has', async () => {
    const btc = new Scripted();
    btc.places.push(() => {
      btc.levels = {
        bids: [
          {
            price: 20000,
            qty: 0.005,
            orders: [
              { id: 9, qty: 0.002 },
              { id: 'ghost', qty: 0.003 },
            ],
          },
        ],
        asks: [],
      };
      return { accepted: { id: 9, restingQty: 0.002 } };
    });
    const factory = kit({ [BTC]: btc }, { capabilities: ['book-order-counts'] });
    expect(factory.capabilities).toEqual([...KIT_CAPABILITIES, 'book-order-counts']);
    expect(factory.faultKinds).toEqual([]);
    const evidence = await run(factory, [place({ client: 'maker', clientOrderId: 'a' })]);
    expect(evidence.snapshot.orders).toMatchObject([
      { orderId: 'O1', account: 'maker', remainingQty: 0.002, priority: 1 },
      { orderId: 'lib:ghost', account: '', remainingQty: 0.003, priority: 2 },
    ]);
    expect(evidence.snapshot.books.find((b) => b.symbol === BTC)?.bids).toEqual([[20000, 0.005, 2]]);
    expect(evidence.extra.config.accounts).toEqual([]);
    expect(evidence.extra.config.instruments.map((i) => [i.symbol, i.tickSize, i.lotSize])).toEqual([
      [BTC, 0.5, 0.001],
      [ETH, 0.01, 0.01],
    ]);
  });
});
