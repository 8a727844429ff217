/**
 * The venue's documented formulas (docs/exchange.md), written here from the documentation and
 * not taken from the venue's code: checkers import nothing of the system they judge. Every
 * amount is an integer number of atoms (price atoms = price x 10^tick decimals, quantity atoms
 * = qty x 10^lot decimals, cash atoms = cash x 10^cash decimals).
 */

/**
 * Decimal places of a positive step (tick or lot) as JavaScript prints it: 0.5 -> 1,
 * 0.001 -> 3, 1e-7 -> 7, 2.5e-7 -> 8, 5 -> 0. NaN for anything that is not a finite number.
 */
export function stepDecimals(x: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) return Number.NaN;
  const text = String(Math.abs(x));
  const e = text.indexOf('e');
  const mantissa = e === -1 ? text : text.slice(0, e);
  const exponent = e === -1 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const fraction = dot === -1 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, fraction - exponent);
}

/** The largest absolute position an account could reach: every open buy filled, or every open sell. */
export function worstCase(position: number, openBuy: number, openSell: number): number {
  return Math.max(Math.abs(position + openBuy), Math.abs(position - openSell));
}

/** ceil(a / b) for integers a >= 0 and b >= 1, exact whatever the size of a. */
export function ceilDivide(a: number, b: number): number {
  // For safe integers the double quotient is exact: when a / b is not a whole number it lies at
  // least 1/b from one, farther than the quotient's rounding error (under a x 2^-53 / b), so
  // Math.ceil lands where exact integer division does (and no BigInt is needed).
  return Math.ceil(a / b);
}

/**
 * The margin of an exposure (quantity atoms) valued at the mark (price atoms), over the
 * leverage, rounded up on the cash grid: `ceil(exposure x mark / L)`.
 */
export function marginOf(exposure: number, mark: number, cashPerPxQty: number, leverage: number): number {
  return ceilDivide(exposure * mark * cashPerPxQty, leverage);
}

/** Powers of ten already worked out, by exponent (a run asks for the same few again and again). */
const powers: bigint[] = [1n];

/** 10^n as a BigInt, exactly, for a whole n >= 0. */
export function pow10(n: number): bigint {
  if (!Number.isSafeInteger(n) || n < 0 || n > 1024) return 10n ** BigInt(n);
  while (powers.length <= n) powers.push(powers[powers.length - 1] * 10n);
  return powers[n];
}

/** A finite decimal as an exact fraction `num / 10^places` (BigInt), from its shortest spelling. */
export function exactDecimal(x: number): { readonly num: bigint; readonly places: number } | undefined {
  if (typeof x !== 'number' || !Number.isFinite(x)) return undefined;
  // A run reads the same few values again and again: a pure function, remembered (and
  // forgotten past a bound, so that a long campaign does not keep every value it saw).
  const known = decimals.get(x);
  if (known !== undefined) return known;
  const exact = readDecimal(x);
  if (decimals.size >= 50_000) decimals.clear();
  decimals.set(x, exact);
  return exact;
}

const decimals = new Map<number, { readonly num: bigint; readonly places: number }>();

function readDecimal(x: number): { readonly num: bigint; readonly places: number } {
  const text = String(Math.abs(x));
  const e = text.indexOf('e');
  const mantissa = e === -1 ? text : text.slice(0, e);
  let exponent = e === -1 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot === -1 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  exponent -= dot === -1 ? 0 : mantissa.length - dot - 1;
  let num = BigInt(digits) * (x < 0 ? -1n : 1n);
  if (exponent > 0) {
    num *= pow10(exponent);
    exponent = 0;
  }
  return { num, places: -exponent };
}

/**
 * The band around a mark, on the tick grid (docs/exchange.md, "Instruments"): the low edge is
 * the lowest tick at or above `mark x (1 - bandPct)`, and at least one tick; the high edge the
 * highest tick at or below `mark x (1 + bandPct)`. `mark` and `tick` in price atoms; exact.
 */
export function bandEdges(mark: number, bandPct: number, tick: number): { low: number; high: number } {
  const pct = exactDecimal(bandPct);
  if (pct === undefined || !Number.isSafeInteger(mark) || !Number.isSafeInteger(tick) || tick <= 0)
    return { low: Number.NaN, high: Number.NaN };
  const fast = bandEdgesOnDoubles(mark, pct, tick);
  if (fast !== undefined) return fast;
  const scale = pow10(pct.places);
  const m = BigInt(mark);
  const t = BigInt(tick);
  // mark x (1 - p) / tick = m (scale - num) / (scale t); ceil and floor on exact integers.
  const lowNum = m * (scale - pct.num);
  const highNum = m * (scale + pct.num);
  const den = scale * t;
  const ceil = (a: bigint): bigint => (a >= 0n ? (a + den - 1n) / den : -(-a / den));
  const floor = (a: bigint): bigint => (a >= 0n ? a / den : -((-a + den - 1n) / den));
  const low = ceil(lowNum) * t;
  const high = floor(highNum) * t;
  return { low: Number(low < t ? t : low), high: Number(high) };
}

/**
 * bandEdges in doubles, when every integer on the way is safe (below 2^53): then each product is
 * exact and each quotient's ceil or floor is the exact one (see ceilDivide). Undefined when some
 * number would not be safe (bandEdges then works in BigInt).
 */
function bandEdgesOnDoubles(
  mark: number,
  pct: { readonly num: bigint; readonly places: number },
  tick: number,
): { low: number; high: number } | undefined {
  if (pct.places > 15) return undefined;
  const scale = 10 ** pct.places;
  const num = Number(pct.num);
  if (!Number.isSafeInteger(num)) return undefined;
  const lowNum = mark * (scale - num);
  const highNum = mark * (scale + num);
  const den = scale * tick;
  if (!Number.isSafeInteger(lowNum) || !Number.isSafeInteger(highNum) || !Number.isSafeInteger(den))
    return undefined;
  const low = Math.ceil(lowNum / den) * tick;
  const high = Math.floor(highNum / den) * tick;
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) return undefined;
  // + 0: a zero edge is +0, as the BigInt way gives it.
  return { low: low < tick ? tick : low, high: high + 0 };
}
