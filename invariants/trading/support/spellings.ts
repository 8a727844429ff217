import { boundedMemo } from './bounded-memo.ts';
import { decimalPlaces } from './market-grid.ts';

/**
 * Spellings of a price or quantity besides a JSON number, as docs/protocol.md names them. A
 * venue's config may declare the ones it takes (`numberSpellings`); absent, the reference
 * protocol's: all of them. Kept here, apart from the venue's code, so that the rule reads the
 * declaration without the code it judges.
 */
export const SPELLINGS = [
  'string',
  'trailing_zeros',
  'plus_sign',
  'exponent',
  'blanks',
  'leading_zeros',
] as const;
export type Spelling = (typeof SPELLINGS)[number];

/** A value as sent: its exact decimal, and which spellings it uses (none for a JSON number). */
export interface Spelled {
  /** The exact decimal, canonical: no `+`, no exponent, no leading or trailing zeros (`-0.5`, `20000`). */
  exact: string;
  uses: Set<Spelling>;
}

const SHAPE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const MAX_EXPONENT = 1000;

/**
 * The exact decimal of a decimal text (no blanks), or undefined when it is not one; remembered
 * per text (boundedMemo).
 */
export const exactDecimal: (text: string) => string | undefined = boundedMemo(readExactDecimal);

/**
 * The exact decimal of a wire value, as `readSpelled(raw)?.exact` gives it, without building
 * the list of spellings: for rules that compare values and not how they were written.
 */
export function exactOf(raw: unknown): string | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? exactOfNumber(raw) : undefined;
  return typeof raw === 'string' ? exactDecimal(raw.trim()) : undefined;
}

/**
 * The exact decimal of a finite number. JavaScript prints a number without an exponent in
 * the canonical form already (no `+`, no leading or trailing zeros, `-0` printed `0`): only a
 * printing with an exponent needs reading.
 */
function exactOfNumber(x: number): string | undefined {
  const text = String(x);
  return text.includes('e') ? exactDecimal(text) : text;
}

function readExactDecimal(text: string): string | undefined {
  const m = SHAPE.exec(text);
  if (m === null) return undefined;
  const [, sign, int = '', frac = '', exp = '0'] = m;
  if (int === '' && frac === '') return undefined;
  const shift = Number(exp);
  if (!Number.isSafeInteger(shift) || Math.abs(shift) > MAX_EXPONENT) return undefined;
  let digits = int + frac;
  let point = int.length + shift;
  const lead = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(lead);
  point -= lead;
  digits = digits.replace(/0+$/, '');
  if (digits === '') return '0';
  let body: string;
  if (point <= 0) body = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) body = digits + '0'.repeat(point - digits.length);
  else body = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign === '-' ? `-${body}` : body;
}

/**
 * What a wire value spells: a finite JSON number is its shortest decimal; a string must be a
 * decimal, and its extra spellings are named. Undefined for anything else (junk, NaN).
 */
export function readSpelled(raw: unknown): Spelled | undefined {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return undefined;
    const exact = exactOfNumber(raw);
    return exact === undefined ? undefined : { exact, uses: new Set() };
  }
  if (typeof raw !== 'string') return undefined;
  const uses = new Set<Spelling>(['string']);
  const text = raw.trim();
  if (text !== raw) uses.add('blanks');
  const m = SHAPE.exec(text);
  if (m === null) return undefined;
  const [, sign, int = '', frac, exp] = m;
  if (sign === '+') uses.add('plus_sign');
  if (exp !== undefined) uses.add('exponent');
  if (frac !== undefined && (frac === '' || frac.endsWith('0'))) uses.add('trailing_zeros');
  if (int === '' || (int.length > 1 && int.startsWith('0'))) uses.add('leading_zeros');
  const exact = exactDecimal(text);
  return exact === undefined ? undefined : { exact, uses };
}

/** The spellings a venue's config declares it takes; all of them when it declares nothing. */
export function declaredSpellings(config: unknown): Set<Spelling> {
  const declared = (config as { numberSpellings?: unknown } | undefined)?.numberSpellings;
  if (!Array.isArray(declared)) return new Set(SPELLINGS);
  return new Set(SPELLINGS.filter((s) => declared.includes(s)));
}

/** Whether an exact decimal is a whole multiple of a step (a tick or a lot), exactly. */
export function onGrid(exact: string, step: unknown): boolean {
  if (typeof step !== 'number' || !(step > 0)) return true;
  const places = decimalPlaces(step);
  const negative = exact.startsWith('-');
  const [int, frac = ''] = (negative ? exact.slice(1) : exact).split('.');
  if (frac.length > places) return false;
  const scaled = BigInt(int + frac.padEnd(places, '0'));
  const unit = BigInt(Math.round(step * 10 ** places));
  return unit === 0n || scaled % unit === 0n;
}

/** Whether two exact decimals are the same number (they are canonical, so: the same text). */
export const sameExact = (a: string, b: string): boolean => a === b;

/** The sign of an exact decimal: -1, 0 or 1. */
export const signOf = (exact: string): number => (exact === '0' ? 0 : exact.startsWith('-') ? -1 : 1);

/** Compares two exact decimals as numbers: negative, 0 or positive. */
export function compareExact(a: string, b: string): number {
  // Canonical decimals: the same text is the same number (the common case, a fill at its limit).
  if (a === b) return 0;
  const sa = signOf(a);
  const sb = signOf(b);
  if (sa !== sb) return sa - sb;
  if (sa === 0) return 0;
  const abs = (x: string) => (x.startsWith('-') ? x.slice(1) : x);
  const [ai, af = ''] = abs(a).split('.');
  const [bi, bf = ''] = abs(b).split('.');
  let c = ai.length - bi.length || (ai < bi ? -1 : ai > bi ? 1 : 0);
  if (c === 0) {
    const n = Math.max(af.length, bf.length);
    const x = af.padEnd(n, '0');
    const y = bf.padEnd(n, '0');
    c = x < y ? -1 : x > y ? 1 : 0;
  }
  return sa * c;
}
