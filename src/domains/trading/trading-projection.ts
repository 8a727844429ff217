import type { Projection } from '../../core/model/projection.ts';
import type { OrderStatus } from './protocol/exchange-event.ts';
import type { Side } from './protocol/exchange-input.ts';
import type { ResyncSnapshot } from './protocol/resync-snapshot.ts';
import type { TradingClientEvent } from './trading-client-event.ts';
import type { TradingView, ViewOrder } from './trading-view.ts';

/** One open order as plain data: what a client and the venue must agree on. */
export interface NormalizedOrder {
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  price: number | null;
  qty: number;
  filledQty: number;
}

/** Levels as [price, qty], best first. */
export interface NormalizedBook {
  bids: [number, number][];
  asks: [number, number][];
}

/** The comparable form of a view: open orders only, no zero positions, no empty levels. */
export interface NormalizedTradingView {
  orders: NormalizedOrder[];
  balance: NonNullable<TradingView['balance']> | null;
  positions: Record<string, number>;
  marks: Record<string, number>;
  books: Record<string, NormalizedBook>;
}

export function isOpenStatus(status: OrderStatus): boolean {
  return status === 'open' || status === 'partially_filled';
}

/** Engine ids are O1, O2, ... : shorter first gives numeric order without parsing. */
export function compareOrderIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function streamSubject(stream: string): string {
  const colon = stream.indexOf(':');
  return colon < 0 ? '' : stream.slice(colon + 1);
}

function bookOf(view: TradingView, symbol: string): TradingView['books'][string] {
  let book = view.books[symbol];
  if (book === undefined) {
    book = { bids: {}, asks: {} };
    view.books[symbol] = book;
  }
  return book;
}

/** A reset on a stream drops what that stream had told the client. */
function applyReset(view: TradingView, stream: string): void {
  const subject = streamSubject(stream);
  if (stream.startsWith('account:')) {
    view.orders = {};
    view.positions = {};
    view.balance = null;
  } else if (stream.startsWith('book:')) {
    delete view.books[subject];
  } else if (stream.startsWith('market:')) {
    delete view.marks[subject];
  }
}

/** A resync snapshot replaces what it covers; what it does not cover is left as it was. */
function applyResync(view: TradingView, snapshot: ResyncSnapshot, seqs: Record<string, number>): void {
  const accounts = snapshot?.accounts ?? [];
  if (accounts.length > 0) {
    view.orders = {};
    for (const { openOrders } of accounts) {
      for (const o of openOrders ?? []) {
        view.orders[o.orderId] = {
          orderId: o.orderId,
          clientOrderId: o.clientOrderId,
          symbol: o.symbol,
          side: o.side,
          price: o.price,
          qty: o.qty,
          filledQty: o.filledQty,
          status: o.status,
        };
      }
    }
    const own = accounts.find((a) => a.account?.id === view.account) ?? accounts[0];
    const { cash, reserved, positionMargin, equity, available, positions } = own.account;
    view.balance = { cash, reserved, positionMargin, equity, available };
    view.positions = {};
    for (const p of positions ?? []) view.positions[p.symbol] = p.qty;
  }
  for (const book of snapshot?.books ?? []) {
    const bids: Record<string, number> = {};
    const asks: Record<string, number> = {};
    for (const [price, qty] of book.bids) if (qty !== 0) bids[String(price)] = qty;
    for (const [price, qty] of book.asks) if (qty !== 0) asks[String(price)] = qty;
    view.books[book.symbol] = { bids, asks };
  }
  for (const inst of snapshot?.instruments ?? []) view.marks[inst.symbol] = inst.markPrice;
  Object.assign(view.seqs, seqs ?? {});
}

/** A fill for an order the client never saw accepted still tells what the order is now. */
function orderFromFill(e: Extract<TradingClientEvent, { type: 'fill' }>): ViewOrder {
  return {
    orderId: e.orderId,
    clientOrderId: e.clientOrderId,
    symbol: e.symbol,
    side: e.side,
    price: e.liquidity === 'maker' ? e.price : null,
    qty: e.filledQty + e.remainingQty,
    filledQty: 0,
    status: 'open',
  };
}

