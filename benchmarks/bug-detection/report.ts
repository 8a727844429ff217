import type { Attempt } from './attempt.ts';
import type { BugInfo } from './bug-info.ts';
import type { CatalogAttempt } from './catalog-attempt.ts';
import { median, worst } from './stats.ts';

/** Everything measured for one bug. */
export interface BugResult {
  bug: BugInfo;
  shakedown: Attempt[];
  catalog: CatalogAttempt;
  uniform: Attempt[];
}

const MISS = Number.POSITIVE_INFINITY;

// A miss counts as "later than anything": the median is then honest about the budget
// (more than half missed gives a median of "miss", not the median of the lucky seeds).
function censored(attempts: readonly Attempt[], pick: (a: Attempt) => number | undefined): number[] {
  return attempts.map((a) => (a.found ? (pick(a) ?? MISS) : MISS));
}

function show(value: number, digits: number): string {
  if (Number.isNaN(value)) return '—';
  if (value === MISS) return 'miss';
  return digits === 0 ? String(Math.round(value)) : value.toFixed(digits);
}

function randomised(attempts: readonly Attempt[]): string[] {
  const found = attempts.filter((a) => a.found).length;
  const runs = censored(attempts, (a) => a.runs);
  const secs = censored(attempts, (a) => (a.ms === undefined ? undefined : a.ms / 1000));
  const shrunk = attempts.filter((a) => a.found && a.shrunk !== undefined).map((a) => a.shrunk as number);
  return [
    `${found}/${attempts.length}`,
    `${show(median(runs), 0)} / ${show(worst(runs), 0)}`,
    `${show(median(secs), 1)} / ${show(worst(secs), 1)}`,
    show(median(shrunk), 0),
  ];
}

function fixed(attempt: CatalogAttempt): string[] {
  if (!attempt.found) return ['0/1', '—'];
  return ['1/1', `${((attempt.ms ?? 0) / 1000).toFixed(2)} (${attempt.by})`];
}

export function resultTable(results: readonly BugResult[]): string {
  const header = [
    'bug',
    'needs',
    'shakedown found',
    'runs med / worst',
    's med / worst',
    'shrunk med',
    'catalog found',
    'catalog s (first failing)',
    'uniform found',
    'runs med / worst',
    's med / worst',
    'shrunk med',
  ];
  const rows = results.map((r) => [
    r.bug.name,
    r.bug.needs,
    ...randomised(r.shakedown),
    ...fixed(r.catalog),
    ...randomised(r.uniform),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function missedBy(results: readonly BugResult[], attempts: (r: BugResult) => readonly Attempt[]): string {
  const missed = results
    .map((r) => ({ bug: r.bug.name, list: attempts(r) }))
    .filter((m) => m.list.some((a) => !a.found))
    .map((m) => `${m.bug} (missed ${m.list.filter((a) => !a.found).length}/${m.list.length})`);
  return missed.length === 0 ? 'none' : missed.join(', ');
}

export function missedList(results: readonly BugResult[]): string {
  return [
    `- shakedown missed: ${missedBy(results, (r) => r.shakedown)}`,
    `- catalog missed: ${missedBy(results, (r) => [r.catalog])}`,
    `- uniform missed: ${missedBy(results, (r) => r.uniform)}`,
  ].join('\n');
}

function tally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${v} ×${n}`).join(', ');
}

function detail(name: string, attempts: readonly Attempt[], expected: string): string {
  const found = attempts.filter((a) => a.found);
  if (found.length === 0) {
    const runs = attempts.map((a) => a.totalRuns);
    return `${name}: not found (${Math.min(...runs)}–${Math.max(...runs)} runs per attempt)`;
  }
  const expectedHits = found.filter((a) => a.invariants?.includes(expected)).length;
  const firstCampaign = found.filter((a) => a.round === 0).length;
  return (
    `${name}: first failing property ${tally(found.map((a) => a.by ?? '?'))}; ` +
    `shrunk run violates ${expected} in ${expectedHits}/${found.length}` +
    (expectedHits < found.length
      ? ` (others: ${tally(found.flatMap((a) => (a.invariants ?? []).filter((i) => i !== expected)))})`
      : '') +
    `; in the first campaign (the attempt's own seed) ${firstCampaign}/${found.length}`
  );
}

/** Per bug: which property or scenario found it, through which invariant. */
export function details(results: readonly BugResult[]): string {
  return results
    .map((r) => {
      const expected = r.bug.invariant;
      const c = r.catalog;
      const catalog = c.found
        ? `catalog: ${c.failing.length} failing scenario(s): ${c.failing.join(', ')}; first ${c.by} (${c.shrunk} actions) violates ${c.invariants?.join(', ') || '—'}`
        : `catalog: none of ${c.ran} scenarios failed`;
      const unstable = c.unstable
        ? `; NOT deterministic: a second pass failed ${c.unstable.join(', ') || 'none'}`
        : '; a second pass failed the same scenarios';
      return [
        `- **${r.bug.name}** (expected invariant ${expected})`,
        `  - ${detail('shakedown', r.shakedown, expected)}`,
        `  - ${catalog}${unstable}`,
        `  - ${detail('uniform', r.uniform, expected)}`,
      ].join('\n');
    })
    .join('\n');
}
