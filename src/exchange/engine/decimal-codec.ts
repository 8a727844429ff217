/**
 * The engine keeps prices, quantities and cash as exact integers ("atoms": units of
 * 10^-decimals) so that no float dust can reach the book. These helpers turn wire values into
 * atoms and back. Everything here is pure.
 */

export type NumericRead =
  | { kind: 'number'; value: number }
  | { kind: 'not_finite' }
  | { kind: 'not_a_number' }
  | { kind: 'missing' };

const DECIMAL_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE_RE = /^[+-]?(NaN|Infinity|inf)$/i;

/** Reads a number sent as a JSON number or a decimal string; anything else is classified. */
export function readNumeric(value: unknown): NumericRead {
  if (typeof value === 'number')
    return Number.isFinite(value) ? { kind: 'number', value } : { kind: 'not_finite' };
  if (value === undefined || value === null) return { kind: 'missing' };
  if (typeof value === 'string') {
    const text = value.trim();
    if (DECIMAL_RE.test(text)) {
      const n = Number(text);
      return Number.isFinite(n) ? { kind: 'number', value: n } : { kind: 'not_finite' };
    }
    if (NON_FINITE_RE.test(text)) return { kind: 'not_finite' };
  }
  return { kind: 'not_a_number' };
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
