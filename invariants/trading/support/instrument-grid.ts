import { cashPerPxQtyAt, instrumentCashDecimals, multiplierOf } from './contract-value.ts';
import { EPSILON, gridUnits } from './numbers.ts';
import { bandEdges, stepDecimals } from './oracle-formulas.ts';

/**
 * One instrument's grids as the engine uses them: integer atoms of price (tick decimals),
 * quantity (lot decimals) and cash (the largest sum of the two over all instruments), so that
 * recomputations are exact integer arithmetic.
 */
export interface InstrumentGrid {
  symbol: string;
  lotSize: number;
  tickSize: number;
  priceScale: number;
  qtyScale: number;
  cashScale: number;
  /** price atoms x qty atoms x this = cash atoms (the contract multiplier included). */
  cashPerPxQty: number;
  /** Cash per unit of quantity per unit of price (contract-value.ts); 1 when not configured. */
  contractMultiplier: number;
  bandPct: number;
  markPrice: number;
}

/** What these grids read of the venue's config (the ExchangeConfig shape, declared here). */
export interface GridConfig {
  instruments?: readonly {
    symbol: string;
    tickSize: number;
    lotSize: number;
    bandPct: number;
    markPrice: number;
    contractMultiplier?: number;
  }[];
}

function safeDecimals(x: number): number {
  return typeof x === 'number' && Number.isFinite(x) ? stepDecimals(x) : 0;
}

export function cashDecimalsOf(config: GridConfig | undefined): number {
  let decimals = 0;
  for (const inst of config?.instruments ?? []) {
    decimals = Math.max(decimals, instrumentCashDecimals(inst));
  }
  return decimals;
}

/**
 * The grids of a config's instruments. Several invariants ask for those of the same config in
 * one run: the last answer is kept while the instruments still read the same (a config edited
 * since gets new grids). Shared: read them, never change them.
 */
export function instrumentGrids(
  config: GridConfig | undefined,
): ReadonlyMap<string, Readonly<InstrumentGrid>> {
  const list = config?.instruments ?? [];
  if (lastGrids !== undefined && lastGrids.config === config && sameFields(lastGrids.read, list))
    return lastGrids.grids;
  const grids = buildGrids(config);
  lastGrids = { config, read: list.map(fieldsOf), grids };
  return grids;
}

type Instrument = NonNullable<GridConfig['instruments']>[number];

/** What the grids read of one instrument. */
const fieldsOf = (inst: Instrument): unknown[] => [
  inst?.symbol,
  inst?.tickSize,
  inst?.lotSize,
  inst?.bandPct,
  inst?.markPrice,
  inst?.contractMultiplier,
];

function sameFields(read: readonly unknown[][], list: readonly Instrument[]): boolean {
  if (read.length !== list.length) return false;
  for (let i = 0; i < list.length; i++) {
    const now = fieldsOf(list[i]);
    for (let k = 0; k < now.length; k++) if (!Object.is(now[k], read[i][k])) return false;
  }
  return true;
}

let lastGrids:
  | { config: unknown; read: unknown[][]; grids: ReadonlyMap<string, Readonly<InstrumentGrid>> }
  | undefined;

function buildGrids(config: GridConfig | undefined): Map<string, InstrumentGrid> {
  const cashDecimals = cashDecimalsOf(config);
  const grids = new Map<string, InstrumentGrid>();
  for (const inst of config?.instruments ?? []) {
    const pd = safeDecimals(inst.tickSize);
    const qd = safeDecimals(inst.lotSize);
    grids.set(inst.symbol, {
      symbol: inst.symbol,
      lotSize: inst.lotSize,
      tickSize: inst.tickSize,
      priceScale: 10 ** pd,
      qtyScale: 10 ** qd,
      cashScale: 10 ** cashDecimals,
      cashPerPxQty: cashPerPxQtyAt(inst, cashDecimals),
      contractMultiplier: multiplierOf(inst),
      bandPct: inst.bandPct,
      markPrice: inst.markPrice,
    });
  }
  return grids;
}

/** A decimal as integer atoms of a scale (NaN when not on that scale's grid). */
export function atoms(x: number, scale: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) return Number.NaN;
  const raw = x * scale;
  const whole = Math.round(raw);
  return Math.abs(raw - whole) <= EPSILON * Math.max(1, Math.abs(raw)) ? whole : Number.NaN;
}

/** The band the venue starts with, in price decimals, on the tick grid as docs/exchange.md rounds it. */
export function initialBand(grid: InstrumentGrid): { low: number; high: number } {
  const tick = Math.round(grid.tickSize * grid.priceScale);
  const mark = Math.round(grid.markPrice * grid.priceScale);
  const band = bandEdges(mark, grid.bandPct, tick);
  return { low: band.low / grid.priceScale, high: band.high / grid.priceScale };
}

/** Quantity in lots of the order's instrument; for an unknown symbol, in nano units. */
export function lotsOf(
  grids: ReadonlyMap<string, Readonly<InstrumentGrid>>,
  symbol: string,
  qty: number,
): number {
  return gridUnits(qty, grids.get(symbol)?.lotSize ?? 1e-9);
}

/** Lots back to the decimal the venue would print (via atoms, so 3 lots of 0.1 print 0.3). */
export function qtyOfLots(
  grids: ReadonlyMap<string, Readonly<InstrumentGrid>>,
  symbol: string,
  lots: number,
): number {
  const grid = grids.get(symbol);
  if (grid === undefined) return lots * 1e-9;
  return (lots * Math.round(grid.lotSize * grid.qtyScale)) / grid.qtyScale;
}
