import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leanArray } from '../../../../src/domains/trading/generation/lean-array.ts';
import { leanOneof } from '../../../../src/domains/trading/generation/lean-oneof.ts';
import { mappedTuple, recordOf } from '../../../../src/domains/trading/generation/mapped-tuple.ts';
import { weightedConstants } from '../../../../src/domains/trading/generation/weighted-constants.ts';
import { strictJson } from './pinned-generation.ts';

/**
 * The cheap arbitraries generation uses in place of fast-check's own must be indistinguishable
 * from them: the same values from the same seed, the same randomness consumed (what comes after
 * them in a tuple is the same too), and the same shrinking, candidate by candidate.
 */

/** Every value a property saw (the runs, then each shrink candidate), and where it ended. */
function trace<T>(arbitrary: fc.Arbitrary<T>, fails: (value: T) => boolean, seed: number) {
  const seen: string[] = [];
  const result = fc.check(
    fc.property(arbitrary, (value) => {
      seen.push(strictJson(value));
      return !fails(value);
    }),
    { seed, numRuns: 100 },
  );
  return {
    seen,
    failed: result.failed,
    counterexample: strictJson(result.counterexample),
    path: result.counterexamplePath,
    shrinks: result.numShrinks,
  };
}

const weightsArb = fc
  .array(fc.nat(20), { minLength: 1, maxLength: 8 })
  .filter((weights) => weights.some((w) => w > 0));

describe('weightedConstants draws and shrinks as fc.oneof of fc.constant', () => {
  it('gives the same values and leaves the same randomness to what follows', () => {
    fc.assert(
      fc.property(weightsArb, fc.integer(), (weights, seed) => {
        const values = weights.map((_, i) => ({ index: i }));
        const cheap = weightedConstants(weights.map((weight, i) => ({ weight, value: values[i] })));
        const reference = fc.oneof(
          ...weights.map((weight, i) => ({ weight, arbitrary: fc.constant(values[i]) })),
        );
        const a = fc.sample(fc.tuple(cheap, fc.nat(1000), cheap), { seed, numRuns: 30 });
        const b = fc.sample(fc.tuple(reference, fc.nat(1000), reference), { seed, numRuns: 30 });
        expect(a).toEqual(b);
        // The very same constant objects, not copies.
        for (const [i, tuple] of a.entries()) expect(tuple[0]).toBe(b[i][0]);
      }),
      { numRuns: 40 },
    );
  });

  it('shrinks the same way inside a tuple (it never shrinks itself)', () => {
    const weights = [5, 1, 3, 0, 2];
    const cheap = weightedConstants(weights.map((weight, i) => ({ weight, value: i })));
    const reference = fc.oneof(...weights.map((weight, i) => ({ weight, arbitrary: fc.constant(i) })));
    const fails = ([k, n]: [number, number]) => k !== 0 && n > 10;
    for (const seed of [1, 2, 3]) {
      const a = trace(fc.tuple(cheap, fc.nat(100)), fails, seed);
      expect(a.failed).toBe(true);
      expect(a).toEqual(trace(fc.tuple(reference, fc.nat(100)), fails, seed));
    }
  });
});

describe('recordOf and mappedTuple draw and shrink as fc.record and fc.tuple, mapped', () => {
  const fields = [
    fc.nat(50),
    fc.oneof(fc.constant('a'), fc.string({ maxLength: 3 })),
    fc.array(fc.boolean()),
  ] as const;
  const build = ([n, s, flags]: [number, string, boolean[]]) => ({ n, s, flags });
  const cheapRecord = recordOf([...fields], build);
  const referenceRecord = fc.record({ n: fields[0], s: fields[1], flags: fields[2] }).map((r) => ({ ...r }));
  const cheapTuple = mappedTuple([...fields], build);
  const referenceTuple = fc.tuple(...fields).map(build);
  const fails = (r: { n: number; s: string; flags: boolean[] }) => r.n > 20 && r.flags.length > 1;

  it('gives the same values, then the same randomness to what follows', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const after = <T>(arb: fc.Arbitrary<T>) =>
          fc.sample(fc.tuple(arb, fc.nat(1000)), { seed, numRuns: 20 });
        expect(strictJson(after(cheapRecord))).toBe(strictJson(after(referenceRecord)));
        expect(strictJson(after(cheapTuple))).toBe(strictJson(after(referenceTuple)));
      }),
      { numRuns: 30 },
    );
  });

  it('walks the same shrink candidates to the same counterexample', () => {
    for (const seed of [11, 12, 13, 14]) {
      const record = trace(cheapRecord, fails, seed);
      expect(record.failed).toBe(true);
      expect(record.shrinks).toBeGreaterThan(0);
      expect(record).toEqual(trace(referenceRecord, fails, seed));
      expect(trace(cheapTuple, fails, seed)).toEqual(trace(referenceTuple, fails, seed));
    }
  });

  it('tells a record from a plain tuple: the record draws its null-prototype coin', () => {
    // Without that extra boolean the draws drift apart: this is what the coin is kept for.
    const a = fc.sample(fc.tuple(mappedTuple([...fields], build), fc.nat(1_000_000)), {
      seed: 5,
      numRuns: 20,
    });
    const b = fc.sample(fc.tuple(referenceRecord, fc.nat(1_000_000)), { seed: 5, numRuns: 20 });
    expect(strictJson(a)).not.toBe(strictJson(b));
  });
});

