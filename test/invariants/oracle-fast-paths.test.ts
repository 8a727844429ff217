import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Difference, firstDifference } from '../../invariants/trading/support/first-difference.ts';
import { sameNumber } from '../../invariants/trading/support/numbers.ts';
import { type InstrumentRules, venueRules } from '../../invariants/trading/support/oracle-config.ts';
import {
  bandEdges,
  ceilDivide,
  exactDecimal,
  pow10,
} from '../../invariants/trading/support/oracle-formulas.ts';
import {
  type AmountCheck,
  markCheck,
  priceCheck,
  qtyCheck,
} from '../../invariants/trading/support/oracle-values.ts';

/**
 * The oracle's fast paths (doubles where every integer is safe, a value's one reading turned
 * into atoms without BigInt, records compared without an ordered key set) give the answers of
 * the exact long way, which is written out here or reached with a spelling that takes it.
 */

/** ceil(a / b) in BigInt. */
const ceilExact = (a: number, b: number): number => Number((BigInt(a) + BigInt(b) - 1n) / BigInt(b));

/** The band edges as docs/exchange.md defines them, in BigInt whatever the sizes. */
function bandExact(mark: number, bandPct: number, tick: number): { low: number; high: number } {
  const pct = exactDecimal(bandPct);
  if (pct === undefined) return { low: Number.NaN, high: Number.NaN };
  const scale = pow10(pct.places);
  const m = BigInt(mark);
  const t = BigInt(tick);
  const den = scale * t;
  const lowNum = m * (scale - pct.num);
  const highNum = m * (scale + pct.num);
  const ceil = (a: bigint): bigint => (a >= 0n ? (a + den - 1n) / den : -(-a / den));
  const floor = (a: bigint): bigint => (a >= 0n ? a / den : -((-a + den - 1n) / den));
  const low = ceil(lowNum) * t;
  const high = floor(highNum) * t;
  return { low: Number(low < t ? t : low), high: Number(high) };
}

const bandPcts = fc.oneof(
  fc.constantFrom(0.05, 0.1, 0.5, 1, 2.5, 1e-7, 0.123456789, 0.999999, 0),
  fc.integer({ min: 1, max: 10_000 }).map((n) => n / 10_000),
  fc.double({ min: 0, max: 3, noNaN: true }),
);

describe('exact arithmetic in doubles', () => {
  it('ceilDivide is the exact ceiling for safe integers, small or near 2^53', () => {
    const big = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(
        fc.oneof(big, fc.integer({ min: 0, max: 1_000_000 })),
        fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })),
        (a, b) => {
          expect(ceilDivide(a, b)).toBe(ceilExact(a, b));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('bandEdges equals the BigInt formula, for marks small and near 2^53', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 10_000_000 }),
          fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        ),
        bandPcts,
        fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 2 ** 40 })),
        (mark, pct, tick) => {
          expect(bandEdges(mark, pct, tick)).toEqual(bandExact(mark, pct, tick));
        },
      ),
      { numRuns: 5000 },
    );
  });
});

/** One instrument's rules, from a config as the oracle reads it. */
function instrument(tickSize: number, lotSize: number, markPrice: number): InstrumentRules {
  const rules = venueRules({
    sandboxPrefix: 'SANDBOX.',
    instruments: [
      {
        symbol: 'X',
        tickSize,
        lotSize,
        minQty: Number((lotSize * 3).toFixed(6)),
        maxQty: Number((lotSize * 5000).toFixed(6)),
        bandPct: 0.05,
        markPrice,
        maxPosition: 100,
      },
    ],
    accounts: [{ id: 'a', cash: 1000, leverage: 1, sandbox: false }],
  });
  const inst = rules?.instruments.get('X');
  if (inst === undefined) throw new Error('test config not usable');
  return inst;
}

const instruments = fc
  .tuple(
    fc.constantFrom(0.5, 0.01, 1, 0.001, 5, 0.25),
    fc.constantFrom(0.001, 0.01, 1, 0.1, 0.5),
    fc.constantFrom(20000, 1000, 3.5, 100),
  )
  .filter(
    ([tick, , mark]) =>
      Number.isInteger(Math.round(mark / tick)) && Math.abs(mark / tick - Math.round(mark / tick)) < 1e-9,
  )
  .map(([tick, lot, mark]) => instrument(tick, lot, mark));

/** Atoms at `decimals`, written out as a decimal text (`places` digits after the point, at least `decimals`). */
function spelled(atoms: number, decimals: number, extraZeros: number): string {
  const sign = atoms < 0 ? '-' : '';
  const digits = String(Math.abs(atoms)).padStart(decimals + 1, '0');
  const int = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals) + '0'.repeat(extraZeros);
  return `${sign}${int}${frac === '' ? '' : `.${frac}`}`;
}

const same = (a: AmountCheck, b: AmountCheck) => ({
  reasons: [...a.reasons],
  unclear: a.unclear,
  atoms: a.atoms,
  other: { reasons: [...b.reasons], unclear: b.unclear, atoms: b.atoms },
});

