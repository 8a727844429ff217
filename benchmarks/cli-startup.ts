import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow } from './bench-table.ts';

/**
 * How long the CLI takes to start, as a user runs it: `node bin/shakedown.js --version` and
 * `node bin/shakedown.js list` in child processes, spawn to exit, median wall time. The ceiling
 * is a bare `node -e 0` started the same way in the same rounds (Node's own start, the least any
 * command can take); the three take turns so load that drifts hits them alike. Each command
 * runs once first, so the compiled-file cache (bin/ts-hooks.mjs) is warm, as after any start.
 */
const BIN = fileURLToPath(new URL('../bin/shakedown.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The starts measured, by what a row calls them. */
const COMMANDS = {
  version: [BIN, '--version'],
  list: [BIN, 'list'],
  bare: ['-e', '0'],
} as const satisfies Record<string, readonly string[]>;

function startMs(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} exited ${child.status}`);
  return elapsed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Rounds of the three starts until about `ms` of wall time has passed (at least 5, at most 50). */
export function runCliStartupBenchmark(ms: number): BenchRow[] {
  for (const args of Object.values(COMMANDS)) startMs(args);
  const times: Record<keyof typeof COMMANDS, number[]> = { version: [], list: [], bare: [] };
  const began = process.hrtime.bigint();
  for (let round = 0; round < 50; round++) {
    for (const [name, args] of Object.entries(COMMANDS))
      times[name as keyof typeof COMMANDS].push(startMs(args));
    if (round >= 4 && Number(process.hrtime.bigint() - began) / 1e6 >= ms) break;
  }
  const bare = median(times.bare);
  const rounds = times.bare.length;
  const row = (command: 'version' | 'list'): BenchRow => ({
    name: `CLI start-up: shakedown ${command === 'version' ? '--version' : 'list'} (median of ${rounds})`,
    value: median(times[command]),
    unit: 'ms',
    lowerIsBetter: true,
    ceilingName: 'bare `node -e 0`, same rounds',
    ceiling: bare,
    target: '<= 300 ms',
  });
  return [row('version'), row('list')];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { formatTable } = await import('./bench-table.ts');
  process.stdout.write(`${formatTable(runCliStartupBenchmark(Number(process.env.BENCH_MS ?? 3000)))}\n`);
}
