import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { is, type TradingRecord } from './support/events.ts';
import { show } from './support/numbers.ts';
import { runIndex } from './support/run-index.ts';
import { violation } from './support/violation.ts';

const NAME = 'book.not-crossed';

interface Level {
  price: number;
  qty: number;
  rec: TradingRecord;
}

interface L2 {
  bids: Map<string, Level>;
  asks: Map<string, Level>;
}

function best(levels: Map<string, Level>, highest: boolean): Level | undefined {
  let top: Level | undefined;
  for (const level of levels.values()) {
    if (top === undefined || (highest ? level.price > top.price : level.price < top.price)) top = level;
  }
  return top;
}

/**
 * The public L2 book, rebuilt from the admin's deltas, is never crossed once an input is done
 * (inside one input the levels move one at a time), and neither is the final snapshot's book.
 */
export const bookNotCrossed: Invariant<TradingEvidence> = {
  name: NAME,
  description: 'after every input, and in the final snapshot, each book has best bid < best ask',
  needs: [CAP.bookStream],
  counts: 'book states',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const books = new Map<string, L2>();
    const crossed = new Set<string>();
    // The admin's inputs cut to their book events (the run index): nothing else moves a level.
    for (const group of runIndex(evidence).adminBookInputs) {
      const touched = new Set<string>();
      for (const rec of group) {
        const symbol = rec.stream.slice(5);
        let book = books.get(symbol);
        if (book === undefined) {
          book = { bids: new Map(), asks: new Map() };
          books.set(symbol, book);
        }
        if (is(rec, 'reset')) {
          book.bids.clear();
          book.asks.clear();
        } else if (is(rec, 'book_delta')) {
          const side = rec.event.side === 'buy' ? book.bids : book.asks;
          const key = String(rec.event.price);
          if (rec.event.qty === 0) side.delete(key);
          else side.set(key, { price: rec.event.price, qty: rec.event.qty, rec });
        }
        touched.add(symbol);
      }
      for (const symbol of touched) {
        tally?.count();
        const book = books.get(symbol)!;
        const bid = best(book.bids, true);
        const ask = best(book.asks, false);
        const isCrossed = bid !== undefined && ask !== undefined && bid.price >= ask.price;
        // One report per crossing episode, not one per input while it lasts.
        if (isCrossed && !crossed.has(symbol)) {
          out.push(
            violation(
              NAME,
              `book ${symbol} crossed after txn ${group[0].txn}: best bid ${show(bid.price)} (qty ${show(bid.qty)}) >= best ask ${show(ask.price)} (qty ${show(ask.qty)})`,
              [bid.rec, ask.rec],
            ),
          );
        }
        if (isCrossed) crossed.add(symbol);
        else crossed.delete(symbol);
      }
    }
    for (const book of evidence.snapshot?.books ?? []) {
      tally?.count();
      const bid = book.bids?.[0];
      const ask = book.asks?.[0];
      if (bid !== undefined && ask !== undefined && bid[0] >= ask[0]) {
        out.push(
          violation(
            NAME,
            `final snapshot book ${book.symbol} crossed: best bid ${show(bid[0])} >= best ask ${show(ask[0])}`,
          ),
        );
      }
    }
    return out;
  },
};