describe('a value on the grid decimals: the fast path and the exact long way agree', () => {
  // A text with more places than the grid's decimals takes the long way (onGrid in BigInt); the
  // same value as a number, or as a plain text, takes the fast one.
  // Atoms anywhere, and on every boundary the rules draw (max, min, zero, ten times the mark).
  const cases = instruments.chain((inst) =>
    fc.tuple(
      fc.constant(inst),
      fc.oneof(
        fc.integer({ min: -12_000, max: 12_000_000 }),
        fc.constantFrom(
          ...[inst.maxQty, inst.minQty, 0, inst.lot, inst.configuredMark * 10, inst.configuredMark].flatMap(
            (n) => [n - 1, n, n + 1],
          ),
        ),
      ),
      fc.integer({ min: 1, max: 3 }),
    ),
  );

  it('qtyCheck', () => {
    fc.assert(
      fc.property(cases, ([inst, atoms, zeros]) => {
        const long = qtyCheck(spelled(atoms, inst.qtyDecimals, zeros), inst);
        for (const value of [
          Number(spelled(atoms, inst.qtyDecimals, 0)),
          spelled(atoms, inst.qtyDecimals, 0),
        ]) {
          const fast = qtyCheck(value, inst);
          expect(same(fast, long)).toEqual(same(long, fast));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('priceCheck, against bands around the mark and elsewhere', () => {
    fc.assert(
      fc.property(
        cases,
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        ([inst, atoms, zeros], low, width) => {
          // Bands around the value too, so that its edges are met exactly.
          const band = low % 3 === 0 ? { low: atoms, high: atoms + (width % 2) } : { low, high: low + width };
          const long = priceCheck(spelled(atoms, inst.priceDecimals, zeros), inst, band);
          for (const value of [
            Number(spelled(atoms, inst.priceDecimals, 0)),
            spelled(atoms, inst.priceDecimals, 0),
          ]) {
            const fast = priceCheck(value, inst, band);
            expect(same(fast, long)).toEqual(same(long, fast));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('markCheck', () => {
    fc.assert(
      fc.property(cases, ([inst, atoms, zeros]) => {
        const long = markCheck(spelled(atoms, inst.priceDecimals, zeros), inst);
        for (const value of [
          Number(spelled(atoms, inst.priceDecimals, 0)),
          spelled(atoms, inst.priceDecimals, 0),
        ]) {
          const fast = markCheck(value, inst);
          expect(same(fast, long)).toEqual(same(long, fast));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('a value the fast path cannot take still gets its reasons', () => {
    const inst = instrument(0.5, 0.001, 20000);
    expect([...qtyCheck(0.0005, inst).reasons]).toEqual(['qty_not_lot_multiple', 'qty_below_min']);
    expect(priceCheck(20000.25, inst, { low: 38000, high: 42000 }).atoms).toBeUndefined();
    expect([...priceCheck('1e400', inst, { low: 38000, high: 42000 }).reasons]).toEqual(['price_not_finite']);
    expect(qtyCheck(0.004, inst).atoms).toBe(4);
    expect([...qtyCheck(0, inst).reasons]).toEqual(['qty_zero']);
  });
});

/** The record comparison as first written: an ordered key set (first, then left's, then right's). */
function referenceDifference(left: unknown, right: unknown, path = ''): Difference | undefined {
  const join = (p: string, key: string | number) =>
    typeof key === 'number' ? `${p}[${key}]` : p === '' ? key : `${p}.${key}`;
  if (typeof left === 'number' && typeof right === 'number')
    return sameNumber(left, right) ? undefined : { path, left, right };
  if (Array.isArray(left) && Array.isArray(right)) {
    for (let i = 0; i < Math.min(left.length, right.length); i++) {
      const d = referenceDifference(left[i], right[i], join(path, i));
      if (d !== undefined) return d;
    }
    return left.length !== right.length
      ? { path: join(path, 'length'), left: left.length, right: right.length }
      : undefined;
  }
  const isRecord = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x);
  if (isRecord(left) && isRecord(right)) {
    const keys = new Set<string>([...Object.keys(left), ...Object.keys(right)]);
    for (const key of keys) {
      if (!(key in left) || !(key in right)) {
        if (left[key] === undefined && right[key] === undefined) continue;
        return { path: join(path, key), left: left[key], right: right[key] };
      }
      const d = referenceDifference(left[key], right[key], join(path, key));
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return Object.is(left, right) ? undefined : { path, left, right };
}

describe('firstDifference below the top level', () => {
  const keys = fc.constantFrom('a', 'b', 'qty', 'toString', 'constructor', 'x1', 'orders');
  const leaf = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('s', 't', null, undefined, true));
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(keys, tie('value'), { maxKeys: 4 }),
    ),
  }));

  it('finds the difference the ordered key set finds, at the same path', () => {
    fc.assert(
      fc.property(
        fc.dictionary(keys, value, { maxKeys: 4 }),
        fc.dictionary(keys, value, { maxKeys: 4 }),
        (a, b) => {
          // Wrapped once, so that both records are compared below the top level.
          const wrapped = (x: unknown) => ({ top: x });
          const found = firstDifference(wrapped(a), wrapped(b));
          expect(found).toEqual(referenceDifference(wrapped(a), wrapped(b)));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
