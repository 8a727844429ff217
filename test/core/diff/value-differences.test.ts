import { describe, expect, it } from 'vitest';
import { describeDifferenceSide, valueDifferences } from '../../../src/core/diff/value-differences.ts';

describe('valueDifferences', () => {
  it('lists the paths where two plain values differ, depth first in key order, up to a limit', () => {
    const a = { order: { status: 'open', qty: 1 }, fills: [1, 2], kind: 'order' };
    const b = { order: { status: 'filled', qty: 1, extra: true }, fills: [1], kind: 'order' };
    expect(valueDifferences(a, b, 10)).toEqual([
      { path: 'fills[1]', left: 2, right: undefined },
      { path: 'order.extra', left: undefined, right: true },
      { path: 'order.status', left: 'open', right: 'filled' },
    ]);
    expect(valueDifferences(a, b, 1)).toHaveLength(1);
    expect(valueDifferences(a, structuredClone(a))).toEqual([]);
    expect(valueDifferences(1, '1')).toEqual([{ path: '', left: 1, right: '1' }]);
  });

  it('says a side as a short phrase', () => {
    expect(describeDifferenceSide('order.status', 'filled')).toBe('order.status "filled"');
    expect(describeDifferenceSide('qty', undefined)).toBe('qty (absent)');
    expect(describeDifferenceSide('', 3)).toBe('3');
  });
});
