import {
  atomsDecimal,
  type NumericRead,
  readNumeric,
  toAtoms,
} from '../../domains/trading/protocol/decimal-codec.ts';
import type { NumberSpelling } from '../../domains/trading/protocol/exchange-config.ts';
import type { RejectReason } from '../../domains/trading/protocol/reject-reason.ts';
import type { InstrumentState } from './engine-state.ts';

/** Exact atoms, or the reason the value is unacceptable (a string: no allocation on the hot path). */
export type AtomsOrReject = number | RejectReason;

/**
 * The reject for a wire value readNumeric found no finite number in. (A JSON number is read in
 * place by the checks below: no reading to allocate.)
 */
function notNumeric(
  read: Exclude<NumericRead, { kind: 'number' }>,
  missing: RejectReason,
  notNumber: RejectReason,
  notFinite: RejectReason,
): RejectReason {
  if (read.kind === 'missing') return missing;
  return read.kind === 'not_finite' ? notFinite : notNumber;
}

/**
 * Atoms of a value on a grid, or NaN when it is off it. A string is held to the exact decimal it
 * spells (`exact`), so that no spelling is rounded onto the grid ("20000.5000000000000001" is off
 * a 0.5 tick although the nearest double is on it); a JSON number may carry binary error (toAtoms).
 */
function gridAtoms(x: number, exact: string | undefined, scale: number): number {
  const atoms = toAtoms(x, scale);
  return exact === undefined || exact === atomsDecimal(atoms, scale) ? atoms : Number.NaN;
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
  let x: number;
  let exact: string | undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'qty_not_finite';
    x = value;
  } else {
    const read = readNumeric(value, spellings);
    if (read.kind !== 'number')
      return notNumeric(read, 'qty_not_a_number', 'qty_not_a_number', 'qty_not_finite');
    x = read.value;
    exact = read.exact;
  }
  // By the exact decimal when there is one: "1e-400" is not zero, though its double is.
  if (exact !== undefined ? exact === '0' : x === 0) return 'qty_zero';
  if (exact !== undefined ? exact.startsWith('-') : x < 0) return 'qty_negative';
  if (x > inst.cfg.maxQty * 2) return 'qty_above_max';
  const atoms = gridAtoms(x, exact, inst.qtyScale);
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
  let x: number;
  let exact: string | undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'price_not_finite';
    x = value;
  } else {
    const read = readNumeric(value, spellings);
    if (read.kind !== 'number')
      return notNumeric(read, 'price_required', 'price_not_a_number', 'price_not_finite');
    x = read.value;
    exact = read.exact;
  }
  if (exact !== undefined ? exact === '0' || exact.startsWith('-') : x <= 0) return 'price_not_positive';
  if (x > (inst.bandHigh / inst.priceScale) * 2) return 'price_out_of_band';
  const atoms = gridAtoms(x, exact, inst.priceScale);
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
