/**
 * The engine keeps prices, quantities and cash as exact integers ("atoms": units of
 * 10^-decimals) so that no float dust can reach the book. These helpers turn wire values into
 * atoms and back. Everything here is pure.
 */

import type { NumberSpelling } from './exchange-config.ts';

export type NumericRead =
  /** `exact`: for a decimal string, the exact decimal it spells (canonical), which the engine never rounds. */
  | { kind: 'number'; value: number; exact?: string }
  | { kind: 'not_finite' }
  | { kind: 'not_a_number' }
  | { kind: 'missing' };

const DECIMAL_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE_RE = /^[+-]?(NaN|Infinity|inf)$/i;
const PARTS_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Exponents beyond this make no finite double anyway; their exact decimal is not spelled out. */
const MAX_EXPONENT = 1000;

/**
 * Reads a number sent as a JSON number or a decimal string; anything else is classified. With
 * `spellings`, a string must use only those (docs/protocol.md, "Numbers"); any other string is
 * not a number. Without, every spelling of the grammar is taken.
 */
export function readNumeric(value: unknown, spellings?: ReadonlySet<NumberSpelling>): NumericRead {
  if (typeof value === 'number')
    return Number.isFinite(value) ? { kind: 'number', value } : { kind: 'not_finite' };
  if (value === undefined || value === null) return { kind: 'missing' };
  if (typeof value === 'string') {
    if (spellings !== undefined && !spellings.has('string')) return { kind: 'not_a_number' };
    const text = value.trim();
    if (DECIMAL_RE.test(text)) {
      if (spellings !== undefined && !spelledWithin(value, text, spellings)) return { kind: 'not_a_number' };
      const n = Number(text);
      if (!Number.isFinite(n)) return { kind: 'not_finite' };
      const exact = exactDecimal(text);
      return exact === undefined ? { kind: 'number', value: n } : { kind: 'number', value: n, exact };
    }
    if (NON_FINITE_RE.test(text)) return { kind: 'not_finite' };
  }
  return { kind: 'not_a_number' };
}

/** Whether a decimal string (trimmed: `text`) uses only the given spellings beyond a plain decimal. */
function spelledWithin(raw: string, text: string, spellings: ReadonlySet<NumberSpelling>): boolean {
  const m = PARTS_RE.exec(text);
  if (m === null) return false;
  const [, sign, int = '', frac, exp] = m;
  if (text !== raw && !spellings.has('blanks')) return false;
  if (sign === '+' && !spellings.has('plus_sign')) return false;
  if (exp !== undefined && !spellings.has('exponent')) return false;
  if (frac !== undefined && (frac === '' || frac.endsWith('0')) && !spellings.has('trailing_zeros'))
    return false;
  if ((int === '' || (int.length > 1 && int.startsWith('0'))) && !spellings.has('leading_zeros'))
    return false;
  return true;
}

/**
 * The exact decimal a decimal string spells, canonical: no `+`, no exponent, no leading or
 * trailing zeros ("2.5E4" is "25000", "-0.0" is "0"); undefined past MAX_EXPONENT.
 */
export function exactDecimal(text: string): string | undefined {
  const m = PARTS_RE.exec(text);
  if (m === null) return undefined;
  const [, sign, int = '', frac = '', exp = '0'] = m;
  const shift = Number(exp);
  if ((int === '' && frac === '') || !Number.isSafeInteger(shift) || Math.abs(shift) > MAX_EXPONENT)
    return undefined;
  let digits = int + frac;
  let point = int.length + shift;
  const lead = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(lead).replace(/0+$/, '');
  point -= lead;
  if (digits === '') return '0';
  let body: string;
  if (point <= 0) body = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) body = digits + '0'.repeat(point - digits.length);
  else body = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign === '-' ? `-${body}` : body;
}

/** Atoms as the exact decimal they stand for, canonical as exactDecimal makes it (3 at scale 10 is "0.3"). */
export function atomsDecimal(atoms: number, scale: number): string {
  const places = String(scale).length - 1;
  const digits = String(Math.abs(atoms)).padStart(places + 1, '0');
  const int = digits.slice(0, digits.length - places);
  const frac = digits.slice(digits.length - places).replace(/0+$/, '');
  const body = frac === '' ? int : `${int}.${frac}`;
  return atoms < 0 && body !== '0' ? `-${body}` : body;
}

/**
 * Exact atoms for a decimal, or NaN when the value has more decimals than the scale allows.
 * The tolerance absorbs binary representation error only (0.3 * 1000 = 300.00000000000006,
 * about 1e-16 relative), never a real extra decimal (4.9999999 at 3 decimals is off the grid).
 */
export function toAtoms(value: number, scale: number): number {
  const raw = value * scale;
  const atoms = Math.round(raw);
  return Math.abs(raw - atoms) <= 1e-11 * Math.max(1, Math.abs(raw)) ? atoms : Number.NaN;
}

/** Atoms back to the nearest double of the decimal (3 / 10 is 0.3, not 0.30000000000000004). */
export function fromAtoms(atoms: number, scale: number): number {
  return atoms / scale;
}

export function pow10(decimals: number): number {
  return 10 ** decimals;
}

/** Ceiling of a/b for a >= 0 and a small positive integer b; exact for a < 2^53. */
export function ceilDiv(a: number, b: number): number {
  return Math.ceil(a / b);
}
