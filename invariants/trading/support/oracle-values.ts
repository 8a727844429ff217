import { boundedMemo } from './bounded-memo.ts';
import type { InstrumentRules } from './oracle-config.ts';
import { exactDecimal, pow10 } from './oracle-formulas.ts';

/**
 * Wire values as docs/exchange.md reads them: JSON numbers or decimal strings (trimmed), turned
 * into exact decimals and never rounded; anything else is missing, not a number or not finite.
 * Where the documentation leaves a spelling open (an `inf` string, a non-finite JSON number
 * that a JSON transport turns into null), every reading it allows is kept, and a check applies
 * the reasons of all of them.
 */
export interface Dec {
  /** value = num / 10^places */
  num: bigint;
  places: number;
}

export type WireReading = 'missing' | 'not_a_number' | 'not_finite' | Dec;

const DECIMAL = /^([+-]?)(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?$/;

function decimalOfText(text: string): Dec | undefined {
  const m = DECIMAL.exec(text);
  if (m === null) return undefined;
  const [, sign, body, exp] = m;
  const dot = body.indexOf('.');
  const digits = dot === -1 ? body : body.slice(0, dot) + body.slice(dot + 1);
  let places = (dot === -1 ? 0 : body.length - dot - 1) - Number(exp ?? 0);
  if (!Number.isSafeInteger(places) || Math.abs(places) > 400) return undefined;
  let num = BigInt(digits === '' ? '0' : digits) * (sign === '-' ? -1n : 1n);
  if (places < 0) {
    num *= pow10(-places);
    places = 0;
  }
  return { num, places };
}

const sameDec = (a: Dec, b: Dec): boolean => compareDec(a, b) === 0;

/** Every reading the documented rules allow for a value as sent. */
export function readWire(value: unknown): WireReading[] {
  return [...readings(value)];
}

/** readWire, with the readings of a string shared (read them, never change them). */
function readings(value: unknown): readonly WireReading[] {
  if (value === undefined || value === null) return ['missing'];
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return [exactDecimal(value) as Dec];
    // Not finite, or null once a JSON transport has carried it.
    return ['not_finite', 'missing'];
  }
  if (typeof value !== 'string') return ['not_a_number'];
  return stringReadings(value);
}

/** The readings of a string, remembered per string (boundedMemo). Shared: never change them. */
const stringReadings: (value: string) => readonly WireReading[] = boundedMemo(readString);

function readString(value: string): WireReading[] {
  const text = value.trim();
  if (DECIMAL.test(text)) {
    const n = Number(text);
    if (!Number.isFinite(n)) return ['not_finite'];
    const exact = decimalOfText(text);
    const asNumber = exactDecimal(n) as Dec;
    if (exact === undefined) return [asNumber];
    // A spelling with more precision than a double holds reads two ways: as written, or as
    // the number it parses to.
    return sameDec(exact, asNumber) ? [exact] : [exact, asNumber];
  }
  if (/^[+-]?(NaN|Infinity)$/.test(text)) return ['not_finite'];
  if (/^[+-]?(nan|inf|infinity)$/i.test(text)) return ['not_finite', 'not_a_number'];
  return ['not_a_number'];
}

