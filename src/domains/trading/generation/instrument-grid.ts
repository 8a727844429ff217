import { decimalsOf } from '../protocol/decimals-of.ts';
import type { InstrumentConfig } from '../protocol/exchange-config.ts';

/**
 * An instrument seen as two integer grids (ticks of price, lots of quantity), so that
 * generation counts in whole steps and prints only clean decimals: 20000.5, never
 * 20000.499999999996.
 */
export interface InstrumentGrid {
  readonly config: InstrumentConfig;
  readonly symbol: string;
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
  /** The configured mark in ticks. */
  readonly markTicks: number;
  readonly minLots: number;
  readonly maxLots: number;
}

/** Grids by instrument, with the fields each was computed from. */
const gridsByConfig = new WeakMap<InstrumentConfig, { grid: InstrumentGrid; from: readonly unknown[] }>();

const gridInputs = (c: InstrumentConfig): readonly unknown[] => [
  c.symbol,
  c.tickSize,
  c.lotSize,
  c.markPrice,
  c.minQty,
  c.maxQty,
];

/**
 * The grid of an instrument. A config gives the same grid object every time (while the fields it
 * is computed from are unchanged), so the memos of priceAt, qtyAt, ticksOf and lotsOf carry over
 * from run to run of a campaign.
 */
export function gridOf(config: InstrumentConfig): InstrumentGrid {
  const known = gridsByConfig.get(config);
  if (known !== undefined && sameInputs(known.from, config)) return known.grid;
  const grid: InstrumentGrid = {
    config,
    symbol: config.symbol,
    priceDecimals: decimalsOf(config.tickSize),
    qtyDecimals: decimalsOf(config.lotSize),
    markTicks: Math.round(config.markPrice / config.tickSize),
    minLots: Math.ceil(config.minQty / config.lotSize - 1e-9),
    maxLots: Math.floor(config.maxQty / config.lotSize + 1e-9),
  };
  gridsByConfig.set(config, { grid, from: gridInputs(config) });
  return grid;
}

function sameInputs(from: readonly unknown[], c: InstrumentConfig): boolean {
  return (
    from[0] === c.symbol &&
    from[1] === c.tickSize &&
    from[2] === c.lotSize &&
    from[3] === c.markPrice &&
    from[4] === c.minQty &&
    from[5] === c.maxQty
  );
}

/**
 * What a grid's conversions gave for each input so far. They are pure, and generation asks the
 * same few prices and sizes over and over (each run, each shrink candidate); a memo grows up to
 * MEMO_LIMIT inputs and then starts again, so a long campaign keeps it bounded.
 */
interface GridMemo {
  readonly prices: Map<number, number>;
  readonly qtys: Map<number, number>;
  readonly ticks: Map<unknown, number | undefined>;
  readonly lots: Map<unknown, number | undefined>;
  readonly bands: Map<number, Readonly<{ low: number; high: number }>>;
  /** The band percentage the bands were computed with. */
  bandPct: number;
}

const MEMO_LIMIT = 4096;
const memos = new WeakMap<InstrumentGrid, GridMemo>();

function memoOf(grid: InstrumentGrid): GridMemo {
  let memo = memos.get(grid);
  if (memo === undefined) {
    memo = {
      prices: new Map(),
      qtys: new Map(),
      ticks: new Map(),
      lots: new Map(),
      bands: new Map(),
      bandPct: grid.config.bandPct,
    };
    memos.set(grid, memo);
  }
  return memo;
}

function remember<K, V>(memo: Map<K, V>, key: K, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/** A decimal rounded to `decimals` places, without binary dust. */
export function cleanDecimal(x: number, decimals: number): number {
  return Number(x.toFixed(decimals));
}

export function priceAt(grid: InstrumentGrid, ticks: number): number {
  const prices = memoOf(grid).prices;
  const known = prices.get(ticks);
  if (known !== undefined) return known;
  return remember(prices, ticks, cleanDecimal(ticks * grid.config.tickSize, grid.priceDecimals));
}

export function qtyAt(grid: InstrumentGrid, lots: number): number {
  const qtys = memoOf(grid).qtys;
  const known = qtys.get(lots);
  if (known !== undefined) return known;
  return remember(qtys, lots, cleanDecimal(lots * grid.config.lotSize, grid.qtyDecimals));
}

/** Decimal strings count as numbers, as they do on the wire. */
function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(value))
    return undefined;
  const x = Number(value);
  return Number.isFinite(x) ? x : undefined;
}

/** Whole steps of `size` in `value`, or undefined when it is not a number exactly on that grid. */
function stepsOf(value: unknown, size: number, decimals: number): number | undefined {
  const x = numeric(value);
  if (x === undefined) return undefined;
  const steps = Math.round(x / size);
  return cleanDecimal(steps * size, decimals) === x ? steps : undefined;
}

/** Numbers and strings are remembered, zero excepted (0 and -0 are one key to a Map, not one answer). */
const memoizable = (value: unknown): boolean =>
  (typeof value === 'number' && value !== 0) || typeof value === 'string';

export function ticksOf(grid: InstrumentGrid, price: unknown): number | undefined {
  if (!memoizable(price)) return stepsOf(price, grid.config.tickSize, grid.priceDecimals);
  const ticks = memoOf(grid).ticks;
  const known = ticks.get(price);
  if (known !== undefined || ticks.has(price)) return known;
  return remember(ticks, price, stepsOf(price, grid.config.tickSize, grid.priceDecimals));
}

export function lotsOf(grid: InstrumentGrid, qty: unknown): number | undefined {
  if (!memoizable(qty)) return stepsOf(qty, grid.config.lotSize, grid.qtyDecimals);
  const lots = memoOf(grid).lots;
  const known = lots.get(qty);
  if (known !== undefined || lots.has(qty)) return known;
  return remember(lots, qty, stepsOf(qty, grid.config.lotSize, grid.qtyDecimals));
}

/**
 * The band around a mark, in ticks: lowest tick at or above mark(1-pct), highest at or below
 * mark(1+pct). Remembered per grid and mark (asked for several times per action): the object is
 * shared, and read-only.
 */
export function bandTicks(grid: InstrumentGrid, markTicks: number): Readonly<{ low: number; high: number }> {
  const pct = grid.config.bandPct;
  const memo = memoOf(grid);
  if (memo.bandPct !== pct) {
    memo.bands.clear();
    memo.bandPct = pct;
  }
  const known = memo.bands.get(markTicks);
  if (known !== undefined) return known;
  return remember(memo.bands, markTicks, {
    low: Math.max(1, Math.ceil(markTicks * (1 - pct) - 1e-9)),
    high: Math.floor(markTicks * (1 + pct) + 1e-9),
  });
}
