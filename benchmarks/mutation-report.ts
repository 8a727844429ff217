import { brief } from './mutation-mutants.ts';
import type { MutantResult, MutationResult, Verdict } from './mutation-result.ts';
import type { SuiteName } from './mutation-settings.ts';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function pct(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((part / whole) * 100).toFixed(1)}%`;
}

const judged = (r: MutationResult) => r.mutants.filter((m) => m.compileError === undefined);
const isKill = (v: Verdict | undefined) => v === 'killed' || v === 'timeout';
const anyKill = (m: MutantResult) => Object.values(m.suites).some((j) => isKill(j?.verdict));
const equivalent = (m: MutantResult) => m.classification?.class === 'equivalent';

interface Tally {
  judged: number;
  killed: number;
  timeout: number;
  survived: number;
  error: number;
  equivalent: number;
}

function tally(mutants: MutantResult[], verdictOf: (m: MutantResult) => Verdict | undefined): Tally {
  const t: Tally = { judged: 0, killed: 0, timeout: 0, survived: 0, error: 0, equivalent: 0 };
  for (const m of mutants) {
    const v = verdictOf(m);
    if (v === undefined) continue;
    t.judged++;
    t[v]++;
    if (equivalent(m)) t.equivalent++;
  }
  return t;
}

/**
 * One row per suite, and one for "any suite" (killed by at least one). The score counts a
 * timeout as a kill; an error (the harness crashed) is in the sample but never a kill.
 */
export function scoreTable(result: MutationResult): string {
  const mutants = judged(result);
  const rows: [string, Tally][] = result.suites.map((s) => [s, tally(mutants, (m) => m.suites[s]?.verdict)]);
  if (result.suites.length > 1)
    rows.push([
      'any suite',
      tally(mutants, (m) => {
        const verdicts = result.suites.map((s) => m.suites[s]?.verdict);
        if (verdicts.includes(undefined)) return undefined;
        if (verdicts.includes('killed')) return 'killed';
        if (verdicts.includes('timeout')) return 'timeout';
        return verdicts.includes('survived') ? 'survived' : 'error';
      }),
    ]);
  return table(
    ['suite', 'killed / sampled', 'score', 'of which timeouts', 'errors', 'killed / non-equivalent', 'score'],
    rows.map(([name, t]) => {
      const kills = t.killed + t.timeout;
      const nonEquivalent = t.judged - t.equivalent;
      return [
        name,
        `${kills} / ${t.judged}`,
        pct(kills, t.judged),
        String(t.timeout),
        String(t.error),
        `${kills} / ${nonEquivalent}`,
        pct(kills, nonEquivalent),
      ];
    }),
  );
}

/** Per engine file: the population, the sample, and each suite's kills. */
export function fileTable(result: MutationResult): string {
  const mutants = judged(result);
  const files = Object.keys(result.population).sort();
  const rows = files
    .map((file) => {
      const here = mutants.filter((m) => m.file === file);
      return [
        file.replace('src/exchange/engine/', ''),
        String(result.population[file]),
        String(here.length),
        ...result.suites.map((s) => String(here.filter((m) => isKill(m.suites[s]?.verdict)).length)),
        String(here.filter(anyKill).length),
        String(here.filter((m) => !anyKill(m)).length),
      ];
    })
    .filter((r) => r[2] !== '0');
  return table(
    ['file', 'mutants', 'sampled', ...result.suites.map((s) => `killed: ${s}`), 'any suite', 'survived all'],
    rows,
  );
}

const MARK: Record<Verdict, string> = { killed: '+', timeout: 'T', survived: '-', error: 'E' };

/** Every mutant some suite did not kill, with a mark per suite and its classification. */
export function survivorList(result: MutationResult): string {
  const survivors = judged(result).filter((m) => result.suites.some((s) => !isKill(m.suites[s]?.verdict)));
  if (survivors.length === 0) return '(none)';
  const lines = [
    `marks, one per suite (${result.suites.join(', ')}): + killed, T timeout, - survived, E harness error`,
  ];
  for (const m of survivors) {
    const marks = result.suites.map((s) => MARK[m.suites[s]?.verdict ?? 'error']).join(' ');
    const where = `${m.file.replace('src/exchange/engine/', '')}:${m.line}`;
    const what = `${m.mutator}: ${brief(m.original)} → ${brief(m.replacement, 30)}`;
    const why = m.classification ? `  [${m.classification.class}: ${m.classification.note}]` : '';
    lines.push(`  ${marks}  ${where}  ${what}  (${m.key})${why}`);
  }
  return lines.join('\n');
}

const SHOWN = 12;

/** How many of the mutants each campaign invariant (or scenario, or test file) was among the killers of. */
export function killers(result: MutationResult, suite: SuiteName): string {
  const counts = new Map<string, number>();
  for (const m of judged(result)) {
    const j = m.suites[suite];
    if (j?.verdict !== 'killed') continue;
    const names = new Set(
      j.newFailing.map((f) =>
        suite === 'campaign'
          ? f.replace(/^[^:]+: /, '')
          : suite === 'unit'
            ? f.replace(/ > .*$/, '').replace(/: .*$/, '')
            : f.replace(/: .*$/, ''),
      ),
    );
    for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  if (counts.size === 0) return '(none)';
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const lines = sorted.slice(0, SHOWN).map(([name, n]) => `  ${String(n).padStart(4)}  ${name}`);
  if (sorted.length > SHOWN) lines.push(`  (${sorted.length - SHOWN} more in the JSON)`);
  return lines.join('\n');
}

/** Harness errors and mutants that did not compile: listed, never counted as kills. */
export function problemList(result: MutationResult): string {
  const lines: string[] = [];
  for (const m of result.mutants) {
    if (m.compileError) lines.push(`  ${m.key}: does not compile: ${m.compileError}`);
    for (const s of result.suites) {
      const j = m.suites[s];
      if (j?.verdict === 'error')
        lines.push(`  ${m.key} ${s}: ${(j.detail ?? '').split('\n').slice(-3).join(' / ')}`);
    }
  }
  return lines.length === 0 ? '(none)' : lines.join('\n');
}
