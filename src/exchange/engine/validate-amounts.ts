import { atomsDecimal, readNumeric, toAtoms } from '../../domains/trading/protocol/decimal-codec.ts';
import type { NumberSpelling } from '../../domains/trading/protocol/exchange-config.ts';
import type { RejectReason } from '../../domains/trading/protocol/reject-reason.ts';
import type { InstrumentState } from './engine-state.ts';

/** Exact atoms, or the reason the value is unacceptable (a string: no allocation on the hot path). */
export type AtomsOrReject = number | RejectReason;

/** A finite number read off the wire; `exact` is the decimal a string spelled (see readNumeric). */
interface WireNumber {
  x: number;
  exact?: string;
}

/** A finite number from a JSON number or decimal string, or the reject for what it is instead. */
function numberOf(
  value: unknown,
  missing: RejectReason,
  notNumber: RejectReason,
  notFinite: RejectReason,
  spellings: ReadonlySet<NumberSpelling> | undefined,
): WireNumber | RejectReason {
  if (typeof value === 'number') return Number.isFinite(value) ? { x: value } : notFinite;
  const read = readNumeric(value, spellings);
  if (read.kind === 'number')
    return read.exact === undefined ? { x: read.value } : { x: read.value, exact: read.exact };
  if (read.kind === 'missing') return missing;
  return read.kind === 'not_finite' ? notFinite : notNumber;
}

/**
 * Atoms of a value on a grid, or NaN when it is off it. A string is held to the exact decimal it
 * spells, so that no spelling is rounded onto the grid ("20000.5000000000000001" is off a 0.5
 * tick although the nearest double is on it); a JSON number may carry binary error (toAtoms).
 */
function gridAtoms(n: WireNumber, scale: number): number {
  const atoms = toAtoms(n.x, scale);
  return n.exact === undefined || n.exact === atomsDecimal(atoms, scale) ? atoms : Number.NaN;
}

/**
 * Quantity checks, in this documented order: not a number, not finite, zero, negative, above
 * max, not a lot multiple, below min. The above-max check runs on the decimal first so that a
 * huge value never overflows the atom range. `spellings`: the string spellings taken (all when
 * absent; ExchangeConfig.numberSpellings).
 */
export function validateQty(
  value: unknown,
  inst: InstrumentState,
  spellings?: ReadonlySet<NumberSpelling>,
): AtomsOrReject {
  const n = numberOf(value, 'qty_not_a_number', 'qty_not_a_number', 'qty_not_finite', spellings);
  if (typeof n === 'string') return n;
  const x = n.x;
  // By the exact decimal when there is one: "1e-400" is not zero, though its double is.
  if (n.exact !== undefined ? n.exact === '0' : x === 0) return 'qty_zero';
  if (n.exact !== undefined ? n.exact.startsWith('-') : x < 0) return 'qty_negative';
  if (x > inst.cfg.maxQty * 2) return 'qty_above_max';
  const atoms = gridAtoms(n, inst.qtyScale);
  if (Number.isNaN(atoms) || atoms % inst.lot !== 0) {
    return x > inst.cfg.maxQty ? 'qty_above_max' : 'qty_not_lot_multiple';
  }
  if (atoms > inst.maxQty) return 'qty_above_max';
  if (atoms < inst.minQty) return 'qty_below_min';
  return atoms;
}

/**
 * Limit price checks, in order: missing, not a number, not finite, not positive, off tick,
 * outside the band. Far-out values are called out of band before the tick check so they
 * never overflow.
 */
export function validatePrice(
  value: unknown,
  inst: InstrumentState,
  spellings?: ReadonlySet<NumberSpelling>,
): AtomsOrReject {
  const n = numberOf(value, 'price_required', 'price_not_a_number', 'price_not_finite', spellings);
  if (typeof n === 'string') return n;
  const x = n.x;
  if (n.exact !== undefined ? n.exact === '0' || n.exact.startsWith('-') : x <= 0)
    return 'price_not_positive';
  if (x > (inst.bandHigh / inst.priceScale) * 2) return 'price_out_of_band';
  const atoms = gridAtoms(n, inst.priceScale);
  if (Number.isNaN(atoms) || atoms % inst.tick !== 0) return 'price_off_tick';
  if (atoms < inst.bandLow || atoms > inst.bandHigh) return 'price_out_of_band';
  return atoms;
}

/** Band edges on the tick grid: the lowest tick >= mark(1-pct) and the highest <= mark(1+pct). */
export function priceBand(mark: number, bandPct: number, tick: number): { low: number; high: number } {
  const low = Math.ceil((mark * (1 - bandPct)) / tick - 1e-9) * tick;
  const high = Math.floor((mark * (1 + bandPct)) / tick + 1e-9) * tick;
  return { low: Math.max(tick, low), high };
}
