import type { TradingEvidence } from '../../../src/domains/trading/trading-evidence.ts';
import { groupByTxn } from './admin-record.ts';
import { accountOfStream, isOrderEvent, type TradingRecord } from './events.ts';
import { type MarketGrid, marketGrid } from './market-grid.ts';
import { marketRecord, type RecordSource, StreamKnowledge, snapshotStreams } from './market-record.ts';
import { orderLabel } from './order-label.ts';

export type BookSide = 'buy' | 'sell';

/** An order as the order events tell it, with what is left of it. */
export interface BookOrder {
  orderId: string;
  label: string;
  account: string;
  symbol: string;
  side: BookSide;
  /** The limit price as the venue reported it; null for market orders. */
  price: number | null;
  /** The price as a grid key; undefined for market orders. */
  key: number | undefined;
  /** Remaining quantity, in the grid's units. */
  remaining: number;
  open: boolean;
  /** When it joined its queue (a rank over the run); undefined while it is not queued. */
  joined?: number;
  accepted: TradingRecord;
  last: TradingRecord;
}

/** A level as the book stream published it. */
export interface PublishedLevel {
  price: number;
  /** Total quantity, in the grid's units. */
  qty: number;
  /** The order count, when the venue's delta carries one. */
  count?: number;
  rec: TradingRecord;
}

/**
 * The levels of one symbol an input changed, each once, in the order they were first touched
 * (`sides[i]` and `keys[i]` name the i-th). An input touches a few levels: found by looking.
 */
export class TouchedLevels {
  readonly sides: BookSide[] = [];
  readonly keys: number[] = [];

  add(side: BookSide, key: number): void {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] === key && this.sides[i] === side) return;
    this.sides.push(side);
    this.keys.push(key);
  }
}

/** One input (txn) of the record, once all its events are applied. */
export interface InputStep {
  txn: number;
  group: readonly TradingRecord[];
  /** Per symbol, the levels the input changed, by order events or book deltas. */
  touched: Map<string, TouchedLevels>;
}

type Ladder = Map<number, PublishedLevel>;

/** The published book and the resting orders, followed input by input through the record. */
export class MarketState {
  readonly orders = new Map<string, BookOrder>();
  private readonly books = new Map<string, { buy: Ladder; sell: Ladder }>();
  /** symbol -> side -> key -> open orders there. */
  private readonly queues = new Map<
    string,
    { buy: Map<number, Set<BookOrder>>; sell: Map<number, Set<BookOrder>> }
  >();

  constructor(
    readonly grid: MarketGrid,
    private readonly knowledge: StreamKnowledge,
    /** The account streams whose orders may be on any book. */
    private readonly accountStreams: readonly string[],
    /** False when the venue publishes no book stream at all, or the accounts cannot be known. */
    private readonly checkable: boolean,
  ) {}

  /** Every published level and every resting order of the symbol are known. */
  knowable(symbol: string): boolean {
    if (!this.checkable || !this.knowledge.known(`book:${symbol}`)) return false;
    return this.accountStreams.every((stream) => this.knowledge.known(stream));
  }

  levels(symbol: string, side: BookSide): Ladder {
    return this.bookOf(symbol)[side];
  }

  level(symbol: string, side: BookSide, key: number): PublishedLevel | undefined {
    return this.bookOf(symbol)[side].get(key);
  }

  /** Open limit orders resting at a level (orders with nothing left excluded). */
  resting(symbol: string, side: BookSide, key: number): BookOrder[] {
    const out: BookOrder[] = [];
    for (const o of this.queuesOf(symbol)[side].get(key) ?? []) if (o.remaining > 0) out.push(o);
    return out;
  }

  /** The best key (highest bid, lowest ask) with an open order on it, as bestKey(orderKeys()) gives it. */
  bestOrderKey(symbol: string, side: BookSide): number | undefined {
    let best: number | undefined;
    for (const [key, set] of this.queuesOf(symbol)[side]) {
      if (best !== undefined && !(side === 'buy' ? key > best : key < best)) continue;
      for (const o of set) {
        if (o.remaining > 0) {
          best = key;
          break;
        }
      }
    }
    return best;
  }

  /** Keys with open orders on one side. */
  orderKeys(symbol: string, side: BookSide): number[] {
    const out: number[] = [];
    for (const [key, set] of this.queuesOf(symbol)[side]) {
      for (const o of set) {
        if (o.remaining > 0) {
          out.push(key);
          break;
        }
      }
    }
    return out;
  }

  /** Symbols with a published book or an order. */
  symbols(): string[] {
    return [...new Set([...this.books.keys(), ...this.queues.keys()])];
  }

