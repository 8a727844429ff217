import { atomsDecimal, readNumeric, toAtoms } from '../protocol/decimal-codec.ts';
import type { RejectReason } from '../protocol/reject-reason.ts';
import type { KitInstrument } from './kit-instrument.ts';

/**
 * The gateway's checks on the numbers of a request, before the library sees it: a request
 * carries wire values (JSON numbers, decimal strings, junk such as "NaN" or -1), the library
 * takes floats on its grid. The checks and their reasons are the reference venue's
 * (docs/exchange.md, "Validation order"), less the price band, which a bare book has not.
 * A string is held to the exact decimal it spells, so no spelling is rounded onto the grid.
 */

type Read = { x: number; exact?: string } | RejectReason;

function read(value: unknown, missing: RejectReason, notNumber: RejectReason, notFinite: RejectReason): Read {
  const n = readNumeric(value);
  if (n.kind === 'number') return n.exact === undefined ? { x: n.value } : { x: n.value, exact: n.exact };
  if (n.kind === 'missing') return missing;
  return n.kind === 'not_finite' ? notFinite : notNumber;
}

/** Whole steps of `step` in the value, or NaN when it is off that grid (or too large to be exact). */
function wholeSteps(n: { x: number; exact?: string }, step: number, decimals: number): number {
  const scale = 10 ** decimals;
  const atoms = toAtoms(n.x, scale);
  if (!Number.isSafeInteger(atoms)) return Number.NaN;
  if (n.exact !== undefined && n.exact !== atomsDecimal(atoms, scale)) return Number.NaN;
  const per = Math.round(step * scale);
  return atoms % per === 0 ? atoms / per : Number.NaN;
}

/** A size in whole lots, or why it is refused: not a number, not finite, zero, negative, above max, off the lot, below min. */
export function readQty(value: unknown, inst: KitInstrument): number | RejectReason {
  const n = read(value, 'qty_not_a_number', 'qty_not_a_number', 'qty_not_finite');
  if (typeof n === 'string') return n;
  if (n.exact !== undefined ? n.exact === '0' : n.x === 0) return 'qty_zero';
  if (n.exact !== undefined ? n.exact.startsWith('-') : n.x < 0) return 'qty_negative';
  const maxQty = inst.maxLots * inst.lotSize;
  const lots = wholeSteps(n, inst.lotSize, inst.qtyDecimals);
  if (Number.isNaN(lots)) return n.x > maxQty ? 'qty_above_max' : 'qty_not_lot_multiple';
  if (lots > inst.maxLots) return 'qty_above_max';
  if (lots < inst.minLots) return 'qty_below_min';
  return lots;
}

/**
 * A limit price in whole ticks, or why it is refused: missing, not a number, not finite, not
 * positive, off the tick; a price too large for the grid to hold exactly is out of band.
 */
export function readPrice(value: unknown, inst: KitInstrument): number | RejectReason {
  const n = read(value, 'price_required', 'price_not_a_number', 'price_not_finite');
  if (typeof n === 'string') return n;
  if (n.exact !== undefined ? n.exact === '0' || n.exact.startsWith('-') : n.x <= 0)
    return 'price_not_positive';
  if (!Number.isSafeInteger(Math.round(n.x * 10 ** inst.priceDecimals))) return 'price_out_of_band';
  const ticks = wholeSteps(n, inst.tickSize, inst.priceDecimals);
  return Number.isNaN(ticks) ? 'price_off_tick' : ticks;
}
