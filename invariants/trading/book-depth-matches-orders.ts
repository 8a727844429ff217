import type { Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import {
  type FoldedBook,
  levelsOf,
  type OrderLevel,
  sharedClientBooks,
  snapshotOrderLevels,
} from './support/client-books.ts';
import { type Expected, levelMismatch } from './support/level-compare.ts';
import { type MarketGrid, marketGrid } from './support/market-grid.ts';
import { snapshotStreams } from './support/market-record.ts';
import type { BookOrder, BookSide, ReplayHooks, ReplayResult } from './support/market-replay.ts';
import { show } from './support/numbers.ts';
import { type Inspection, ScopeTally, scopedInvariant } from './support/scope.ts';
import { sharedMarketReplay } from './support/shared-market-replay.ts';
import { violation } from './support/violation.ts';

const NAME = 'book.depth-matches-orders';
const SIDES: readonly BookSide[] = ['buy', 'sell'];

function expectedOf(orders: readonly BookOrder[], grid: MarketGrid, symbol: string): Expected {
  let qty = 0;
  for (const o of orders) qty += o.remaining;
  return {
    qty,
    count: orders.length,
    names: () => orders.map((o) => `${o.label} ${show(grid.qtyOf(symbol, o.remaining))}`),
  };
}

const NONE: readonly string[] = [];
const noNames = (): readonly string[] => NONE;

const fromSnapshot = (level: OrderLevel | undefined): Expected =>
  level === undefined
    ? { qty: 0, count: 0, names: noNames }
    : { qty: level.qty, count: level.count, names: () => level.orders };

/**
 * The published book agrees with the orders, level by level: at every price the volume on
 * `book:<symbol>` equals the remaining quantities of the orders resting there, and so does the
 * order count where the venue publishes one; no level is missing (or at zero volume) while an
 * order rests at its price, and none is left where no order rests.
 *
 * Checked three ways, each only where it is sound:
 * - after every input, on the levels it touched, against the orders the record's order events
 *   leave resting; only while every book and account event of the venue is in the record (the
 *   admin's, or else the traders' own merged: then the venue's book must hold nothing but
 *   those traders' orders, which the final snapshot's list of streams vouches for);
 * - the final snapshot's books against its own open orders (volume and count);
 * - each client's own fold of the book (deltas after its last resync), when it reached the
 *   seq the final snapshot gives, against the final snapshot's open orders.
 */
export const bookDepthMatchesOrders = scopedInvariant(
  NAME,
  'at every price the published level volume (and order count, where published) equals the orders resting there',
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
        for (const [symbol, levels] of step.touched) {
          if (!state.knowable(symbol)) {
            unknown.add(symbol);
            continue;
          }
          for (let i = 0; i < levels.keys.length; i++) {
            const side = levels.sides[i];
            const key = levels.keys[i];
            tally.checked++;
            const level = state.level(symbol, side, key);
            const orders = state.resting(symbol, side, key);
            const problem = levelMismatch(symbol, grid, level, expectedOf(orders, grid, symbol));
            if (problem === undefined) {
              if (wrong.size > 0) wrong.delete(`${symbol}|${side}|${key}`);
              continue;
            }
            const id = `${symbol}|${side}|${key}`;
            // One report per episode: a level wrong from one input to the next is one fault.
            if (wrong.has(id)) continue;
            wrong.add(id);
            const price = level?.price ?? orders[0]?.price ?? grid.priceOf(symbol, key);
            out.push(
              violation(NAME, `book ${symbol} ${side} ${show(price)} after txn ${step.txn}: ${problem}`, [
                level?.rec,
                ...orders.flatMap((o) => [o.accepted, o.last]),
                ...step.group.filter((rec) => rec.event?.type === 'book_delta').slice(0, 1),
              ]),
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

    // The venue's own final state: each book level against its open orders.
    const orderLevels = snapshotOrderLevels(evidence, grid);
    const books = (evidence?.snapshot as { books?: unknown } | undefined)?.books;
    if (orderLevels === undefined || !Array.isArray(books)) {
      tally.skip('final snapshot: it lists no books or no open orders');
    } else {
      let counts = false;
      for (const book of books) {
        const symbol = book?.symbol;
        if (typeof symbol !== 'string') continue;
        for (const side of SIDES) {
          const levels = levelsOf(side === 'buy' ? book.bids : book.asks, symbol, grid);
          const expected = orderLevels.get(symbol)?.[side] ?? new Map<number, OrderLevel>();
          for (const key of new Set([...levels.keys(), ...expected.keys()])) {
            tally.checked++;
            const level = levels.get(key);
            if (level?.count !== undefined) counts = true;
            const problem = levelMismatch(symbol, grid, level, fromSnapshot(expected.get(key)));
            if (problem === undefined) continue;
            const price = level?.price ?? grid.priceOf(symbol, key);
            out.push(violation(NAME, `final snapshot book ${symbol} ${side} ${show(price)}: ${problem}`));
          }
        }
      }
      if (!counts) tally.skip('order counts: the venue publishes none');
    }

    // Each client's own fold, where it stands where the final snapshot does.
    const streams = snapshotStreams(evidence);
    if (orderLevels !== undefined && streams !== undefined) {
      for (const [client, folds] of sharedClientBooks(evidence)) {
        for (const [symbol, fold] of folds) {
          if (!fold.known || fold.last === undefined || fold.last !== (streams.get(`book:${symbol}`) ?? 0))
            continue;
          const found = compareFold(fold, symbol, orderLevels.get(symbol), wrong);
          tally.checked += found.compared;
          if (found.problem === undefined) continue;
          const { side, price, problem, more, rec } = found.problem;
          out.push(
            violation(
              NAME,
              `${client}'s book ${symbol} at seq ${fold.last} (where the final snapshot stands) ${side} ${show(price)}: ${problem}${more > 0 ? ` (and ${more} more level(s))` : ''}`,
              [rec],
            ),
          );
        }
      }
    }
    return { violations: out, scope: tally.result() };

    function compareFold(
      fold: FoldedBook,
      symbol: string,
      expected: { buy: Map<number, OrderLevel>; sell: Map<number, OrderLevel> } | undefined,
      reported: ReadonlySet<string>,
    ) {
      let compared = 0;
      let first:
        | { side: BookSide; price: number; problem: string; more: number; rec: FoldedBook['resync'] }
        | undefined;
      for (const side of SIDES) {
        const wanted = expected?.[side] ?? new Map<number, OrderLevel>();
        for (const key of new Set([...fold[side].keys(), ...wanted.keys()])) {
          compared++;
          const level = fold[side].get(key);
          const problem = levelMismatch(symbol, grid, level, fromSnapshot(wanted.get(key)));
          // Already reported input by input: the client only echoes the venue's feed.
          if (problem === undefined || reported.has(`${symbol}|${side}|${key}`)) continue;
          if (first !== undefined) first.more++;
          else
            first = {
              side,
              price: level?.price ?? grid.priceOf(symbol, key),
              problem,
              more: 0,
              rec: level?.rec,
            };
        }
      }
      return { compared, problem: first };
    }
  }),
  { needs: [CAP.bookStream], counts: 'comparisons' },
);
