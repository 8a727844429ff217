/** One benchmark row: a figure beside a ceiling measured in the same run, and their ratio. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  ceilingName: string;
  ceiling: number;
  target?: string;
  note?: string;
  /** A time, say, where less is better: the ratio is then ceiling / figure (100% = the ceiling). */
  lowerIsBetter?: boolean;
}

export function formatTable(rows: BenchRow[]): string {
  const header = ['benchmark', 'figure', 'ceiling (same run)', 'ratio', 'target'];
  const lines = rows.map((r) => [
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    `${fmt(r.ceiling)} ${r.unit} (${r.ceilingName})`,
    `${((r.lowerIsBetter ? r.ceiling / r.value : r.value / r.ceiling) * 100).toFixed(1)}%`,
    r.target ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n');
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

/** Runs fn repeatedly for about `ms` of wall time after a warm-up; returns operations per second. */
export function opsPerSecond(fn: () => number, ms: number): number {
  fn();
  let ops = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < ms) {
    ops += fn();
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (ops / elapsed) * 1000;
}
