import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShakedownError } from '../../../src/core/shakedown-error.ts';
import { seedFromCommit } from '../../../src/core/shard/derive-seed.ts';
import { parseShard, shardOwnsRun } from '../../../src/core/shard/shard.ts';

describe('shards', () => {
  it('reads i/n and refuses anything else with a usage error naming the value', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/2', '3/2', '2', 'a/b', '1/0', '-1/2', '1/2/3', '']) {
      let error: unknown;
      try {
        parseShard(bad);
      } catch (e) {
        error = e;
      }
      expect(isShakedownError(error) && error.exitCode === 2, bad).toBe(true);
      expect((error as Error).message).toContain(JSON.stringify(bad).slice(1, -1));
    }
  });

  it('deals every run of every property to exactly one shard', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(100_000), fc.integer({ min: 1, max: 64 }), (property, run, count) => {
        const owners = Array.from({ length: count }, (_, i) => i + 1).filter((index) =>
          shardOwnsRun({ index, count }, property, run),
        );
        expect(owners).toHaveLength(1);
      }),
    );
  });

  it('gives every shard a fair share of each property', () => {
    for (const property of ['trading-venue', 'order-lifecycle', 'x']) {
      const counts = [0, 0, 0];
      for (let run = 0; run < 300; run++)
        for (let index = 1; index <= 3; index++)
          if (shardOwnsRun({ index, count: 3 }, property, run)) counts[index - 1]++;
      expect(counts).toEqual([100, 100, 100]);
    }
  });

  it('derives a stable 31-bit seed per commit and property', () => {
    const a = seedFromCommit('3f2c9e1d', 'trading-venue');
    expect(a).toBe(seedFromCommit('3f2c9e1d', 'trading-venue'));
    expect(a).not.toBe(seedFromCommit('3f2c9e1d', 'order-lifecycle'));
    expect(a).not.toBe(seedFromCommit('3f2c9e1e', 'trading-venue'));
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(2 ** 31);
  });
});
