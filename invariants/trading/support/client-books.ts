import { sharedView } from '../../../src/core/runner/shared-views.ts';
import type { TradingEvidence } from '../../../src/domains/trading/trading-evidence.ts';
import { is, type TradingRecord } from './events.ts';
import { type MarketGrid, marketGrid } from './market-grid.ts';
import type { BookSide } from './market-replay.ts';
import { runIndex } from './run-index.ts';

/** One level of a book as some client (or snapshot) has it, quantities in grid units. */
export interface FoldedLevel {
  price: number;
  qty: number;
  count?: number;
  /** The event that set it (a delta, or the resync that brought it); absent for a snapshot. */
  rec?: TradingRecord;
}

export interface FoldedBook {
  buy: Map<number, FoldedLevel>;
  sell: Map<number, FoldedLevel>;
  /** The last seq of `book:<symbol>` folded in; undefined when nothing was. */
  last?: number;
  /** Everything from the stream's start (seq 1, a reset or a resync snapshot) is in the fold. */
  known: boolean;
  /** The event of the last resync that set this book, if any. */
  resync?: TradingRecord;
}

export const emptyBook = (): FoldedBook => ({ buy: new Map(), sell: new Map(), known: true });

/** Levels of a BookSnapshot side (`[price, qty, count?]` best first) keyed on the grid. */
export function levelsOf(
  rows: unknown,
  symbol: string,
  grid: MarketGrid,
  rec?: TradingRecord,
): Map<number, FoldedLevel> {
  const out = new Map<number, FoldedLevel>();
  if (!Array.isArray(rows)) return out;
  for (const row of rows) {
    if (!Array.isArray(row) || typeof row[0] !== 'number' || typeof row[1] !== 'number') continue;
    const key = grid.priceKey(symbol, row[0]);
    if (Number.isNaN(key)) continue;
    out.set(key, {
      price: row[0],
      qty: grid.qtyUnits(symbol, row[1]),
      ...(typeof row[2] === 'number' ? { count: row[2] } : {}),
      ...(rec ? { rec } : {}),
    });
  }
  return out;
}

/** A book_delta or reset of `book:<symbol>` applied to a fold. */
export function applyBookEvent(book: FoldedBook, symbol: string, rec: TradingRecord, grid: MarketGrid): void {
  if (is(rec, 'reset')) {
    book.buy.clear();
    book.sell.clear();
    return;
  }
  if (!is(rec, 'book_delta')) return;
  const e = rec.event;
  const side: BookSide | undefined = e.side === 'buy' || e.side === 'sell' ? e.side : undefined;
  const key = grid.priceKey(symbol, e.price);
  if (side === undefined || Number.isNaN(key)) return;
  const qty = grid.qtyUnits(symbol, e.qty);
  const count = (e as { count?: unknown }).count;
  if (!(qty !== 0)) book[side].delete(key);
  else
    book[side].set(
      key,
      typeof count === 'number' ? { price: e.price, qty, count, rec } : { price: e.price, qty, rec },
    );
}

/**
 * Each client's books as it folded them from what it received: deltas on `book:<symbol>`,
 * reset events, and the books of its resync snapshots (which replace the fold and set its seq).
 * A fold is known while nothing is missing since its start; a seq gap makes it unknown until
 * the next resync or reset.
 */
