import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow } from './bench-table.ts';

/**
 * `--time-budget` is a promise: the whole command, as a user runs it (process start, workers,
 * corpus, campaign, dispose), ends within the budget plus the runs in flight (and shrinking,
 * which has its own bound: each case passes --shrink-attempts 0 so a failure found does not
 * time its shrinking here). `--runs 1000000000` makes the budget the only bound.
 *
 * Each case is one `shakedown run` in a child process, timed from spawn to exit. The ceiling is
 * the budget + 10% + one run's duration, that run estimated from the same campaign: the
 * longest of each property's campaign time x workers / runs.
 */
const BIN = fileURLToPath(new URL('../bin/shakedown.js', import.meta.url));

interface Case {
  target: 'inproc' | 'ws';
  budgetS: number;
}

const CASES: Case[] = [
  { target: 'inproc', budgetS: 5 },
  { target: 'inproc', budgetS: 30 },
  { target: 'ws', budgetS: 5 },
  { target: 'ws', budgetS: 30 },
];

interface Summary {
  runs: number;
  durationMs: number;
  workers?: { count: number };
  properties: { runs: number; durationMs: number }[];
}

/** Peak resident memory of a running process, from /proc (Linux); undefined elsewhere. */
function peakRssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function runCase(c: Case): Promise<BenchRow> {
  const out = mkdtempSync(join(tmpdir(), 'shakedown-budget-'));
  const args = [
    BIN,
    'run',
    '--runs',
    '1000000000',
    '--time-budget',
    `${c.budgetS}s`,
    '--seed',
    '1',
    '--shrink-attempts',
    '0',
    '--json',
    '--no-progress',
    '--no-replays',
    '--log-level',
    'silent',
    '--out',
    out,
    ...(c.target === 'ws' ? ['--target', 'ws', '--faults', 'all'] : []),
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, child.pid === undefined ? 0 : (peakRssMb(child.pid) ?? 0));
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (exit) => resolve(exit)));
  clearInterval(sampler);
  const wallMs = performance.now() - started;
  rmSync(out, { recursive: true, force: true });
  if (code !== 0 && code !== 1) throw new Error(`time-budget benchmark: exit ${code}\n${stderr}`);
  const summary = JSON.parse(stdout) as Summary;
  const workers = summary.workers?.count ?? 1;
  const runMs = Math.max(
    0,
    ...summary.properties.filter((p) => p.runs > 0).map((p) => (p.durationMs * workers) / p.runs),
  );
  const budgetMs = c.budgetS * 1000;
  const ceiling = budgetMs * 1.1 + runMs;
  const name = `wall of run --runs 1e9 --time-budget ${c.budgetS}s, ${c.target === 'ws' ? '--target ws --faults all' : 'in-process'}`;
  return {
    name,
    value: wallMs / 1000,
    unit: 's',
    ceilingName: 'budget + 10% + one run',
    ceiling: ceiling / 1000,
    target: '<= 100% of the ceiling',
    note: `wall ${(wallMs / 1000).toFixed(2)} s for a ${c.budgetS} s budget (overshoot ${((wallMs - budgetMs) / 1000).toFixed(2)} s, ${(((wallMs - budgetMs) / budgetMs) * 100).toFixed(1)}%); summary durationMs ${(summary.durationMs / 1000).toFixed(2)} s (from the workers' start); ${summary.runs} runs on ${workers} workers, one run ~${(runMs / 1000).toFixed(2)} s (longest per-property mean); exit ${code}${peak > 0 ? `; peak RSS ${Math.round(peak)} MB` : ''}`,
  };
}

export async function runTimeBudgetBenchmark(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const c of CASES) rows.push(await runCase(c));
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { formatTable } = await import('./bench-table.ts');
  const rows = await runTimeBudgetBenchmark();
  process.stdout.write(`${formatTable(rows)}\n\n`);
  for (const r of rows) process.stdout.write(`- ${r.name}: ${r.note}\n`);
}
