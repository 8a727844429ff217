import type { Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { bestKey, levelsOf, sharedClientBooks, snapshotOrderLevels } from './support/client-books.ts';
import type { TradingRecord } from './support/events.ts';
import { type MarketGrid, marketGrid } from './support/market-grid.ts';
import { snapshotStreams } from './support/market-record.ts';
import type { BookSide, ReplayHooks, ReplayResult } from './support/market-replay.ts';
import { show } from './support/numbers.ts';
import { type Inspection, ScopeTally, scopedInvariant } from './support/scope.ts';
import { sharedMarketReplay } from './support/shared-market-replay.ts';
import { violation } from './support/violation.ts';

const NAME = 'book.best-price';
const SIDES: readonly BookSide[] = ['buy', 'sell'];
const word = (side: BookSide) => (side === 'buy' ? 'bid' : 'ask');

function priced(grid: MarketGrid, symbol: string, key: number | undefined): string {
  return key === undefined ? 'none' : show(grid.priceOf(symbol, key));
}

/**
 * The best bid and ask a client derives from the published book are the best prices at which
 * orders rest: after every input (while the record holds every book and account event of the
 * venue), in the final snapshot's books against its open orders, and in each client's own fold
 * of the book where it reached the final snapshot's seq.
 */
export const bookBestPrice = scopedInvariant(
  NAME,
  'best bid and ask derived from the published book are the best prices of the resting orders',
  sharedMarketReplay(NAME, function* (evidence: TradingEvidence): Generator<
    ReplayHooks,
    Inspection,
    ReplayResult
  > {
    const out: Violation[] = [];
    const tally = new ScopeTally();
    const grid = marketGrid(evidence?.extra?.config);
    const wrong = new Set<string>();
    const unknown = new Set<string>();

    const replay = yield {
      input(step, state) {
        for (const symbol of step.touched.keys()) {
          if (!state.knowable(symbol)) {
            unknown.add(symbol);
            continue;
          }
          for (const side of SIDES) {
            tally.checked++;
            const levels = state.levels(symbol, side);
            const published = bestKey(levels.keys(), side);
            const resting = state.bestOrderKey(symbol, side);
            if (published === resting) {
              if (wrong.size > 0) wrong.delete(`${symbol}|${side}`);
              continue;
            }
            const id = `${symbol}|${side}`;
            if (wrong.has(id)) continue;
            wrong.add(id);
            const orders = resting === undefined ? [] : state.resting(symbol, side, resting);
            const names = orders.map((o) => o.label);
            const events: (TradingRecord | undefined)[] = [
              published === undefined ? undefined : levels.get(published)?.rec,
              ...orders.map((o) => o.last),
            ];
            out.push(
              violation(
                NAME,
                `book ${symbol} after txn ${step.txn}: best ${word(side)} published ${priced(grid, symbol, published)}, best resting ${side} order at ${priced(grid, symbol, resting)}${names.length > 0 ? ` (${names.join(', ')})` : ''}`,
                events,
              ),
            );
          }
        }
      },
    };
    if (replay.unknowable !== undefined) tally.skip(`input by input: ${replay.unknowable}`);
    else
      for (const symbol of unknown)
        tally.skip(
          `input by input on ${symbol}: some book or account event of the venue is not in the record`,
        );

    const orderLevels = snapshotOrderLevels(evidence, grid);
    const books = (evidence?.snapshot as { books?: unknown } | undefined)?.books;
    if (orderLevels === undefined || !Array.isArray(books)) {
      tally.skip('final snapshot: it lists no books or no open orders');
    } else {
      for (const book of books) {
        const symbol = book?.symbol;
        if (typeof symbol !== 'string') continue;
        for (const side of SIDES) {
          tally.checked++;
          const levels = levelsOf(side === 'buy' ? book.bids : book.asks, symbol, grid);
          const listed = bestKey(
            [...levels].filter(([, l]) => l.qty > 0).map(([k]) => k),
            side,
          );
          const resting = bestKey(orderLevels.get(symbol)?.[side].keys() ?? [], side);
          if (listed !== resting)
            out.push(
              violation(
                NAME,
                `final snapshot book ${symbol}: best ${word(side)} listed ${priced(grid, symbol, listed)}, best open ${side} order at ${priced(grid, symbol, resting)}`,
              ),
            );
        }
      }
    }

    const streams = snapshotStreams(evidence);
    if (orderLevels !== undefined && streams !== undefined) {
      for (const [client, folds] of sharedClientBooks(evidence)) {
        for (const [symbol, fold] of folds) {
          if (!fold.known || fold.last === undefined || fold.last !== (streams.get(`book:${symbol}`) ?? 0))
            continue;
          for (const side of SIDES) {
            tally.checked++;
            const seen = bestKey(fold[side].keys(), side);
            const resting = bestKey(orderLevels.get(symbol)?.[side].keys() ?? [], side);
            // Already reported input by input: the client only echoes the venue's feed.
            if (seen === resting || wrong.has(`${symbol}|${side}`)) continue;
            out.push(
              violation(
                NAME,
                `${client}'s book ${symbol} at seq ${fold.last} (where the final snapshot stands): best ${word(side)} ${priced(grid, symbol, seen)}, best open ${side} order at ${priced(grid, symbol, resting)}`,
                [seen === undefined ? undefined : fold[side].get(seen)?.rec],
              ),
            );
          }
        }
      }
    }
    return { violations: out, scope: tally.result() };
  }),
  { needs: [CAP.bookStream], counts: 'comparisons' },
);
