import { dirname } from 'node:path';
import { sloViolations } from '../core/latency/evaluate-slos.ts';
import {
  type CampaignSummary,
  describeExecution,
  type FailureSummary,
  summaryClock,
} from '../core/report/campaign-summary.ts';
import { formatDomainSection } from '../core/report/domain-measures.ts';

const ms = (value: number | null): string => (value === null ? '-' : `${value}`);

/** The campaign summary as lines a person reads at the end of a run (or a merge). */
export function printSummary(summary: CampaignSummary, write: (line: string) => void): void {
  const shard = summary.shard ? `, shard ${summary.shard.index}/${summary.shard.count}` : '';
  const merged = summary.mergedShards ? `, merged from ${summary.mergedShards} shards` : '';
  write(
    `seed ${summary.seed} (${summary.seedSource}${summary.commit ? ` ${summary.commit.slice(0, 12)}` : ''}), target ${summary.target}${summary.bugs.length ? `, bugs ${summary.bugs.join(',')}` : ''}${shard}${merged}`,
  );
  if (summary.execution) write(`execution: ${describeExecution(summary.execution)}`);
  for (const p of summary.properties) {
    const mark =
      p.verdict === 'pass' ? 'pass' : p.verdict === 'fail' ? 'FAIL' : p.verdict === 'hang' ? 'HANG' : ' ?? ';
    const seed = p.seed !== summary.seed ? `, seed ${p.seed}` : '';
    write(
      `  ${mark}  ${p.name}: ${p.runs} runs, ${p.actions} actions${seed}${p.interrupted ? (summary.signal ? ` (stopped by ${summary.signal})` : ' (stopped by the time budget)') : ''}`,
    );
    if (p.unfiredFaults?.length) write(`        faults that never fired: ${p.unfiredFaults.join(', ')}`);
    if (p.unknown) write(`        unknown verdict (${p.unknown.invariant}): ${p.unknown.error}`);
    for (const v of sloViolations(p.slos, p.latency)) write(`        [${v.invariant}] ${v.message}`);
    // What the target lacks, by name; what --invariants left out (the user's own narrowing), by count.
    for (const [reason, names] of skippedByReason(p.skippedInvariants ?? []))
      write(
        `        not checked (${reason}): ${reason === 'not in --invariants' ? `${names.length} of its invariants` : names.join(', ')}`,
      );
    for (const w of p.warnings ?? [])
      write(`        ${summary.strict ? 'FAIL (--strict)' : 'warning'}: ${w.message}`);
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
    write(`latency (ms, ${summaryClock(summary) === 'virtual' ? 'virtual time' : 'wall clock'}):`);
    write(
      `  ${'action'.padEnd(12)} ${'count'.padStart(7)} ${'p50'.padStart(7)} ${'p90'.padStart(7)} ${'p99'.padStart(7)}  answered`,
    );
    for (const l of summary.latency)
      write(
        `  ${l.action.padEnd(12)} ${String(l.count).padStart(7)} ${ms(l.p50).padStart(7)} ${ms(l.p90).padStart(7)} ${ms(l.p99).padStart(7)}  ${(l.successRate * 100).toFixed(1)}%`,
      );
  }
  // The domain's own sections (DomainPack.report): latency per upstream, continuity...
  for (const section of summary.sections ?? []) {
    write('');
    for (const line of formatDomainSection(section)) write(line);
  }
  write('');
  const parts = summary.coverage.categories.map((c) => `${c.label} ${c.exercised.length}/${c.items.length}`);
  write(`coverage ${summary.coverage.percent}% of the declared surface (npx shakedown coverage lists it):`);
  for (const line of wrap(parts, 96)) write(`  ${line}`);
  if (summary.minCoverage) {
    for (const floor of summary.minCoverage.floors.filter((f) => !f.met))
      write(`  below --min-coverage: ${floor.category ?? 'overall'} ${floor.observed}% < ${floor.percent}%`);
  }
  const failures = splitFailures(summary.failures);
  if (failures.regressions.length > 0) {
    const n = failures.regressions.length;
    const where = commonDir(failures.regressions);
    write('');
    write(
      `regressions: ${n} saved ${n === 1 ? 'failure' : 'failures'}${where ? ` in ${where}` : ''} still ${n === 1 ? 'fails' : 'fail'} (replayed before the new runs; --no-replays skips them)`,
    );
    for (const { failure: f, foundAgain } of failures.regressions) {
      write(
        `  ${f.property}: ${f.replayFile ?? '(not saved)'}${foundAgain ? ` (found again by run ${foundAgain.runIndex})` : ''}`,
      );
      writeViolations(f, '    ', write);
      if (f.replayFile) write(`    replay: npx shakedown replay ${f.replayFile}`);
    }
  }
  for (const f of failures.fresh) {
    write('');
    write(
      `${f.verdict === 'hang' ? 'hang' : 'failure'} in ${f.property} (run ${f.runIndex}, seed ${f.seed}):`,
    );
    writeViolations(f, '  ', write);
    if (f.duplicates)
      write(
        `  ${f.duplicates} more ${f.duplicates === 1 ? 'run' : 'runs'} failed the same way (counted, not saved)`,
      );
    if (f.replayFile) {
      write(`  saved: ${f.replayFile}`);
      write(`  replay: npx shakedown replay ${f.replayFile}`);
    }
  }
  for (const crash of summary.workers?.crashes ?? [])
    write(
      `worker ${crash.worker} crashed${crash.runIndex === null ? '' : ` on run ${crash.runIndex} of ${crash.property} (reported unknown)`}: ${crash.error}`,
    );
  const warnings = summary.properties.reduce((n, p) => n + (p.warnings?.length ?? 0), 0);
  if (warnings > 0) {
    write('');
    write(
      summary.strict
        ? `${warnings} ${warnings === 1 ? 'warning' : 'warnings'}, each a failure under --strict`
        : `${warnings} ${warnings === 1 ? 'warning' : 'warnings'}: a pass worth less than it looks (--strict fails on them)`,
    );
  }
  const rate = summary.durationMs > 0 ? Math.round((summary.actions / summary.durationMs) * 1000) : 0;
  write('');
  const word = summary.verdict === 'pass' ? 'passed' : summary.verdict === 'fail' ? 'failed' : 'unknown';
  write(
    `${word}: ${failureCount(failures)}${summary.runs} runs, ${summary.actions} actions in ${summary.durationMs} ms (${rate} actions/s)${summary.workers ? ` on ${summary.workers.count} ${summary.workers.count === 1 ? 'worker' : 'workers'}` : ''}${summary.interrupted ? `, interrupted by ${summary.signal ?? 'the time budget'}` : ''}`,
  );
}

