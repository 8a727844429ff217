import { decimalsOf } from '../protocol/decimals-of.ts';
import { defaultExchangeConfig, type InstrumentConfig } from '../protocol/exchange-config.ts';

/** An instrument as the adapter declares it: the grid the venue promises to keep. */
export interface InstrumentSpec {
  symbol: string;
  /** Price step: every price in and out is a whole number of ticks. */
  tickSize: number;
  /** Size step: every size in and out is a whole number of lots. */
  lotSize: number;
  /** Smallest size accepted (default: one lot). */
  minQty?: number;
  /** Largest size accepted (default: no limit). */
  maxQty?: number;
  /** Shown as the instrument's mark in the snapshot; the kit has no marks of its own (default 0). */
  markPrice?: number;
}

/**
 * An instrument with its grid worked out. The conversions put a library's floats on the grid
 * when they are on it up to binary representation error (0.30000000000000004 is 0.3), and pass
 * any other value through exactly as the library gave it: dust such as 2.7755575615628914e-17
 * left by 0.3 - 0.1 - 0.2 is then visible to the invariants (orders.quantities, book.depth-...)
 * as the bug it is, instead of being rounded away or crashing the adapter.
 */
export interface KitInstrument {
  readonly symbol: string;
  readonly tickSize: number;
  readonly lotSize: number;
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
  readonly minLots: number;
  /** Infinity when the adapter declared no maximum. */
  readonly maxLots: number;
  readonly markPrice: number;
}

/** The instruments the generator aims at by default: the reference venue's sandbox instruments. */
export function referenceInstruments(): InstrumentSpec[] {
  const config = defaultExchangeConfig();
  return config.instruments
    .filter((i) => i.symbol.startsWith(config.sandboxPrefix))
    .map(({ symbol, tickSize, lotSize, minQty, maxQty, markPrice }) => ({
      symbol,
      tickSize,
      lotSize,
      minQty,
      maxQty,
      markPrice,
    }));
}

export function kitInstrument(spec: InstrumentSpec): KitInstrument {
  if (!(spec.tickSize > 0) || !(spec.lotSize > 0))
    throw new RangeError(`instrument ${spec.symbol}: tickSize and lotSize must be positive numbers`);
  return {
    symbol: spec.symbol,
    tickSize: spec.tickSize,
    lotSize: spec.lotSize,
    priceDecimals: decimalsOf(spec.tickSize),
    qtyDecimals: decimalsOf(spec.lotSize),
    minLots: Math.max(1, Math.ceil((spec.minQty ?? spec.lotSize) / spec.lotSize - 1e-9)),
    maxLots:
      spec.maxQty === undefined ? Number.POSITIVE_INFINITY : Math.floor(spec.maxQty / spec.lotSize + 1e-9),
    markPrice: spec.markPrice ?? 0,
  };
}

/**
 * How many steps `x` is: a whole number when it is on the grid up to representation error,
 * otherwise the exact ratio (fractional), so that arithmetic on it keeps the dust visible.
 * A value that is not zero never snaps to zero steps.
 */
export function stepsOf(x: number, step: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) return Number.NaN;
  const units = x / step;
  const whole = Math.round(units);
  const near = Math.abs(units - whole) <= 1e-9 * Math.max(1, Math.abs(units));
  return near && !(whole === 0 && x !== 0) ? whole : units;
}

/** Steps back to a decimal: exact for whole steps (3 lots of 0.1 print 0.3), raw otherwise. */
export function stepsValue(steps: number, step: number, decimals: number): number {
  if (!Number.isSafeInteger(steps)) return steps * step;
  return Number((steps * step).toFixed(decimals));
}

/** A library's value on the grid: the exact decimal when it is on it, else the value itself, untouched. */
export function onGrid(x: number, step: number, decimals: number): number {
  const steps = stepsOf(x, step);
  return Number.isSafeInteger(steps) ? stepsValue(steps, step, decimals) : x;
}

export const lotsOf = (inst: KitInstrument, qty: number): number => stepsOf(qty, inst.lotSize);
export const qtyOnGrid = (inst: KitInstrument, qty: number): number =>
  onGrid(qty, inst.lotSize, inst.qtyDecimals);
export const priceOnGrid = (inst: KitInstrument, price: number): number =>
  onGrid(price, inst.tickSize, inst.priceDecimals);
export const qtyOf = (inst: KitInstrument, lots: number): number =>
  stepsValue(lots, inst.lotSize, inst.qtyDecimals);
export const ticksOf = (inst: KitInstrument, price: number): number => stepsOf(price, inst.tickSize);
export const priceOf = (inst: KitInstrument, ticks: number): number =>
  stepsValue(ticks, inst.tickSize, inst.priceDecimals);

/** The instrument as the reference config describes one (for the evidence the invariants read). */
export function instrumentConfig(inst: KitInstrument): InstrumentConfig {
  return {
    symbol: inst.symbol,
    tickSize: inst.tickSize,
    lotSize: inst.lotSize,
    minQty: qtyOf(inst, inst.minLots),
    maxQty: Number.isFinite(inst.maxLots) ? qtyOf(inst, inst.maxLots) : Number.MAX_SAFE_INTEGER,
    // The kit enforces no price band and no position limit: these say "none".
    bandPct: 1,
    markPrice: inst.markPrice,
    maxPosition: Number.MAX_SAFE_INTEGER,
  };
}