export function foldClientBooks(
  evidence: TradingEvidence,
  grid: MarketGrid,
): Map<string, Map<string, FoldedBook>> {
  const out = new Map<string, Map<string, FoldedBook>>();
  // The symbol of each book stream, read once: one string per symbol for every lookup.
  const symbols = new Map<string, string>();
  // Each client's resyncs and book events only (the run index): nothing else folds a book.
  for (const [client, records] of runIndex(evidence).clientBookEvents) {
    const books = new Map<string, FoldedBook>();
    const bookOf = (symbol: string): FoldedBook => {
      let book = books.get(symbol);
      if (book === undefined) {
        book = { buy: new Map(), sell: new Map(), known: false };
        books.set(symbol, book);
      }
      return book;
    };
    for (const rec of records) {
      if (is(rec, 'session_resynced')) {
        const snap = rec.event.snapshot;
        const seqs = rec.event.seqs ?? {};
        for (const b of Array.isArray(snap?.books) ? snap.books : []) {
          if (typeof b?.symbol !== 'string') continue;
          const seq = seqs[`book:${b.symbol}`];
          const book = bookOf(b.symbol);
          book.buy = levelsOf(b.bids, b.symbol, grid, rec);
          book.sell = levelsOf(b.asks, b.symbol, grid, rec);
          book.known = typeof seq === 'number';
          book.last = typeof seq === 'number' ? seq : undefined;
          book.resync = rec;
        }
        continue;
      }
      let symbol = symbols.get(rec.stream);
      if (symbol === undefined) {
        symbol = rec.stream.slice(5);
        symbols.set(rec.stream, symbol);
      }
      const book = bookOf(symbol);
      if (book.last === undefined) book.known = rec.seq === 1;
      else if (rec.seq <= book.last) continue;
      else if (rec.seq !== book.last + 1) book.known = false;
      book.last = rec.seq;
      applyBookEvent(book, symbol, rec, grid);
      if (is(rec, 'reset')) book.known = true;
    }
    out.set(client, books);
  }
  return out;
}

const CLIENT_BOOKS = Symbol('each client books, folded on the grid of the run config');

/**
 * foldClientBooks on the grid of the run's own config (marketGrid of `evidence.extra.config`),
 * folded once for all the invariants that read it while a run is checked (shared-views.ts).
 * Read it, never change it.
 */
export function sharedClientBooks(
  evidence: TradingEvidence,
): ReadonlyMap<string, ReadonlyMap<string, FoldedBook>> {
  return sharedView(evidence, CLIENT_BOOKS, () =>
    foldClientBooks(evidence, marketGrid(evidence?.extra?.config)),
  );
}

/** Resting quantity and order count per level of the final snapshot's open orders. */
export interface OrderLevel {
  qty: number;
  count: number;
  orders: string[];
}

export function snapshotOrderLevels(
  evidence: TradingEvidence,
  grid: MarketGrid,
): Map<string, { buy: Map<number, OrderLevel>; sell: Map<number, OrderLevel> }> | undefined {
  const orders = (evidence?.snapshot as { orders?: unknown } | undefined)?.orders;
  if (!Array.isArray(orders)) return undefined;
  const out = new Map<string, { buy: Map<number, OrderLevel>; sell: Map<number, OrderLevel> }>();
  for (const o of orders) {
    if (typeof o?.symbol !== 'string' || typeof o.price !== 'number') continue;
    if (o.status !== undefined && o.status !== 'open' && o.status !== 'partially_filled') continue;
    const side: BookSide | undefined = o.side === 'buy' || o.side === 'sell' ? o.side : undefined;
    const qty = grid.qtyUnits(o.symbol, o.remainingQty);
    const key = grid.priceKey(o.symbol, o.price);
    if (side === undefined || !(qty > 0) || Number.isNaN(key)) continue;
    let book = out.get(o.symbol);
    if (book === undefined) {
      book = { buy: new Map(), sell: new Map() };
      out.set(o.symbol, book);
    }
    const level = book[side].get(key) ?? { qty: 0, count: 0, orders: [] };
    level.qty += qty;
    level.count += 1;
    level.orders.push(typeof o.orderId === 'string' ? o.orderId : '?');
    book[side].set(key, level);
  }
  return out;
}

/** The best key of one side (highest bid, lowest ask) among levels with something on them. */
export function bestKey(keys: Iterable<number>, side: BookSide): number | undefined {
  let best: number | undefined;
  for (const key of keys) {
    if (best === undefined || (side === 'buy' ? key > best : key < best)) best = key;
  }
  return best;
}
