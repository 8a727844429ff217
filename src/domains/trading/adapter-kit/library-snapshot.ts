import type { ExchangeSnapshot, OrderSnapshot } from '../protocol/exchange-snapshot.ts';
import { compareOrderIds } from '../trading-projection.ts';
import { orderSnapshot } from './kit-orders.ts';
import type { LibraryVenue } from './library-venue.ts';
import type { KitLevel } from './published-book.ts';

/**
 * The venue's own final state, in the shape the invariants compare (ExchangeSnapshot):
 * - `books`: each level as the library holds it, read from the library now;
 * - `orders`: the open orders. When the library lists the orders on its levels, these are the
 *   library's (its queue order is their priority, its size their remainingQty), so an order it
 *   still holds after the kit saw it cancelled, or one it lost, shows against the clients'
 *   views (projection.converges) and the book (book.depth-matches-orders). Otherwise they are
 *   the kit's own bookkeeping of the library's answers;
 * - `accounts`: none. A bare book has no balances: no client ever gets a balance event and the
 *   evidence declares no accounts, so both sides of the convergence check say "no balance";
 * - `instruments` with the declared marks, no halts, no band; `streams`: the last seq of each.
 */
export function librarySnapshot(venue: LibraryVenue, time: number): ExchangeSnapshot {
  const orders: OrderSnapshot[] = [];
  const books: ExchangeSnapshot['books'] = [];
  for (const { inst, published } of venue.books.values()) {
    let levels: { bids: KitLevel[]; asks: KitLevel[] };
    try {
      levels = published.read();
    } catch {
      levels = { bids: [], asks: [] };
    }
    books.push(published.snapshot(levels));
    const all = [...levels.bids, ...levels.asks];
    if (!all.some((l) => l.orders !== undefined)) {
      for (const order of venue.orders.open(undefined, inst.symbol))
        orders.push(orderSnapshot(order, order.priority));
      continue;
    }
    let priority = 0;
    for (const level of all) {
      for (const listed of level.orders ?? []) {
        priority++;
        const order = venue.orders.byLibraryId(inst.symbol, listed.id);
        if (order !== undefined) orders.push(orderSnapshot(order, priority, listed.qty));
        // An order the library holds that no place ever returned: nobody's, but on the book.
        else
          orders.push({
            orderId: `lib:${String(listed.id)}`,
            clientOrderId: '',
            account: '',
            symbol: inst.symbol,
            side: level.side,
            type: 'limit',
            tif: 'gtc',
            price: level.price,
            qty: listed.qty,
            filledQty: 0,
            remainingQty: listed.qty,
            status: 'open',
            priority,
          });
      }
    }
  }
  orders.sort((a, b) => compareOrderIds(a.orderId, b.orderId));
  return {
    txn: venue.streams.txn,
    time,
    instruments: [...venue.books.values()].map(({ inst }) => ({
      symbol: inst.symbol,
      markPrice: inst.markPrice,
      halted: false,
      bandLow: 0,
      bandHigh: Number.MAX_SAFE_INTEGER,
    })),
    accounts: [],
    orders,
    books,
    streams: venue.streams.lastSeqs(),
  };
}