/** Sign of a - b. */
export function compareDec(a: Dec, b: Dec): number {
  if (a.places === b.places) return a.num < b.num ? -1 : a.num > b.num ? 1 : 0;
  const places = Math.max(a.places, b.places);
  const x = a.num * pow10(places - a.places);
  const y = b.num * pow10(places - b.places);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const atomsDec = (atoms: number, decimals: number): Dec => ({ num: BigInt(atoms), places: decimals });

/**
 * A decimal on a grid of `step` atoms at `decimals`: its atoms, `off` when it is not on the
 * grid, `unclear` when it is off only by a double's representation error (a venue that reads
 * it as a double may take it for the grid point; the documentation does not settle it).
 */
export function onGrid(value: Dec, decimals: number, step: number): number | 'off' | 'unclear' {
  let atoms: bigint | undefined;
  if (value.places <= decimals) atoms = value.num * pow10(decimals - value.places);
  else {
    const div = pow10(value.places - decimals);
    if (value.num % div === 0n) atoms = value.num / div;
  }
  if (atoms !== undefined) {
    const n = Number(atoms);
    if (!Number.isSafeInteger(n)) return 'off';
    return n % step === 0 ? n : 'off';
  }
  const approx = (Number(value.num) / 10 ** value.places) * 10 ** decimals;
  const nearest = Math.round(approx);
  if (Number.isFinite(approx) && Math.abs(approx - nearest) <= 1e-9 * Math.max(1, Math.abs(approx)))
    return 'unclear';
  return 'off';
}

/** What one check found: the reasons that apply, whether it could not be settled, the valid value. */
export interface AmountCheck {
  /** Read only (the same empty set may be shared). */
  reasons: ReadonlySet<string>;
  unclear: boolean;
  /** The value in atoms, when every reading is valid and they agree. */
  atoms?: number;
}

function combine(results: { reasons: string[]; unclear: boolean; atoms?: number }[]): AmountCheck {
  const reasons = new Set<string>();
  let unclear = false;
  const values = new Set<number>();
  let invalid = false;
  for (const r of results) {
    for (const reason of r.reasons) reasons.add(reason);
    unclear ||= r.unclear;
    if (r.reasons.length > 0 || r.atoms === undefined) invalid = true;
    else values.add(r.atoms);
  }
  // Readings that disagree on whether the value is valid leave the check unsettled.
  if (invalid && values.size > 0) unclear = true;
  const out: AmountCheck = { reasons, unclear };
  if (!invalid && values.size === 1) out.atoms = [...values][0];
  else if (values.size > 1) out.unclear = true;
  return out;
}

/**
 * A value sent whose only reading is a whole number of atoms at `decimals` with no more places
 * than `decimals` and a safe number of atoms: those atoms, exactly, as onGrid finds them, without
 * BigInt (what clients send, as a rule). Undefined for anything else (more than one reading, not
 * a number, more places, unsafe): the general way (readings, onGrid, compareDec) settles those.
 * On such a reading every rule below compares whole atoms, so doubles give the exact answers.
 */
function wholeAtoms(value: unknown, decimals: number): number | undefined {
  let reading: WireReading;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    reading = exactDecimal(value) as Dec;
  } else if (typeof value === 'string') {
    const read = stringReadings(value);
    if (read.length !== 1) return undefined;
    reading = read[0];
    if (typeof reading !== 'object') return undefined;
  } else return undefined;
  const shift = decimals - reading.places;
  if (shift < 0 || shift > 22) return undefined;
  // num and 10^shift are exact doubles; their product is exact whenever it is safe (a product
  // of 2^53 or more rounds to a double of 2^53 or more, which is not safe).
  const atoms = Number(reading.num) * 10 ** shift;
  return Number.isSafeInteger(atoms) ? atoms + 0 : undefined;
}

const NO_REASONS: ReadonlySet<string> = new Set();

/** What combine makes of one reading: its reasons, and its atoms when it has none. */
function oneReading(reasons: string[], atoms: number | undefined): AmountCheck {
  if (reasons.length > 0) return { reasons: new Set(reasons), unclear: false };
  return atoms === undefined
    ? { reasons: NO_REASONS, unclear: false }
    : { reasons: NO_REASONS, unclear: false, atoms };
}

/** The quantity rules (docs/exchange.md, "Quantity"); without an instrument only those that need none. */
export function qtyCheck(value: unknown, inst: InstrumentRules | undefined): AmountCheck {
  // A value on the grid's decimals (what clients send, as a rule): the same rules in doubles.
  const n = inst !== undefined ? wholeAtoms(value, inst.qtyDecimals) : undefined;
  if (n !== undefined && inst !== undefined) {
    if (n === 0) return oneReading(['qty_zero'], undefined);
    const reasons: string[] = [];
    if (n < 0) reasons.push('qty_negative');
    if (n > inst.maxQty) reasons.push('qty_above_max');
    const grid = n % inst.lot === 0 ? n : 'off';
    if (grid === 'off') reasons.push('qty_not_lot_multiple');
    if (n > 0 && n < inst.minQty) reasons.push('qty_below_min');
    return oneReading(reasons, reasons.length === 0 ? n : undefined);
  }
  return combine(
    readings(value).map((reading) => {
      if (reading === 'missing' || reading === 'not_a_number')
        return { reasons: ['qty_not_a_number'], unclear: false };
      if (reading === 'not_finite') return { reasons: ['qty_not_finite'], unclear: false };
      const sign = reading.num === 0n ? 0 : reading.num < 0n ? -1 : 1;
      const reasons: string[] = [];
      if (sign === 0) reasons.push('qty_zero');
      if (sign < 0) reasons.push('qty_negative');
      // Without an instrument the rules that need one do not apply (nor is the value usable).
      if (inst === undefined) return { reasons, unclear: false };
      if (sign !== 0) {
        if (compareDec(reading, atomsDec(inst.maxQty, inst.qtyDecimals)) > 0) reasons.push('qty_above_max');
        const grid = onGrid(reading, inst.qtyDecimals, inst.lot);
        if (grid === 'unclear') return { reasons, unclear: true };
        if (grid === 'off') reasons.push('qty_not_lot_multiple');
        if (sign > 0 && compareDec(reading, atomsDec(inst.minQty, inst.qtyDecimals)) < 0)
          reasons.push('qty_below_min');
        if (reasons.length === 0 && typeof grid === 'number') return { reasons, unclear: false, atoms: grid };
      }
      return { reasons, unclear: false };
    }),
  );
}

