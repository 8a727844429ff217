import { sloViolations } from '../core/latency/evaluate-slos.ts';
import type { CampaignSummary } from '../core/report/campaign-summary.ts';

const ms = (value: number | null): string => (value === null ? '-' : `${value}`);

/** The campaign summary as lines a person reads at the end of a run (or a merge). */
export function printSummary(summary: CampaignSummary, write: (line: string) => void): void {
  const shard = summary.shard ? `, shard ${summary.shard.index}/${summary.shard.count}` : '';
  const merged = summary.mergedShards ? `, merged from ${summary.mergedShards} shards` : '';
  write(
    `seed ${summary.seed} (${summary.seedSource}${summary.commit ? ` ${summary.commit.slice(0, 12)}` : ''}), target ${summary.target}${summary.bugs.length ? `, bugs ${summary.bugs.join(',')}` : ''}${shard}${merged}`,
  );
  for (const p of summary.properties) {
    const mark = p.verdict === 'pass' ? 'pass' : p.verdict === 'fail' ? 'FAIL' : ' ?? ';
    const seed = p.seed !== summary.seed ? `, seed ${p.seed}` : '';
    write(
      `  ${mark}  ${p.name}: ${p.runs} runs, ${p.actions} actions${seed}${p.interrupted ? ' (stopped by the time budget)' : ''}`,
    );
    if (p.unfiredFaults?.length) write(`        faults that never fired: ${p.unfiredFaults.join(', ')}`);
    if (p.unknown) write(`        unknown verdict (${p.unknown.invariant}): ${p.unknown.error}`);
    for (const v of sloViolations(p.slos, p.latency)) write(`        [${v.invariant}] ${v.message}`);
  }
  const fired = Object.entries(summary.faults);
  if (fired.length > 0 || summary.unfiredFaults.length > 0) {
    write('');
    write('faults fired:');
    for (const [kind, n] of fired.sort(([a], [b]) => a.localeCompare(b))) write(`  ${kind.padEnd(26)} ${n}`);
    for (const kind of summary.unfiredFaults) write(`  ${kind.padEnd(26)} 0  <- never fired`);
    if (summary.unfiredFaults.length > 0)
      write(
        `the campaign asked for faults that never fired (${summary.unfiredFaults.join(', ')}): it proves nothing about them`,
      );
  }
  if (summary.latency.length > 0) {
    write('');
    write(`latency (ms, ${summary.transport === 'inproc' ? 'virtual time' : 'wall clock'}):`);
    write(
      `  ${'action'.padEnd(12)} ${'count'.padStart(7)} ${'p50'.padStart(7)} ${'p90'.padStart(7)} ${'p99'.padStart(7)}  answered`,
    );
    for (const l of summary.latency)
      write(
        `  ${l.action.padEnd(12)} ${String(l.count).padStart(7)} ${ms(l.p50).padStart(7)} ${ms(l.p90).padStart(7)} ${ms(l.p99).padStart(7)}  ${(l.successRate * 100).toFixed(1)}%`,
      );
  }
  write('');
  const parts = summary.coverage.categories.map((c) => `${c.label} ${c.exercised.length}/${c.items.length}`);
  write(`coverage ${summary.coverage.percent}% of the declared surface (npx shakedown coverage lists it):`);
  for (const line of wrap(parts, 96)) write(`  ${line}`);
  if (summary.minCoverage) {
    for (const floor of summary.minCoverage.floors.filter((f) => !f.met))
      write(`  below --min-coverage: ${floor.category ?? 'overall'} ${floor.observed}% < ${floor.percent}%`);
  }
  for (const f of summary.failures) {
    write('');
    write(
      `${f.regression ? 'regression ' : ''}failure in ${f.property}${f.regression ? '' : ` (run ${f.runIndex}, seed ${f.seed})`}:`,
    );
    for (const v of f.violations.slice(0, 10))
      write(`  [${v.invariant}] ${v.message}${v.steps.length ? ` (steps ${v.steps.join(', ')})` : ''}`);
    if (f.violations.length > 10) write(`  ... and ${f.violations.length - 10} more`);
    if (f.replayFile) {
      write(`  saved: ${f.replayFile}`);
      write(`  replay: npx shakedown replay ${f.replayFile}`);
    }
  }
  for (const crash of summary.workers?.crashes ?? [])
    write(
      `worker ${crash.worker} crashed${crash.runIndex === null ? '' : ` on run ${crash.runIndex} of ${crash.property} (reported unknown)`}: ${crash.error}`,
    );
  const rate = summary.durationMs > 0 ? Math.round((summary.actions / summary.durationMs) * 1000) : 0;
  write('');
  const word = summary.verdict === 'pass' ? 'passed' : summary.verdict === 'fail' ? 'failed' : 'unknown';
  write(
    `${word}: ${summary.runs} runs, ${summary.actions} actions in ${summary.durationMs} ms (${rate} actions/s)${summary.workers ? ` on ${summary.workers.count} workers` : ''}${summary.interrupted ? ', interrupted by the time budget' : ''}`,
  );
}

/** Joins the parts with commas into lines of at most `width` characters. */
function wrap(parts: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    const next = line ? `${line}, ${part}` : part;
    if (next.length > width && line) {
      lines.push(`${line},`);
      line = part;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}
