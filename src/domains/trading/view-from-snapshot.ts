import type { ExchangeSnapshot } from './protocol/exchange-snapshot.ts';
import {
  compareOrderIds,
  type NormalizedBook,
  type NormalizedTradingView,
  normalizedOrder,
  sortedLevels,
} from './trading-projection.ts';

/**
 * The venue's own truth about one account, in the normalized shape of a client's view: its
 * open orders, balance and non-zero positions, and every mark and non-empty book. The
 * convergence check compares a client's projection with this.
 */
export function viewFromSnapshot(snapshot: ExchangeSnapshot, account: string): NormalizedTradingView {
  const orders = (snapshot.orders ?? [])
    .filter((o) => o.account === account)
    .sort((a, b) => compareOrderIds(a.orderId, b.orderId))
    .map(normalizedOrder);
  const acct = (snapshot.accounts ?? []).find((a) => a.id === account);
  const balance =
    acct === undefined
      ? null
      : {
          cash: acct.cash,
          reserved: acct.reserved,
          positionMargin: acct.positionMargin,
          equity: acct.equity,
          available: acct.available,
        };
  const positions: Record<string, number> = {};
  const held = [...(acct?.positions ?? [])].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  for (const p of held) if (p.qty !== 0) positions[p.symbol] = p.qty;
  const marks: Record<string, number> = {};
  const instruments = [...(snapshot.instruments ?? [])].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  for (const inst of instruments) marks[inst.symbol] = inst.markPrice;
  const books: Record<string, NormalizedBook> = {};
  const snapshotBooks = [...(snapshot.books ?? [])].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  for (const book of snapshotBooks) {
    const level = ([price, qty]: [number, number, number]): [number, number] => [price, qty];
    const normalized = {
      bids: sortedLevels(book.bids.map(level), true),
      asks: sortedLevels(book.asks.map(level), false),
    };
    if (normalized.bids.length > 0 || normalized.asks.length > 0) books[book.symbol] = normalized;
  }
  return { orders, balance, positions, marks, books };
}
