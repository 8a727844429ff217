import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  atomsDecimal,
  exactDecimal,
  readNumeric,
} from '../../../src/domains/trading/protocol/decimal-codec.ts';
import {
  NUMBER_SPELLINGS,
  type NumberSpelling,
} from '../../../src/domains/trading/protocol/exchange-config.ts';

/** Strings a client may send as numbers, well or badly spelled. */
const wireString = fc.oneof(
  fc.stringMatching(/^[ ]?[+-]?\d{0,6}(\.\d{0,4})?([eE][+-]?\d{1,3})?[ ]?$/),
  fc.constantFrom('NaN', 'inf', '-Infinity', '', ' ', '.', '1e400', '1e-400', '0.0', '-0', '00.10', 'abc'),
  fc.string({ maxLength: 8 }),
);

/**
 * readNumeric remembers what it read of a string (without a set of spellings) and atomsDecimal
 * what it spelled for atoms at a scale: both are pure, so a remembered answer must equal a
 * fresh one, whatever was asked before.
 */
describe('decimal codec: remembered answers', () => {
  it('readNumeric answers a string the same the first time, again, and with every spelling allowed', () => {
    // Every spelling allowed reads like no restriction at all, through the path that remembers nothing.
    const all = new Set<NumberSpelling>(NUMBER_SPELLINGS);
    fc.assert(
      fc.property(fc.array(wireString, { minLength: 1, maxLength: 20 }), (texts) => {
        for (const text of texts) {
          const fresh = readNumeric(text, all);
          expect(readNumeric(text)).toStrictEqual(fresh);
          expect(readNumeric(text)).toStrictEqual(fresh);
        }
      }),
      { numRuns: 300, seed: 1809 },
    );
  });

  it('readNumeric still restricts spellings when a set is given', () => {
    expect(readNumeric('+5')).toEqual({ kind: 'number', value: 5, exact: '5' });
    expect(readNumeric('+5', new Set<NumberSpelling>(['string']))).toEqual({ kind: 'not_a_number' });
    expect(readNumeric('+5')).toEqual({ kind: 'number', value: 5, exact: '5' });
  });

  it('atomsDecimal is the canonical decimal of atoms x 10^-places, asked once or twice', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 8 }), (atoms, places) => {
        const expected = exactDecimal(`${atoms}e-${places}`);
        expect(atomsDecimal(atoms, 10 ** places)).toBe(expected);
        expect(atomsDecimal(atoms, 10 ** places)).toBe(expected);
      }),
      { numRuns: 2000, seed: 1810 },
    );
  });
});
