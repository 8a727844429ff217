import { fnv1a32 } from './fnv1a.ts';

/**
 * A property's seed in CI mode, from the commit and the property name: the same commit tests
 * the same runs on every machine and every retry, and a new commit explores new ones. A
 * failure on CI is reproduced locally with the seed printed for that property.
 */
export function seedFromCommit(commit: string, property: string): number {
  return fnv1a32(`${commit}:${property}`) & 0x7fffffff;
}