describe('leanArray draws and shrinks as fc.array', () => {
  const item = fc.tuple(fc.nat(30), fc.oneof(fc.constant(false), fc.boolean()));
  const cases = [{ maxLength: 6 }, { minLength: 2, maxLength: 5 }, { minLength: 3, maxLength: 3 }];
  const fails = (list: [number, boolean][]) => list.filter(([n]) => n > 5).length >= 2;

  it.each(cases)('gives the same arrays, biased or not, then the same randomness (%o)', (constraints) => {
    // fc.commands draws its commands unbiased; fc.sample draws the top level biased.
    const unbiased = <T>(arb: fc.Arbitrary<T>) =>
      fc.sample(fc.noBias(fc.tuple(arb, fc.nat(1000))), { seed: 7, numRuns: 40 });
    const biased = <T>(arb: fc.Arbitrary<T>) =>
      fc.sample(fc.tuple(arb, fc.nat(1000)), { seed: 8, numRuns: 40 });
    const lean = leanArray(item, constraints);
    const reference = fc.array(item, constraints);
    expect(unbiased(lean)).toEqual(unbiased(reference));
    expect(biased(lean)).toEqual(biased(reference));
  });

  it.each(cases)('walks the same shrink candidates to the same counterexample (%o)', (constraints) => {
    for (const seed of [21, 22]) {
      // Unbiased at the top, as inside fc.commands: the lean path generates the failing value.
      const lean = trace(fc.noBias(leanArray(item, constraints)), fails, seed);
      expect(lean.failed).toBe(true);
      expect(lean).toEqual(trace(fc.noBias(fc.array(item, constraints)), fails, seed));
    }
  });
});

describe('leanOneof draws and shrinks as a weighted fc.oneof', () => {
  const entries = [
    { weight: 5, arbitrary: fc.integer({ min: -3, max: 3 }) },
    { weight: 0, arbitrary: fc.constant(99) },
    { weight: 2, arbitrary: fc.nat(1000).map((n) => n * 2) },
    { weight: 3, arbitrary: fc.constant(7) },
  ];
  const fails = ([a, b]: [number, number]) => a + b > 40;

  it('gives the same values, biased or not, then the same randomness', () => {
    for (const seed of [1, 2, 3]) {
      const pair = (arb: fc.Arbitrary<number>) => fc.tuple(arb, arb, fc.nat(1000));
      expect(fc.sample(pair(leanOneof(...entries)), { seed, numRuns: 60 })).toEqual(
        fc.sample(pair(fc.oneof(...entries)), { seed, numRuns: 60 }),
      );
      expect(fc.sample(fc.noBias(pair(leanOneof(...entries))), { seed, numRuns: 60 })).toEqual(
        fc.sample(fc.noBias(pair(fc.oneof(...entries))), { seed, numRuns: 60 }),
      );
    }
  });

  it('walks the same shrink candidates to the same counterexample', () => {
    for (const seed of [31, 32, 33]) {
      const lean = trace(fc.tuple(leanOneof(...entries), leanOneof(...entries)), fails, seed);
      expect(lean.failed).toBe(true);
      expect(lean).toEqual(trace(fc.tuple(fc.oneof(...entries), fc.oneof(...entries)), fails, seed));
    }
  });
});
