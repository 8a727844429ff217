import { readNumeric, toAtoms } from './decimal-codec.ts';
import type { InstrumentState } from './engine-state.ts';
import type { RejectReason } from './reject-reason.ts';

/** Exact atoms, or the reason the value is unacceptable (a string: no allocation on the hot path). */
export type AtomsOrReject = number | RejectReason;

/** A finite number from a JSON number or decimal string, or the reject for what it is instead. */
function numberOf(
  value: unknown,
  missing: RejectReason,
  notNumber: RejectReason,
  notFinite: RejectReason,
): number | RejectReason {
  if (typeof value === 'number') return Number.isFinite(value) ? value : notFinite;
  const read = readNumeric(value);
  if (read.kind === 'number') return read.value;
  if (read.kind === 'missing') return missing;
  return read.kind === 'not_finite' ? notFinite : notNumber;
}

/**
 * Quantity checks, in this documented order: not a number, not finite, zero, negative, above
 * max, not a lot multiple, below min. The above-max check runs on the decimal first so that a
 * huge value never overflows the atom range.
 */
export function validateQty(value: unknown, inst: InstrumentState): AtomsOrReject {
  const x = numberOf(value, 'qty_not_a_number', 'qty_not_a_number', 'qty_not_finite');
  if (typeof x === 'string') return x;
  if (x === 0) return 'qty_zero';
  if (x < 0) return 'qty_negative';
  if (x > inst.cfg.maxQty * 2) return 'qty_above_max';
  const atoms = toAtoms(x, inst.qtyScale);
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
export function validatePrice(value: unknown, inst: InstrumentState): AtomsOrReject {
  const x = numberOf(value, 'price_required', 'price_not_a_number', 'price_not_finite');
  if (typeof x === 'string') return x;
  if (x <= 0) return 'price_not_positive';
  if (x > (inst.bandHigh / inst.priceScale) * 2) return 'price_out_of_band';
  const atoms = toAtoms(x, inst.priceScale);
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
