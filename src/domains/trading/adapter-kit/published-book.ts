import type { BookDeltaEvent } from '../protocol/exchange-event.ts';
import type { Side } from '../protocol/exchange-input.ts';
import type { BookSnapshot } from '../protocol/exchange-snapshot.ts';
import type { BookLibrary, LibLevel, LibOrderId } from './book-library.ts';
import { type KitInstrument, priceOnGrid, qtyOnGrid } from './kit-instrument.ts';

/** One level of the library's book, on the grid (or as it came, when it is off the grid). */
export interface KitLevel {
  side: Side;
  price: number;
  qty: number;
  count?: number;
  /** The orders resting there, front first, with the size the library holds for each. */
  orders?: { id: LibOrderId; qty: number }[];
}

const key = (level: KitLevel): string => `${level.side}|${level.price}`;

/**
 * The library's book as shakedown publishes it. After every input the kit reads the library's
 * own levels and sends one `book_delta` per level that changed (the new total, 0 when it is
 * gone) on `book:<symbol>`; the final snapshot shows the levels as the library holds them, a
 * zero-size level left behind included. The book is never rebuilt from the kit's own
 * bookkeeping: the invariants compare what the library publishes with the orders' events.
 */
export class PublishedBook {
  private shown = new Map<string, KitLevel>();

  constructor(
    readonly inst: KitInstrument,
    private readonly library: BookLibrary,
  ) {}

  /** The library's levels, best first on each side (bids high to low, asks low to high). */
  read(): { bids: KitLevel[]; asks: KitLevel[] } {
    const raw = this.library.book();
    const side = (levels: readonly LibLevel[] | undefined, s: Side): KitLevel[] =>
      (levels ?? [])
        .map((l) => this.level(l, s))
        .sort((a, b) => (s === 'buy' ? b.price - a.price : a.price - b.price));
    return { bids: side(raw?.bids, 'buy'), asks: side(raw?.asks, 'sell') };
  }

  /** The deltas since the last call: every level whose total changed, appeared or went away. */
  changes(): BookDeltaEvent[] {
    const { bids, asks } = this.read();
    const now = new Map<string, KitLevel>();
    for (const level of [...bids, ...asks]) {
      if (level.qty === 0) continue;
      const k = key(level);
      const same = now.get(k);
      // Two entries at one price: publish their total, as one level.
      now.set(k, same === undefined ? level : { ...same, qty: same.qty + level.qty });
    }
    const deltas: BookDeltaEvent[] = [];
    for (const [k, level] of now) {
      const before = this.shown.get(k);
      if (before === undefined || before.qty !== level.qty || before.count !== level.count)
        deltas.push(this.delta(level, level.qty));
    }
    for (const [k, level] of this.shown) if (!now.has(k)) deltas.push(this.delta(level, 0));
    this.shown = now;
    deltas.sort((a, b) =>
      a.side !== b.side
        ? a.side === 'buy'
          ? -1
          : 1
        : a.side === 'buy'
          ? b.price - a.price
          : a.price - b.price,
    );
    return deltas;
  }

  /** The book as the final snapshot shows it: each level [price, qty, count] as the library holds it. */
  snapshot(levels = this.read()): BookSnapshot {
    const rows = (side: KitLevel[]) =>
      side.map((l) => (l.count === undefined ? [l.price, l.qty] : [l.price, l.qty, l.count])) as [
        number,
        number,
        number,
      ][];
    return { symbol: this.inst.symbol, bids: rows(levels.bids), asks: rows(levels.asks) };
  }

  private level(l: LibLevel, side: Side): KitLevel {
    const inst = this.inst;
    const orders = l.orders?.map((o) => ({ id: o.id, qty: qtyOnGrid(inst, o.qty) }));
    const count = l.count ?? orders?.length;
    return {
      side,
      price: priceOnGrid(inst, l.price),
      qty: qtyOnGrid(inst, l.qty),
      ...(count === undefined ? {} : { count }),
      ...(orders === undefined ? {} : { orders }),
    };
  }

  private delta(level: KitLevel, qty: number): BookDeltaEvent {
    const event: BookDeltaEvent = {
      type: 'book_delta',
      symbol: this.inst.symbol,
      side: level.side,
      price: level.price,
      qty,
    };
    // The order count rides along where the library gives one (book.depth-matches-orders reads it).
    return level.count === undefined || qty === 0
      ? event
      : ({ ...event, count: level.count } as BookDeltaEvent);
  }
}
