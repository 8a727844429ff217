import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow } from './bench-table.ts';

/**
 * How long the CLI takes to start, as a user runs it: `node bin/shakedown.js --version` and
 * `node bin/shakedown.js list` in child processes, spawn to exit, median wall time. The ceiling
 * is a bare `node -e 0` started the same way in the same rounds (Node's own start, the least any
 * command can take); they take turns so load that drifts hits them alike. Each command
 * runs once first, so the caches are warm, as after any start: the bundle `--version` and `list`
 * start from (bin/cli-bundle.mjs) and the compiled files of the hooks (bin/ts-hooks.mjs). A third
 * row runs `list` from the sources through the hooks (SHAKEDOWN_CLI_BUNDLE=0), as every command
 * that runs something starts, beside the bundled one in the same rounds. Each start also reports
 * its own CPU time (all its threads, the hooks' too) at exit, on a pipe of its own: on a loaded
 * machine that figure moves far less than wall time, so each start has a CPU row as well.
 */
const BIN = fileURLToPath(new URL('../bin/shakedown.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The starts measured, by what a row calls them: arguments to node, and environment. */
const COMMANDS = {
  version: { args: [BIN, '--version'] },
  list: { args: [BIN, 'list'] },
  listFromSources: { args: [BIN, 'list'], env: { SHAKEDOWN_CLI_BUNDLE: '0' } },
  bare: { args: ['-e', '0'] },
} as const satisfies Record<string, { args: readonly string[]; env?: Record<string, string> }>;

type Start = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Preloaded into each start: writes the process's CPU time (µs) to fd 3 as it exits. */
const CPU_PROBE = `data:text/javascript,${encodeURIComponent(
  "import { writeSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); writeSync(3, String(u.user + u.system)); });",
)}`;

/** One start: spawn to exit (wall) and the CPU time the child reported, in ms. */
function startMs(start: Start): { wall: number; cpu: number } {
  const { args } = start;
  const env = { ...process.env, ...('env' in start ? start.env : {}) };
  const began = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--import', CPU_PROBE, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
  });
  const wall = Number(process.hrtime.bigint() - began) / 1e6;
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} exited ${child.status}`);
  return { wall, cpu: Number(String(child.output[3])) / 1000 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Rounds of the four starts until about `ms` of wall time has passed (at least 5, at most 50). */
export function runCliStartupBenchmark(ms: number): BenchRow[] {
  for (const start of Object.values(COMMANDS)) startMs(start);
  const times: Record<keyof typeof COMMANDS, { wall: number; cpu: number }[]> = {
    version: [],
    list: [],
    listFromSources: [],
    bare: [],
  };
  const began = process.hrtime.bigint();
  for (let round = 0; round < 50; round++) {
    for (const [name, start] of Object.entries(COMMANDS))
      times[name as keyof typeof COMMANDS].push(startMs(start));
    if (round >= 4 && Number(process.hrtime.bigint() - began) / 1e6 >= ms) break;
  }
  const rounds = times.bare.length;
  const row = (
    name: string,
    command: keyof typeof COMMANDS,
    measure: 'wall' | 'cpu',
    target?: string,
  ): BenchRow => ({
    name: `CLI start-up${measure === 'cpu' ? ' CPU' : ''}: ${name} (median of ${rounds})`,
    value: median(times[command].map((time) => time[measure])),
    unit: 'ms',
    lowerIsBetter: true,
    ceilingName: `bare \`node -e 0\`${measure === 'cpu' ? ' CPU' : ''}, same rounds`,
    ceiling: median(times.bare.map((time) => time[measure])),
    ...(target === undefined ? {} : { target }),
  });
  const fromSources = 'shakedown list from the sources (SHAKEDOWN_CLI_BUNDLE=0)';
  return [
    row('shakedown --version', 'version', 'wall', '<= 300 ms'),
    row('shakedown list', 'list', 'wall', '<= 300 ms'),
    row(fromSources, 'listFromSources', 'wall'),
    row('shakedown --version', 'version', 'cpu'),
    row('shakedown list', 'list', 'cpu'),
    row(fromSources, 'listFromSources', 'cpu'),
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { formatTable } = await import('./bench-table.ts');
  process.stdout.write(`${formatTable(runCliStartupBenchmark(Number(process.env.BENCH_MS ?? 3000)))}\n`);
}
