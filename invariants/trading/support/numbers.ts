/**
 * Number comparisons for invariants. The reference venue prints exact decimals, but a foreign
 * venue may not, so equality allows binary representation error and nothing more.
 */
export const EPSILON = 1e-9;

export function sameNumber(a: number, b: number, tolerance = EPSILON): boolean {
  if (a === b) return true;
  return Math.abs(a - b) < tolerance;
}

/**
 * How many whole grid steps (lots, ticks) `x` is, or NaN when it is not a whole number of them.
 * Dust (a value that is not zero but rounds to zero steps) is off the grid too: that is how
 * float drift in remaining quantities shows.
 */
export function gridUnits(x: number, step: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || !(step > 0)) return Number.NaN;
  const units = x / step;
  const whole = Math.round(units);
  if (Math.abs(units - whole) > EPSILON * Math.max(1, Math.abs(units))) return Number.NaN;
  if (whole === 0 && x !== 0) return Number.NaN;
  return whole === 0 ? 0 : whole;
}

/** Numbers as JavaScript prints them, so a message shows dust such as 0.09999999999999996. */
export function show(x: unknown): string {
  return typeof x === 'string' ? JSON.stringify(x) : String(x);
}
