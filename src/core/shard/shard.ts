import { EXIT, ShakedownError } from '../shakedown-error.ts';
import { fnv1a32 } from './fnv1a.ts';

/** One slice of a campaign: shard `index` of `count`, 1-based as people write it ("2/4"). */
export interface Shard {
  index: number;
  count: number;
}

/** Reads `i/n` (1 ≤ i ≤ n); anything else is a usage error naming the value. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index < 1 || index > count || count > 10_000)
    throw new ShakedownError('SHK_USAGE', `--shard: expected i/n with 1 ≤ i ≤ n (e.g. 1/4), got "${text}"`, {
      exitCode: EXIT.usage,
      context: { value: text },
    });
  return { index, count };
}

/**
 * Whether run `runIndex` of `property` belongs to this shard. Properties × runs are dealt
 * round-robin from an offset that depends on the property, so every shard gets a share of
 * every property (a property is not pinned to one machine) and the n shards together own
 * each run exactly once. Pure: every machine agrees without talking to the others.
 */
export function shardOwnsRun(shard: Shard, property: string, runIndex: number): boolean {
  if (shard.count === 1) return true;
  return (fnv1a32(property) + runIndex) % shard.count === shard.index - 1;
}
