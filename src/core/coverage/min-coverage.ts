import type { CoverageSummary } from '../report/campaign-summary.ts';
import { EXIT, ShakedownError } from '../shakedown-error.ts';
import { coveragePercent } from './coverage-tally.ts';
import type { SurfaceRegistry } from './surface-registry.ts';

/** A floor on coverage: of the whole surface (category null) or of one category, in percent. */
export interface CoverageFloor {
  category: string | null;
  percent: number;
}

/**
 * `--min-coverage` values: `60` is a floor on the whole surface, `reject=70` on one category
 * (by its name: see `shakedown coverage`). Anything else is a usage error naming the value.
 */
export function parseMinCoverage(values: readonly string[], registry: SurfaceRegistry): CoverageFloor[] {
  const names = registry.categories.map((c) => c.name);
  return values.map((value) => {
    const match = /^(?:([a-z][a-z_-]*)=)?(\d+(?:\.\d+)?)%?$/.exec(value.trim());
    const percent = match ? Number(match[2]) : Number.NaN;
    const category = match?.[1] ?? null;
    if (!match || percent > 100)
      throw new ShakedownError(
        'SHK_USAGE',
        `--min-coverage: expected a percent (60) or category=percent (reject=70), got ${JSON.stringify(value)}; categories: ${names.join(', ')}`,
        { exitCode: EXIT.usage, context: { value, categories: names } },
      );
    if (category !== null && !names.includes(category))
      throw new ShakedownError(
        'SHK_USAGE',
        `--min-coverage: unknown category ${JSON.stringify(category)} in ${JSON.stringify(value)}; one of: ${names.join(', ')}`,
        { exitCode: EXIT.usage, context: { value, categories: names } },
      );
    return { category, percent };
  });
}

export function checkMinCoverage(
  summary: CoverageSummary,
  floors: readonly CoverageFloor[],
): { floors: { category: string | null; percent: number; observed: number; met: boolean }[]; met: boolean } {
  const judged = floors.map((floor) => {
    const observed = coveragePercent(summary, floor.category);
    return { category: floor.category, percent: floor.percent, observed, met: observed >= floor.percent };
  });
  return { floors: judged, met: judged.every((f) => f.met) };
}
