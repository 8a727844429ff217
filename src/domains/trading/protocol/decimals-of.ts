/**
 * Number of decimal places of a finite decimal as JavaScript prints it: 0.005 -> 3, 1e-7 -> 7,
 * 2.5e-7 -> 8, 1200 -> 0. Reading the shortest round-trip text (rather than multiplying by 10
 * until the value looks whole) is exact for any literal a user writes in a config file.
 * Answers are remembered (a pure function of x; the few values a venue's config holds are asked
 * for again by every engine built from it), in a table that starts over once it is full.
 */
export function decimalsOf(x: number): number {
  const known = remembered.get(x);
  if (known !== undefined) return known;
  if (!Number.isFinite(x)) throw new RangeError(`decimalsOf needs a finite number, got ${x}`);
  const text = String(Math.abs(x));
  const e = text.indexOf('e');
  const mantissa = e === -1 ? text : text.slice(0, e);
  const exponent = e === -1 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const fraction = dot === -1 ? 0 : mantissa.length - dot - 1;
  const decimals = Math.max(0, fraction - exponent);
  if (remembered.size >= REMEMBERED_MAX) remembered.clear();
  remembered.set(x, decimals);
  return decimals;
}

/** Bounds the table: values met while validating arbitrary input must not grow it for ever. */
const REMEMBERED_MAX = 1024;
const remembered = new Map<number, number>();