  // ------------------------------------------------------------ updates

  bookOf(symbol: string): { buy: Ladder; sell: Ladder } {
    let book = this.books.get(symbol);
    if (book === undefined) {
      book = { buy: new Map(), sell: new Map() };
      this.books.set(symbol, book);
    }
    return book;
  }

  private queuesOf(symbol: string) {
    let q = this.queues.get(symbol);
    if (q === undefined) {
      q = { buy: new Map(), sell: new Map() };
      this.queues.set(symbol, q);
    }
    return q;
  }

  /** Takes an order off its level's index, or puts it there (when open and priced). */
  index(order: BookOrder, add: boolean): void {
    if (order.key === undefined || Number.isNaN(order.key)) return;
    const side = this.queuesOf(order.symbol)[order.side];
    let set = side.get(order.key);
    if (add) {
      if (set === undefined) {
        set = new Set();
        side.set(order.key, set);
      }
      set.add(order);
    } else if (set !== undefined) {
      set.delete(order);
      if (set.size === 0) side.delete(order.key);
    }
  }
}

export interface ReplayResult {
  source: RecordSource;
  /** Inputs replayed. */
  inputs: number;
  /** Why nothing can be compared input by input, when that is so. */
  unknowable?: string;
  /** Whether any book stream shows in the record or the final snapshot. */
  publishesBooks: boolean;
}

export interface ReplayHooks {
  /** Each event as it is applied (after the state took it). */
  event?(rec: TradingRecord, state: MarketState): void;
  /** Each order event, before the state takes it. */
  beforeOrderEvent?(rec: TradingRecord, order: BookOrder | undefined, state: MarketState): void;
  /** After each input, queues joined. */
  input?(step: InputStep, state: MarketState): void;
}

const touch = (
  touched: Map<string, TouchedLevels>,
  symbol: string,
  side: BookSide,
  key: number | undefined,
) => {
  if (key === undefined || Number.isNaN(key)) return;
  let levels = touched.get(symbol);
  if (levels === undefined) {
    levels = new TouchedLevels();
    touched.set(symbol, levels);
  }
  levels.add(side, key);
};

/** Every level of a symbol, published or with orders: what a reset makes worth comparing. */
function touchAll(touched: Map<string, TouchedLevels>, state: MarketState, symbol: string): void {
  for (const side of ['buy', 'sell'] as const) {
    for (const key of state.levels(symbol, side).keys()) touch(touched, symbol, side, key);
    for (const key of state.orderKeys(symbol, side)) touch(touched, symbol, side, key);
  }
}

/**
 * Replays the venue's record (marketRecord) input by input: the published book from the
 * book deltas, and the resting orders from the order events. An order rests once the input
 * that accepted it is over and it is still open with a limit price; replaces move it, fills
 * shrink it (to the remaining quantity the fill reports), a cancel, an expiry, the last fill or
 * its account's reset end it. Which symbols can be compared is up to the record: see
 * MarketState.knowable.
 */