interface SplitFailures {
  /** Saved failures (the corpus in --out) that failed again, each with this campaign's own find of it. */
  regressions: { failure: FailureSummary; foundAgain: FailureSummary | undefined }[];
  /** Failures this campaign found that no saved file holds. */
  fresh: FailureSummary[];
}

/**
 * Regressions apart from new failures. A saved failure the new runs find again is shrunk to
 * the same file (the name is a hash of its content): it is one failure, shown with its regression.
 */
function splitFailures(all: readonly FailureSummary[]): SplitFailures {
  const saved = new Map<string, FailureSummary>();
  for (const f of all) if (f.regression && f.replayFile !== null) saved.set(f.replayFile, f);
  const foundAgain = new Map<FailureSummary, FailureSummary>();
  const fresh: FailureSummary[] = [];
  for (const f of all) {
    if (f.regression) continue;
    // `duplicateOf` names the saved failure; an older summary only has the same file.
    const file = f.duplicateOf ?? f.replayFile;
    const regression = file === null ? undefined : saved.get(file);
    if (regression && !foundAgain.has(regression)) foundAgain.set(regression, f);
    else fresh.push(f);
  }
  return {
    regressions: all.filter((f) => f.regression).map((f) => ({ failure: f, foundAgain: foundAgain.get(f) })),
    fresh,
  };
}

/** `4 regressions, 1 new failure; ` before the totals, when anything failed. */
function failureCount({ regressions, fresh }: SplitFailures): string {
  if (regressions.length === 0 && fresh.length === 0) return '';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (regressions.length === 0) return `${plural(fresh.length, 'new failure')}; `;
  return `${plural(regressions.length, 'regression')}, ${fresh.length === 0 ? 'no new failures' : plural(fresh.length, 'new failure')}; `;
}

/** The folder all the files are in (with a trailing slash), if they share one. */
function commonDir(regressions: SplitFailures['regressions']): string | undefined {
  const dirs = new Set(
    regressions.map(({ failure }) => (failure.replayFile === null ? '' : dirname(failure.replayFile))),
  );
  const [dir] = dirs;
  return dirs.size === 1 && dir ? `${dir}/` : undefined;
}

function writeViolations(f: FailureSummary, indent: string, write: (line: string) => void): void {
  for (const v of f.violations.slice(0, 10))
    write(`${indent}[${v.invariant}] ${v.message}${v.steps.length ? ` (steps ${v.steps.join(', ')})` : ''}`);
  if (f.violations.length > 10) write(`${indent}... and ${f.violations.length - 10} more`);
}

/** Skipped invariants grouped by reason, reasons in first-seen order. */
function skippedByReason(skipped: readonly { invariant: string; reason: string }[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const s of skipped) groups.set(s.reason, [...(groups.get(s.reason) ?? []), s.invariant]);
  return [...groups];
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
