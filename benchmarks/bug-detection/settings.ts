import { CLIENT_BUG_NAMES } from '../../src/domains/trading/transport/client-bugs.ts';
import { BUG_NAMES } from '../../src/exchange/bugs/planted-bugs.ts';

/** What one `npm run bench:bugs` does, read from the environment. */
export interface BenchSettings {
  /** Wall-clock budget of one attempt (one bug, one seed, one strategy), ms. */
  budgetMs: number;
  /** Seeds 1..seeds per bug for shakedown's strategy. */
  seeds: number;
  /** The uniform baseline runs the first of those seeds only: its misses cost a whole budget each. */
  uniformSeeds: number;
  /** Wall-clock budget for shrinking the first failure, ms (not counted in time-to-failure). */
  shrinkMs: number;
  /** Generated runs per property in one campaign: the CLI's default --runs. */
  runs: number;
  /** Campaigns one attempt may start at most (a bound; the budget normally ends it first). */
  maxRounds: number;
  bugs: string[];
}

/** Venue bugs, then client bugs: both are planted in-process through the target factory. */
export const ALL_BUGS: readonly string[] = [...BUG_NAMES, ...CLIENT_BUG_NAMES];

function positive(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name}: expected a positive number, got ${text}`);
  return value;
}

export function readSettings(): BenchSettings {
  const only = (process.env.BUGS_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = only.filter((b) => !ALL_BUGS.includes(b));
  if (unknown.length > 0)
    throw new Error(`BUGS_ONLY: unknown bug ${unknown.join(', ')}; known: ${ALL_BUGS.join(', ')}`);
  const seeds = Math.floor(positive('BUGS_SEEDS', 10));
  return {
    budgetMs: positive('BUGS_BUDGET_MS', 10_000),
    seeds,
    uniformSeeds: Math.min(seeds, Math.floor(positive('BUGS_UNIFORM_SEEDS', 4))),
    shrinkMs: positive('BUGS_SHRINK_MS', 5_000),
    runs: Math.floor(positive('BUGS_RUNS', 100)),
    maxRounds: 1_000,
    bugs: only.length > 0 ? ALL_BUGS.filter((b) => only.includes(b)) : [...ALL_BUGS],
  };
}
