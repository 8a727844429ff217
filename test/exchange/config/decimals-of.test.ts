import { describe, expect, it } from 'vitest';
import { decimalsOf } from '../../../src/domains/trading/protocol/decimals-of.ts';

describe('decimalsOf', () => {
  it.each([
    [0, 0],
    [1, 0],
    [20000, 0],
    [1e21, 0],
    [0.5, 1],
    [0.01, 2],
    [0.005, 3],
    [-0.005, 3],
    [123.456, 3],
    [1e-7, 7],
    [2.5e-7, 8],
    [1.25e-10, 12],
    [0.1 + 0.2, 17],
  ])('decimalsOf(%d) is %d', (x, expected) => {
    expect(decimalsOf(x)).toBe(expected);
  });

  it('refuses non-finite numbers', () => {
    expect(() => decimalsOf(Number.NaN)).toThrow(RangeError);
    expect(() => decimalsOf(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
