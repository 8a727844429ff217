import { isSeed } from './vitest-options.ts';

/** The environment variable that reruns a campaign test with a given seed. */
export const SEED_VARIABLE = 'SHAKEDOWN_SEED';

export interface ResolvedSeed {
  seed: number;
  /** Where it came from, as the test prints it. */
  source: 'SHAKEDOWN_SEED' | 'option' | 'clock';
}

/**
 * A campaign test's seed: `SHAKEDOWN_SEED` when set (to rerun a failure printed earlier), else
 * the `seed` option, else one derived from the clock (as `shakedown run` without --seed), so
 * each run of the suite explores new sequences. A malformed `SHAKEDOWN_SEED` is an error, never
 * silently replaced.
 */
export function resolveSeed(
  option: number | undefined,
  env: Readonly<Record<string, string | undefined>>,
  now: () => number = Date.now,
): ResolvedSeed {
  const given = env[SEED_VARIABLE]?.trim();
  if (given !== undefined && given !== '') {
    const seed = /^\d+$/.test(given) ? Number(given) : Number.NaN;
    if (!isSeed(seed))
      throw new TypeError(
        `${SEED_VARIABLE}=${JSON.stringify(env[SEED_VARIABLE])}: expected an integer from 0 to 2^31 - 1`,
      );
    return { seed, source: SEED_VARIABLE };
  }
  if (option !== undefined) return { seed: option, source: 'option' };
  return { seed: Math.floor(now()) % 2 ** 31, source: 'clock' };
}
