import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { is, type TradingRecord } from './support/events.ts';
import { type InstrumentGrid, initialBand, instrumentGrids } from './support/instrument-grid.ts';
import { EPSILON, show } from './support/numbers.ts';
import { runIndex } from './support/run-index.ts';
import { violation } from './support/violation.ts';

const NAME = 'trades.within-band';

/**
 * The configured start band of an instrument, worked out once per grid: instrumentGrids hands
 * out the same (never changed) grids while the config reads the same, run after run.
 */
const starts = new WeakMap<Readonly<InstrumentGrid>, Band>();
function startOf(grid: Readonly<InstrumentGrid>): Band {
  let band = starts.get(grid);
  if (band === undefined) {
    band = { ...initialBand(grid), mark: grid.markPrice };
    starts.set(grid, band);
  }
  return band;
}

interface Band {
  low: number;
  high: number;
  mark: number | undefined;
  /** The mark_price event that set it; undefined for the configured start. */
  rec?: TradingRecord;
}

/**
 * Every trade prints inside the price band in force: the band of the latest mark_price before
 * it on its market stream, or, before any, the configured mark's band rounded to the tick grid
 * as the engine rounds it.
 */
export const tradesWithinBand: Invariant<TradingEvidence> = {
  name: NAME,
  description: 'every trade price lies within [bandLow, bandHigh] of the mark in force',
  needs: [CAP.priceBands, CAP.tape],
  counts: 'trades',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const grids = instrumentGrids(evidence.extra?.config);
    const start = (symbol: string): Band | undefined => {
      const grid = grids.get(symbol);
      return grid === undefined ? undefined : startOf(grid);
    };
    const bands = new Map<string, Band | undefined>();
    // The admin's market events only (the run index): nothing else moves a band or trades.
    for (const rec of runIndex(evidence).adminMarket) {
      const symbol = rec.stream.slice(7);
      if (is(rec, 'reset')) {
        bands.set(symbol, start(symbol));
      } else if (is(rec, 'mark_price')) {
        bands.set(symbol, { low: rec.event.bandLow, high: rec.event.bandHigh, mark: rec.event.price, rec });
      } else if (is(rec, 'trade')) {
        tally?.count();
        if (!bands.has(symbol)) bands.set(symbol, start(symbol));
        const band = bands.get(symbol);
        if (band === undefined) continue;
        const price = rec.event.price;
        const slack = EPSILON * Math.max(1, Math.abs(price));
        if (price < band.low - slack || price > band.high + slack) {
          const source = band.rec === undefined ? 'configured mark' : `mark at txn ${band.rec.txn}`;
          out.push(
            violation(
              NAME,
              `trade ${rec.event.tradeId} on ${symbol} at ${show(price)} is outside the band [${show(band.low)}, ${show(band.high)}] (${source} ${show(band.mark)})`,
              [band.rec, rec],
            ),
          );
        }
      }
    }
    return out;
  },
};
