import type { CoverageCategory, CoverageSummary } from '../report/campaign-summary.ts';
import type { SurfaceRegistry } from './surface-registry.ts';

/** The surface ids (`category:item`) a campaign exercised; a set that merges. */
export class CoverageTally {
  private readonly seen = new Set<string>();

  add(ids: Iterable<string>): void {
    for (const id of ids) this.seen.add(id);
  }

  has(id: string): boolean {
    return this.seen.has(id);
  }

  merge(other: CoverageTally): void {
    this.add(other.seen);
  }

  ids(): string[] {
    return [...this.seen].sort();
  }
}

const percentOf = (exercised: number, declared: number): number =>
  declared === 0 ? 0 : Math.round((exercised / declared) * 1000) / 10;

/** What was exercised of each declared category, in the registry's order; undeclared ids are ignored. */
export function coverageSummary(registry: SurfaceRegistry, exercised: Iterable<string>): CoverageSummary {
  const seen = new Set(exercised);
  const categories: CoverageCategory[] = registry.categories.map((c) => ({
    name: c.name,
    label: c.label,
    items: [...c.items],
    exercised: c.items.filter((item) => seen.has(`${c.name}:${item}`)),
  }));
  return totals(categories);
}

/** The union of two campaigns' coverage (shards of one campaign, say). */
export function mergeCoverage(a: CoverageSummary, b: CoverageSummary): CoverageSummary {
  const names = [...a.categories.map((c) => c.name), ...b.categories.map((c) => c.name)];
  const categories = [...new Set(names)].map((name) => {
    const x = a.categories.find((c) => c.name === name);
    const y = b.categories.find((c) => c.name === name);
    const items = [...new Set([...(x?.items ?? []), ...(y?.items ?? [])])];
    const hit = new Set([...(x?.exercised ?? []), ...(y?.exercised ?? [])]);
    return {
      name,
      label: x?.label ?? y?.label ?? name,
      items,
      exercised: items.filter((item) => hit.has(item)),
    };
  });
  return totals(categories);
}

/** Percent of one category (null: the whole surface). */
export function coveragePercent(summary: CoverageSummary, category: string | null): number {
  if (category === null) return summary.percent;
  const c = summary.categories.find((x) => x.name === category);
  return c ? percentOf(c.exercised.length, c.items.length) : 0;
}

function totals(categories: CoverageCategory[]): CoverageSummary {
  const declared = categories.reduce((n, c) => n + c.items.length, 0);
  const exercised = categories.reduce((n, c) => n + c.exercised.length, 0);
  return { categories, declared, exercised, percent: percentOf(exercised, declared) };
}