/** The limit-price rules (docs/exchange.md, "Price") against a band in price atoms. */
export function priceCheck(
  value: unknown,
  inst: InstrumentRules | undefined,
  band: { low: number; high: number } | undefined,
): AmountCheck {
  const n =
    inst !== undefined && band !== undefined && Number.isInteger(band.low) && Number.isInteger(band.high)
      ? wholeAtoms(value, inst.priceDecimals)
      : undefined;
  if (n !== undefined && inst !== undefined && band !== undefined) {
    if (n <= 0) return oneReading(['price_not_positive'], undefined);
    const reasons: string[] = [];
    const grid = n % inst.tick === 0 ? n : 'off';
    if (grid === 'off') reasons.push('price_off_tick');
    if (n < band.low || n > band.high) reasons.push('price_out_of_band');
    return oneReading(reasons, reasons.length === 0 ? n : undefined);
  }
  return combine(
    readings(value).map((reading) => {
      if (reading === 'missing') return { reasons: ['price_required'], unclear: false };
      if (reading === 'not_a_number') return { reasons: ['price_not_a_number'], unclear: false };
      if (reading === 'not_finite') return { reasons: ['price_not_finite'], unclear: false };
      if (reading.num <= 0n) return { reasons: ['price_not_positive'], unclear: false };
      if (inst === undefined || band === undefined) return { reasons: [], unclear: false };
      const reasons: string[] = [];
      const grid = onGrid(reading, inst.priceDecimals, inst.tick);
      if (grid === 'unclear') return { reasons, unclear: true };
      if (grid === 'off') reasons.push('price_off_tick');
      if (
        compareDec(reading, atomsDec(band.low, inst.priceDecimals)) < 0 ||
        compareDec(reading, atomsDec(band.high, inst.priceDecimals)) > 0
      )
        reasons.push('price_out_of_band');
      if (reasons.length === 0 && typeof grid === 'number') return { reasons, unclear: false, atoms: grid };
      return { reasons, unclear: false };
    }),
  );
}

/** The set_mark rules: a positive tick multiple not above ten times the configured mark. */
export function markCheck(value: unknown, inst: InstrumentRules): AmountCheck {
  const n = wholeAtoms(value, inst.priceDecimals);
  if (n !== undefined && Number.isInteger(inst.configuredMark * 10)) {
    if (n <= 0) return oneReading(['price_not_positive'], undefined);
    const reasons: string[] = [];
    if (n > inst.configuredMark * 10) reasons.push('price_out_of_band');
    if (n % inst.tick !== 0) reasons.push('price_off_tick');
    return oneReading(reasons, reasons.length === 0 ? n : undefined);
  }
  return combine(
    readings(value).map((reading) => {
      if (reading === 'missing' || reading === 'not_a_number')
        return { reasons: ['price_not_a_number'], unclear: false };
      if (reading === 'not_finite') return { reasons: ['price_not_finite'], unclear: false };
      if (reading.num <= 0n) return { reasons: ['price_not_positive'], unclear: false };
      const reasons: string[] = [];
      if (compareDec(reading, atomsDec(inst.configuredMark * 10, inst.priceDecimals)) > 0)
        reasons.push('price_out_of_band');
      const grid = onGrid(reading, inst.priceDecimals, inst.tick);
      if (grid === 'unclear') return { reasons, unclear: true };
      if (grid === 'off') reasons.push('price_off_tick');
      if (reasons.length === 0 && typeof grid === 'number') return { reasons, unclear: false, atoms: grid };
      return { reasons, unclear: false };
    }),
  );
}
