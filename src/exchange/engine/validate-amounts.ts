import { readNumeric, toAtoms } from './decimal-codec.ts';
import type { InstrumentState } from './engine-state.ts';
import type { RejectReason } from './reject-reason.ts';

/** Either exact atoms or the reason the value is unacceptable. */
export type AtomsOrReject = { ok: true; atoms: number } | { ok: false; reason: RejectReason };

/**
 * Quantity checks, in this documented order: not a number, not finite, zero, negative, above
 * max, not a lot multiple, below min. The above-max check runs on the decimal first so that a
 * huge value never overflows the atom range.
 */
export function validateQty(value: unknown, inst: InstrumentState): AtomsOrReject {
  const read = readNumeric(value);
  if (read.kind === 'missing' || read.kind === 'not_a_number')
    return { ok: false, reason: 'qty_not_a_number' };
  if (read.kind === 'not_finite') return { ok: false, reason: 'qty_not_finite' };
  const x = read.value;
  if (x === 0) return { ok: false, reason: 'qty_zero' };
  if (x < 0) return { ok: false, reason: 'qty_negative' };
  if (x > inst.cfg.maxQty * 2) return { ok: false, reason: 'qty_above_max' };
  const atoms = toAtoms(x, inst.qtyScale);
  if (Number.isNaN(atoms) || atoms % inst.lot !== 0) {
    return x > inst.cfg.maxQty
      ? { ok: false, reason: 'qty_above_max' }
      : { ok: false, reason: 'qty_not_lot_multiple' };
  }
  if (atoms > inst.maxQty) return { ok: false, reason: 'qty_above_max' };
  if (atoms < inst.minQty) return { ok: false, reason: 'qty_below_min' };
  return { ok: true, atoms };
}

/**
 * Limit price checks, in order: missing, not a number, not finite, not positive, off tick,
 * outside the band. Far-out values are called out of band before the tick check so they
 * never overflow.
 */
export function validatePrice(value: unknown, inst: InstrumentState): AtomsOrReject {
  const read = readNumeric(value);
  if (read.kind === 'missing') return { ok: false, reason: 'price_required' };
  if (read.kind === 'not_a_number') return { ok: false, reason: 'price_not_a_number' };
  if (read.kind === 'not_finite') return { ok: false, reason: 'price_not_finite' };
  const x = read.value;
  if (x <= 0) return { ok: false, reason: 'price_not_positive' };
  if (x > (inst.bandHigh / inst.priceScale) * 2) return { ok: false, reason: 'price_out_of_band' };
  const atoms = toAtoms(x, inst.priceScale);
  if (Number.isNaN(atoms) || atoms % inst.tick !== 0) return { ok: false, reason: 'price_off_tick' };
  if (atoms < inst.bandLow || atoms > inst.bandHigh) return { ok: false, reason: 'price_out_of_band' };
  return { ok: true, atoms };
}

/** Band edges on the tick grid: the lowest tick >= mark(1-pct) and the highest <= mark(1+pct). */
export function priceBand(mark: number, bandPct: number, tick: number): { low: number; high: number } {
  const low = Math.ceil((mark * (1 - bandPct)) / tick - 1e-9) * tick;
  const high = Math.floor((mark * (1 + bandPct)) / tick + 1e-9) * tick;
  return { low: Math.max(tick, low), high };
}
