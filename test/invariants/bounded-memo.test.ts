import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedMemo } from '../../invariants/trading/support/bounded-memo.ts';

describe('boundedMemo', () => {
  it('answers as the function does, reading each key once until it is emptied at the bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        (keys, limit) => {
          const reads: number[] = [];
          const read = (key: number): number | undefined => {
            reads.push(key);
            return key % 3 === 0 ? undefined : key * 2;
          };
          const memo = boundedMemo(read, limit);
          // A model of it: the keys held since the last emptying.
          let held = new Set<number>();
          for (const key of keys) {
            const before = reads.length;
            expect(memo(key)).toBe(read(key));
            reads.splice(reads.length - 1, 1);
            const readAgain = reads.length > before;
            expect(readAgain).toBe(!held.has(key));
            if (!held.has(key)) {
              if (held.size >= limit) held = new Set();
              held.add(key);
            }
          }
        },
      ),
      { seed: 7 },
    );
  });
});
