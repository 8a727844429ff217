import type { Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { applyBookEvent, type FoldedBook, type FoldedLevel, levelsOf } from './support/client-books.ts';
import { is, type TradingRecord } from './support/events.ts';
import { type MarketGrid, marketGrid } from './support/market-grid.ts';
import { marketRecord, snapshotStreams } from './support/market-record.ts';
import type { BookSide } from './support/market-replay.ts';
import { show } from './support/numbers.ts';
import { eventsOfType, runIndex } from './support/run-index.ts';
import { type Inspection, ScopeTally, scopedInvariant } from './support/scope.ts';
import { violation } from './support/violation.ts';

const NAME = 'book.resync-consistent';
const SIDES: readonly BookSide[] = ['buy', 'sell'];

/** A book snapshot that claims to stand at `seq` of its symbol's book stream. */
interface Claim {
  symbol: string;
  seq: number;
  buy: Map<number, FoldedLevel>;
  sell: Map<number, FoldedLevel>;
  /** `maker's resync`, `the final snapshot`. */
  who: string;
  rec?: TradingRecord;
}

function firstDifference(
  claim: Claim,
  fold: FoldedBook,
  grid: MarketGrid,
): { text: string; count: number } | undefined {
  const diffs: string[] = [];
  const qty = (units: number | undefined) =>
    units === undefined ? 'no level' : show(grid.qtyOf(claim.symbol, units));
  for (const side of SIDES) {
    for (const key of new Set([...claim[side].keys(), ...fold[side].keys()])) {
      const a = claim[side].get(key)?.qty;
      const b = fold[side].get(key)?.qty;
      const zeroA = a === undefined || a === 0;
      const zeroB = b === undefined || b === 0;
      if ((zeroA && zeroB) || a === b) continue;
      diffs.push(`${side} ${show(grid.priceOf(claim.symbol, key))}: snapshot ${qty(a)}, deltas ${qty(b)}`);
    }
  }
  return diffs.length === 0 ? undefined : { text: diffs[0], count: diffs.length };
}

/**
 * A book snapshot equals the deltas folded up to the seq it stands at: every resync's books
 * (at the seqs the resync answered), and the final snapshot's books (at the seqs of its
 * `streams`), against the venue's record of `book:<symbol>` folded from its start (seq 1 or a
 * reset) to that seq. Counts are not compared (deltas carry none). A snapshot at a seq the
 * record does not reach, or past a gap in it, has nothing to be compared with.
 */
export const bookResyncConsistent = scopedInvariant(
  NAME,
  "a resync's (and the final snapshot's) book equals the book deltas folded to the same seq",
  (evidence: TradingEvidence): Inspection => {
    const out: Violation[] = [];
    const tally = new ScopeTally();
    const grid = marketGrid(evidence?.extra?.config);
    const claims: Claim[] = [];
    const index = runIndex(evidence);
    for (const rec of eventsOfType(index, 'session_resynced')) {
      const seqs = rec.event.seqs ?? {};
      for (const book of Array.isArray(rec.event.snapshot?.books) ? rec.event.snapshot.books : []) {
        const seq = seqs[`book:${book?.symbol}`];
        if (typeof book?.symbol !== 'string' || typeof seq !== 'number') continue;
        claims.push({
          symbol: book.symbol,
          seq,
          buy: levelsOf(book.bids, book.symbol, grid),
          sell: levelsOf(book.asks, book.symbol, grid),
          who: `${rec.client}'s resync`,
          rec,
        });
      }
    }
    const streams = snapshotStreams(evidence);
    const books = (evidence?.snapshot as { books?: unknown } | undefined)?.books;
    if (streams !== undefined && Array.isArray(books)) {
      for (const book of books) {
        if (typeof book?.symbol !== 'string') continue;
        claims.push({
          symbol: book.symbol,
          seq: streams.get(`book:${book.symbol}`) ?? 0,
          buy: levelsOf(book.bids, book.symbol, grid),
          sell: levelsOf(book.asks, book.symbol, grid),
          who: 'the final snapshot',
        });
      }
    } else {
      tally.skip('final snapshot: it lists no books, or not the seqs they stand at');
    }
    if (claims.length === 0) {
      tally.skip('no book snapshot in the run (no resync, no final snapshot books)');
      return { violations: out, scope: tally.result() };
    }

    const { record, source } = marketRecord(evidence);
    if (source === 'none') tally.skip('no record of the venue to fold the deltas from');
    const bySymbol = new Map<string, Claim[]>();
    for (const claim of claims) {
      const list = bySymbol.get(claim.symbol) ?? [];
      list.push(claim);
      bySymbol.set(claim.symbol, list);
    }
    for (const [symbol, list] of bySymbol) {
      list.sort((a, b) => a.seq - b.seq);
      // The admin's record is indexed by stream already; the traders' merged one is read whole.
      const events =
        source === 'admin'
          ? (index.adminByStream.get(`book:${symbol}`) ?? [])
          : record.filter((rec) => rec.stream === `book:${symbol}`);
      // Known from the start when the record has seq 1, or the venue never published on it.
      const fold: FoldedBook = {
        buy: new Map(),
        sell: new Map(),
        known:
          events.length > 0 ? events[0].seq === 1 : streams !== undefined && !streams.has(`book:${symbol}`),
        last: 0,
      };
      let next = 0;
      const settle = (upTo: number): void => {
        while (next < list.length && list[next].seq <= upTo) {
          const claim = list[next++];
          if (claim.seq !== fold.last || !fold.known) {
            tally.skip(
              `${claim.who} of ${symbol} at seq ${claim.seq}: the record does not hold every delta up to it`,
            );
            continue;
          }
          tally.checked++;
          const diff = firstDifference(claim, fold, grid);
          if (diff === undefined) continue;
          out.push(
            violation(
              NAME,
              `${claim.who} of book ${symbol} at seq ${claim.seq} differs from the deltas folded to that seq: ${diff.text}${diff.count > 1 ? ` (and ${diff.count - 1} more level(s))` : ''}`,
              [claim.rec, ...SIDES.flatMap((s) => [...fold[s].values()].map((l) => l.rec)).slice(-1)],
            ),
          );
        }
      };
      settle(0);
      for (const rec of events) {
        if (rec.seq <= (fold.last ?? 0)) continue;
        settle(rec.seq - 1);
        if (rec.seq !== (fold.last ?? 0) + 1) fold.known = false;
        fold.last = rec.seq;
        applyBookEvent(fold, symbol, rec, grid);
        if (is(rec, 'reset')) fold.known = true;
      }
      settle(Number.POSITIVE_INFINITY);
    }
    return { violations: out, scope: tally.result() };
  },
  { needs: [CAP.bookStream], counts: 'comparisons' },
);