export function replayMarket(evidence: TradingEvidence, hooks: ReplayHooks): ReplayResult {
  const grid = marketGrid(evidence?.extra?.config);
  const { record, source } = marketRecord(evidence);
  const published = snapshotStreams(evidence);
  const knowledge = StreamKnowledge.of(record, published);
  const accountStreams = new Set<string>();
  for (const stream of published?.keys() ?? []) if (stream.startsWith('account:')) accountStreams.add(stream);
  for (const rec of record) if (rec.stream.startsWith('account:')) accountStreams.add(rec.stream);
  const publishesBooks =
    record.some((rec) => rec.stream.startsWith('book:')) ||
    [...(published?.keys() ?? [])].some((s) => s.startsWith('book:'));
  let unknowable: string | undefined;
  if (source === 'none') unknowable = 'no record of the venue (no admin, and no trader events with a txn)';
  else if (!publishesBooks) unknowable = 'the venue publishes no book stream';
  else if (published === undefined)
    unknowable = 'the final snapshot lists no streams, so accounts outside the record cannot be ruled out';
  const state = new MarketState(grid, knowledge, [...accountStreams], unknowable === undefined);
  const owners = new Map<string, string>();
  let rank = 0;
  let inputs = 0;

  // The symbol or account of each stream, read once: one string each for every lookup.
  const names = new Map<string, string | undefined>();
  const nameOf = (stream: string): string | undefined => {
    let name = names.get(stream);
    if (name === undefined && !names.has(stream)) {
      name = stream.startsWith('book:') ? stream.slice(5) : accountOfStream(stream);
      names.set(stream, name);
    }
    return name;
  };
  for (const group of groupByTxn(record)) {
    const touched = new Map<string, TouchedLevels>();
    const pending: BookOrder[] = [];
    for (const rec of group) {
      if (!knowledge.take(rec)) continue;
      const e = rec.event;
      if (rec.stream.startsWith('book:')) {
        const symbol = nameOf(rec.stream) as string;
        if (e.type === 'reset') {
          touchAll(touched, state, symbol);
          const book = state.bookOf(symbol);
          book.buy.clear();
          book.sell.clear();
        } else if (e.type === 'book_delta') {
          const side: BookSide | undefined = e.side === 'buy' || e.side === 'sell' ? e.side : undefined;
          const key = grid.priceKey(symbol, e.price);
          if (side !== undefined && !Number.isNaN(key)) {
            const ladder = state.levels(symbol, side);
            const qty = grid.qtyUnits(symbol, e.qty);
            const count = (e as { count?: unknown }).count;
            if (!(qty !== 0)) ladder.delete(key);
            else
              ladder.set(
                key,
                typeof count === 'number'
                  ? { price: e.price, qty, count, rec }
                  : { price: e.price, qty, rec },
              );
            touch(touched, symbol, side, key);
          }
        }
        hooks.event?.(rec, state);
        continue;
      }
      const account = nameOf(rec.stream);
      if (account === undefined) {
        hooks.event?.(rec, state);
        continue;
      }
      if (e.type === 'reset') {
        for (const order of state.orders.values()) {
          if (order.account !== account || !order.open) continue;
          order.open = false;
          order.last = rec;
          state.index(order, false);
          touchAll(touched, state, order.symbol);
          touch(touched, order.symbol, order.side, order.key);
        }
        hooks.event?.(rec, state);
        continue;
      }
      if (!isOrderEvent(rec)) {
        hooks.event?.(rec, state);
        continue;
      }
      const oe = rec.event;
      if (oe.type === 'order_accepted') {
        if (owners.has(oe.orderId)) continue;
        owners.set(oe.orderId, account);
        hooks.beforeOrderEvent?.(rec, undefined, state);
        const side: BookSide = oe.side === 'sell' ? 'sell' : 'buy';
        const price = typeof oe.price === 'number' ? oe.price : null;
        const order: BookOrder = {
          orderId: oe.orderId,
          label: orderLabel(oe.orderId, account, oe.clientOrderId),
          account,
          symbol: oe.symbol,
          side,
          price,
          key: price === null ? undefined : grid.priceKey(oe.symbol, price),
          remaining: grid.qtyUnits(oe.symbol, oe.qty),
          open: true,
          accepted: rec,
          last: rec,
        };
        state.orders.set(oe.orderId, order);
        state.index(order, true);
        pending.push(order);
        touch(touched, order.symbol, order.side, order.key);
        hooks.event?.(rec, state);
        continue;
      }
      if (owners.get(oe.orderId) !== account) continue;
      const order = state.orders.get(oe.orderId);
      hooks.beforeOrderEvent?.(rec, order, state);
      if (order === undefined || !order.open) {
        hooks.event?.(rec, state);
        continue;
      }
      order.last = rec;
      touch(touched, order.symbol, order.side, order.key);
      if (oe.type === 'fill') {
        const left = grid.qtyUnits(order.symbol, oe.remainingQty);
        order.remaining = Number.isNaN(left) ? order.remaining - grid.qtyUnits(order.symbol, oe.qty) : left;
        if (!(order.remaining > 0)) {
          order.open = false;
          state.index(order, false);
        }
      } else if (oe.type === 'order_replaced') {
        const key = grid.priceKey(order.symbol, oe.price);
        const left = grid.qtyUnits(order.symbol, oe.remainingQty);
        const moved = key !== order.key;
        state.index(order, false);
        order.price = oe.price;
        order.key = key;
        if (!Number.isNaN(left)) order.remaining = left;
        state.index(order, true);
        if (moved || !oe.priorityKept) {
          order.joined = undefined;
          pending.push(order);
        }
        touch(touched, order.symbol, order.side, order.key);
      } else {
        order.open = false;
        state.index(order, false);
      }
      hooks.event?.(rec, state);
    }
    for (const order of pending) {
      if (order.open && order.key !== undefined && order.joined === undefined && order.remaining > 0)
        order.joined = ++rank;
    }
    inputs++;
    hooks.input?.({ txn: group[0].txn ?? 0, group, touched }, state);
  }
  return { source, inputs, publishesBooks, ...(unknowable === undefined ? {} : { unknowable }) };
}
