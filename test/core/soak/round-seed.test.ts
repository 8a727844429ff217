import { describe, expect, it } from 'vitest';
import { roundSeed } from '../../../src/core/soak/round-seed.ts';

describe('roundSeed', () => {
  it('is a fixed function of the soak seed and the round, a valid seed, new in every round', () => {
    expect(roundSeed(7, 3)).toBe(roundSeed(7, 3));
    const seeds = new Set<number>();
    for (let round = 0; round < 1000; round++) {
      const seed = roundSeed(7, round);
      expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31).toBe(true);
      seeds.add(seed);
    }
    expect(seeds.size).toBe(1000);
    expect(roundSeed(8, 0)).not.toBe(roundSeed(7, 0));
  });
});
