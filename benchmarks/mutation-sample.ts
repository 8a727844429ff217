import seedrandom from 'seedrandom';

/**
 * `size` items drawn without replacement, in draw order, by a partial Fisher-Yates shuffle on a
 * seeded generator: the same seed over the same list draws the same items, and the draw of N is
 * the first N of the draw of any larger size (so --sample 30 is part of the default 150).
 */
export function seededSample<T>(items: readonly T[], size: number, seed: number): T[] {
  const random = seedrandom(`mutation:${seed}`);
  const pool = [...items];
  const count = Math.min(size, pool.length);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count);
}
