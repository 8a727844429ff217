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

export function gridOf(config: InstrumentConfig): InstrumentGrid {
  return {
    config,
    symbol: config.symbol,
    priceDecimals: decimalsOf(config.tickSize),
    qtyDecimals: decimalsOf(config.lotSize),
    markTicks: Math.round(config.markPrice / config.tickSize),
    minLots: Math.ceil(config.minQty / config.lotSize - 1e-9),
    maxLots: Math.floor(config.maxQty / config.lotSize + 1e-9),
  };
}

/** A decimal rounded to `decimals` places, without binary dust. */
export function cleanDecimal(x: number, decimals: number): number {
  return Number(x.toFixed(decimals));
}

export function priceAt(grid: InstrumentGrid, ticks: number): number {
  return cleanDecimal(ticks * grid.config.tickSize, grid.priceDecimals);
}

export function qtyAt(grid: InstrumentGrid, lots: number): number {
  return cleanDecimal(lots * grid.config.lotSize, grid.qtyDecimals);
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

export function ticksOf(grid: InstrumentGrid, price: unknown): number | undefined {
  return stepsOf(price, grid.config.tickSize, grid.priceDecimals);
}

export function lotsOf(grid: InstrumentGrid, qty: unknown): number | undefined {
  return stepsOf(qty, grid.config.lotSize, grid.qtyDecimals);
}

/** The band around a mark, in ticks: lowest tick at or above mark(1-pct), highest at or below mark(1+pct). */
export function bandTicks(grid: InstrumentGrid, markTicks: number): { low: number; high: number } {
  const pct = grid.config.bandPct;
  return {
    low: Math.max(1, Math.ceil(markTicks * (1 - pct) - 1e-9)),
    high: Math.floor(markTicks * (1 + pct) + 1e-9),
  };
}