function apply(
  view: TradingView,
  record: { stream: string; seq: number; event: TradingClientEvent },
): TradingView {
  const e = record.event;
  view.seqs[record.stream] = record.seq;
  switch (e?.type) {
    case 'session_connected':
      if (e.account !== null) view.account = e.account;
      break;
    case 'session_resynced':
      applyResync(view, e.snapshot, e.seqs);
      break;
    case 'order_accepted':
      view.orders[e.orderId] = {
        orderId: e.orderId,
        clientOrderId: e.clientOrderId,
        symbol: e.symbol,
        side: e.side,
        price: e.price,
        qty: e.qty,
        filledQty: 0,
        status: 'open',
      };
      break;
    case 'fill': {
      const order = view.orders[e.orderId] ?? orderFromFill(e);
      order.filledQty = e.filledQty;
      order.status = e.remainingQty > 0 ? 'partially_filled' : 'filled';
      view.orders[e.orderId] = order;
      break;
    }
    case 'order_replaced': {
      const order = view.orders[e.orderId];
      if (order !== undefined) {
        order.price = e.price;
        order.qty = e.qty;
        order.filledQty = e.filledQty;
      }
      break;
    }
    case 'order_cancelled':
    case 'order_expired': {
      const order = view.orders[e.orderId];
      if (order !== undefined) {
        order.filledQty = e.filledQty;
        order.status = e.type === 'order_cancelled' ? 'cancelled' : 'expired';
      }
      break;
    }
    case 'balance':
      view.balance = {
        cash: e.cash,
        reserved: e.reserved,
        positionMargin: e.positionMargin,
        equity: e.equity,
        available: e.available,
      };
      break;
    case 'position':
      view.positions[e.symbol] = e.qty;
      break;
    case 'mark_price':
      view.marks[e.symbol] = e.price;
      break;
    case 'book_delta': {
      const levels = e.side === 'buy' ? bookOf(view, e.symbol).bids : bookOf(view, e.symbol).asks;
      if (e.qty === 0) delete levels[String(e.price)];
      else levels[String(e.price)] = e.qty;
      break;
    }
    case 'reset':
      applyReset(view, record.stream);
      break;
    default:
      break;
  }
  return view;
}

/** Levels without zeros, best first: bids high to low, asks low to high. */
export function sortedLevels(levels: Iterable<[number, number]>, bids: boolean): [number, number][] {
  const out = [...levels].filter(([, qty]) => qty !== 0);
  out.sort((a, b) => (bids ? b[0] - a[0] : a[0] - b[0]));
  return out;
}

/** The comparable fields of an open order, shared by a client's view and the venue's snapshot. */
export function normalizedOrder(o: {
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: ViewOrder['side'];
  price: number | null;
  qty: number;
  filledQty: number;
}): NormalizedTradingView['orders'][number] {
  return {
    orderId: o.orderId,
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    price: o.price,
    qty: o.qty,
    filledQty: o.filledQty,
  };
}

export function normalizeView(view: TradingView): NormalizedTradingView {
  const orders = Object.values(view.orders)
    .filter((o) => isOpenStatus(o.status))
    .sort((a, b) => compareOrderIds(a.orderId, b.orderId))
    .map(normalizedOrder);
  const positions: Record<string, number> = {};
  for (const symbol of Object.keys(view.positions).sort()) {
    if (view.positions[symbol] !== 0) positions[symbol] = view.positions[symbol];
  }
  const marks: Record<string, number> = {};
  for (const symbol of Object.keys(view.marks).sort()) marks[symbol] = view.marks[symbol];
  const books: Record<string, NormalizedBook> = {};
  for (const symbol of Object.keys(view.books).sort()) {
    const { bids, asks } = view.books[symbol];
    const toLevel = ([price, qty]: [string, number]): [number, number] => [Number(price), qty];
    const book = {
      bids: sortedLevels(Object.entries(bids).map(toLevel), true),
      asks: sortedLevels(Object.entries(asks).map(toLevel), false),
    };
    if (book.bids.length > 0 || book.asks.length > 0) books[symbol] = book;
  }
  return { orders, balance: view.balance === null ? null : { ...view.balance }, positions, marks, books };
}

/**
 * A trading client's view folded from its own events. A resync replaces what its snapshot
 * covers, so a client that lost events converges again; the fold updates the view in place.
 */
export const tradingProjection: Projection<TradingClientEvent, TradingView> = {
  name: 'trading',
  init(client: string): TradingView {
    return {
      client,
      account: null,
      orders: {},
      balance: null,
      positions: {},
      marks: {},
      books: {},
      seqs: {},
    };
  },
  apply,
  normalize: normalizeView,
};
