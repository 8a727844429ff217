import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.ts';

/**
 * SIGINT and SIGTERM sent to the main shakedown process only, as CI timeouts and systemd do:
 * the command stops, kills every child it started (the `--target ws` venues run as child
 * processes of its worker threads), removes its temp dirs and the run lock, writes the
 * partial results with `interrupted: true` and exits 130. Every wait is bounded and waits for
 * a condition (a venue process, a recorded event, a progress line), never for a time alone;
 * nothing asserts on how long anything took.
 */

/** Generous: a loaded 2-core machine compiles the sources, starts workers and venues. */
const START_TIMEOUT_MS = 90_000;
const EXIT_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 200_000;

const root = mkdtempSync(join(tmpdir(), 'shakedown-signals-'));
/**
 * The campaigns' own temp dir (TMPDIR): their venue journals go there, so a leftover dir is
 * found by listing it, and an orphaned venue by its path in the process table. Shared by the
 * file's tests (they run one after another).
 */
const campaignTmp = join(root, 'tmp');
mkdirSync(campaignTmp);
/**
 * The loader hooks keep compiled sources in TMPDIR (bin/ts-hooks.mjs): linked to the cache every
 * other CLI start uses, so that this file's first campaign and its venue processes do not each
 * compile every module with esbuild again (an empty cache cost every process its compiles, at
 * once). The link is removed as a link, the shared cache left alone.
 */
const compileCache = `shakedown-ts-cache-${createRequire(import.meta.url)('esbuild/package.json').version}`;
mkdirSync(join(tmpdir(), compileCache), { recursive: true });
symlinkSync(join(tmpdir(), compileCache), join(campaignTmp, compileCache));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

interface Launched {
  child: ChildProcess;
  pid: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const launched: Launched[] = [];
const extraPids: number[] = [];

afterEach(() => {
  // A failed test must not leave anything running for the next one.
  for (const l of launched.splice(0)) if (alive(l.pid)) l.child.kill('SIGKILL');
  for (const pid of [...extraPids.splice(0), ...mentioning(campaignTmp).map((p) => p.pid)])
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const name of readdirSync(campaignTmp))
    if (name.startsWith('shakedown-venue-'))
      rmSync(join(campaignTmp, name), { recursive: true, force: true });
});

function launch(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Launched {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TMPDIR: campaignTmp,
    SHAKEDOWN_LOCK_DIR: join(options.cwd, 'locks'),
    ...options.env,
  };
  delete env.CI;
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const l: Launched = { child, pid: child.pid as number, stdout: () => out, stderr: () => err, exited };
  launched.push(l);
  return l;
}

function workDir(): string {
  return mkdtempSync(join(root, 'work-'));
}

async function until(what: string, check: () => boolean, timeoutMs: number, l?: Launched): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (l && l.child.exitCode !== null)
      throw new Error(`the process exited (${l.child.exitCode}) before ${what}; stderr:\n${l.stderr()}`);
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${l ? `; stderr:\n${l.stderr()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Its exit, or a failure (after killing it) if it does not come within the bound. */
async function exitOf(l: Launched): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), EXIT_TIMEOUT_MS);
  });
  const first = await Promise.race([l.exited, late]);
  clearTimeout(timer);
  if (first === 'late') {
    l.child.kill('SIGKILL');
    throw new Error(`did not exit within ${EXIT_TIMEOUT_MS} ms of the signal; stderr:\n${l.stderr()}`);
  }
  return first;
}

interface Proc {
  pid: number;
  ppid: number;
  args: string;
}

function processTable(): Proc[] {
  const text = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return text
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
}

/** Every live descendant of `pid` (children, their children...). */
function descendants(pid: number): Proc[] {
  const table = processTable();
  const found: Proc[] = [];
  const parents = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of table)
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push(p);
        grew = true;
      }
  }
  return found.filter((p) => alive(p.pid));
}

/** Live processes whose command line mentions `text`: an orphan has lost its parent, not its args. */
function mentioning(text: string): Proc[] {
  return processTable().filter((p) => p.args.includes(text) && p.pid !== process.pid && alive(p.pid));
}

/** Alive and not a zombie (an orphan may sit unreaped if pid 1 does not reap). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const venuesOf = (pid: number): Proc[] => descendants(pid).filter((p) => / serve /.test(p.args));
const venueDirs = (): string[] =>
  readdirSync(campaignTmp).filter((name) => name.startsWith('shakedown-venue-'));
/**
 * Its venue child processes are up. A venue's temp dir is made just before its process is
 * started, so the process table (a `ps` child process each time, some 10 ms of CPU) is read
 * only once one is there, not every 100 ms of the campaign's start-up.
 */
const venuesUp = (pid: number): boolean => venueDirs().length > 0 && venuesOf(pid).length > 0;
const sizeOf = (path: string): number => (existsSync(path) ? statSync(path).size : 0);

/** Nothing the campaign started is left: its venues (seen before the signal), and any other. */
async function expectNothingLeft(venues: readonly Proc[]): Promise<void> {
  // Killed synchronously on the way out; a moment for the kernel to reap them.
  await until('the venues to be gone', () => venues.every((v) => !alive(v.pid)), 10_000).catch(
    () => undefined,
  );
  expect(venues.filter((v) => alive(v.pid)).map((v) => v.args)).toEqual([]);
  expect(mentioning(campaignTmp).map((p) => p.args)).toEqual([]);
  expect(venueDirs()).toEqual([]);
}

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/summary.schema.json'), 'utf8'));
const validateSummary = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

const LONG_RUN = ['--seed', '1', '--runs', '100000', '--time-budget', '120s', '--log-level', 'warn'];

describe('run stops on SIGINT and SIGTERM', () => {
  it(
    'run --target ws: SIGTERM to the main process only; exit 130, interrupted summary and reports, no venue, no temp dir',
    async () => {
      const cwd = workDir();
      const run = launch(
        [
          'run',
          '--target',
          'ws',
          ...LONG_RUN,
          '--workers',
          '2',
          '--summary',
          'summary.json',
          '--junit',
          'junit.xml',
          '--report',
          'report',
        ],
        { cwd },
      );
      // Running for sure: the workers' venues (child processes of the main process) are up.
      await until('a venue child process', () => venuesUp(run.pid), START_TIMEOUT_MS, run);
      const venues = venuesOf(run.pid);
      expect(venueDirs().length).toBeGreaterThan(0);
      process.kill(run.pid, 'SIGTERM');
      const exit = await exitOf(run);
      expect(exit, run.stderr()).toEqual({ code: 130, signal: null });
      expect(run.stderr()).toContain('shakedown run: SIGTERM: stopping');
      const summary = JSON.parse(readFileSync(join(cwd, 'summary.json'), 'utf8'));
      expect(summary).toMatchObject({ interrupted: true, signal: 'SIGTERM', target: 'ws' });
      expect(validateSummary(summary), JSON.stringify(validateSummary.errors)).toBe(true);
      expect(existsSync(join(cwd, 'junit.xml'))).toBe(true);
      expect(existsSync(join(cwd, 'report'))).toBe(true);
      expect(run.stdout()).toContain('interrupted by SIGTERM');
      await expectNothingLeft(venues);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'run --target inproc: SIGINT mid-campaign; exit 130, the partial summary printed and written',
    async () => {
      const cwd = workDir();
      const run = launch(
        ['run', ...LONG_RUN, '--workers', '1', '--summary', 'summary.json', '--record', 'events.ndjson'],
        { cwd },
      );
      // Running for sure: recorded events are streaming out.
      await until('recorded events', () => sizeOf(join(cwd, 'events.ndjson')) > 0, START_TIMEOUT_MS, run);
      process.kill(run.pid, 'SIGINT');
      const exit = await exitOf(run);
      expect(exit, run.stderr()).toEqual({ code: 130, signal: null });
      const summary = JSON.parse(readFileSync(join(cwd, 'summary.json'), 'utf8'));
      expect(summary).toMatchObject({ interrupted: true, signal: 'SIGINT' });
      expect(summary.runs).toBeGreaterThan(0);
      // Every property is there, interrupted: on one thread they take turns, so each started at
      // once (or, signalled before its first turn, was never reached, with no runs).
      expect(summary.properties.length).toBeGreaterThan(1);
      expect(summary.properties.every((p: { interrupted: boolean }) => p.interrupted)).toBe(true);
      expect(run.stdout()).toMatch(/runs, \d+ actions in \d+ ms .*interrupted by SIGINT/);
      expect(descendants(run.pid)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'run against a ws:// venue it did not start: SIGTERM releases the run lock',
    async () => {
      const cwd = workDir();
      const serve = launch(['serve', '--port', '0', '--log-level', 'warn'], { cwd });
      extraPids.push(serve.pid);
      await until('the venue URL', () => /ws:\/\/\S+\n/.test(serve.stdout()), START_TIMEOUT_MS, serve);
      const url = (/ws:\/\/\S+/.exec(serve.stdout()) as RegExpExecArray)[0];
      const locks = join(cwd, 'locks');
      const run = launch(
        [
          'run',
          '--target',
          url,
          ...LONG_RUN,
          '--workers',
          '1',
          '--summary',
          'summary.json',
          '--record',
          'events.ndjson',
        ],
        { cwd },
      );
      await until(
        'the run lock and recorded events',
        () => existsSync(locks) && readdirSync(locks).length > 0 && sizeOf(join(cwd, 'events.ndjson')) > 0,
        START_TIMEOUT_MS,
        run,
      );
      process.kill(run.pid, 'SIGTERM');
      const exit = await exitOf(run);
      expect(exit, run.stderr()).toEqual({ code: 130, signal: null });
      expect(readdirSync(locks)).toEqual([]);
      expect(JSON.parse(readFileSync(join(cwd, 'summary.json'), 'utf8'))).toMatchObject({
        interrupted: true,
        signal: 'SIGTERM',
      });
      // The venue is someone else's: it is left running.
      expect(alive(serve.pid)).toBe(true);
      serve.child.kill('SIGTERM');
      await exitOf(serve);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a second signal exits at once: exit 130, venues killed, temp dirs removed, no summary',
    async () => {
      const cwd = workDir();
      const run = launch(
        ['run', '--target', 'ws', ...LONG_RUN, '--workers', '2', '--summary', 'summary.json'],
        {
          cwd,
        },
      );
      await until('a venue child process', () => venuesUp(run.pid), START_TIMEOUT_MS, run);
      const venues = venuesOf(run.pid);
      process.kill(run.pid, 'SIGINT');
      await until(
        'the first signal taken',
        () => run.stderr().includes('SIGINT: stopping'),
        EXIT_TIMEOUT_MS,
        run,
      );
      process.kill(run.pid, 'SIGINT');
      const exit = await exitOf(run);
      expect(exit, run.stderr()).toEqual({ code: 130, signal: null });
      expect(run.stderr()).toContain('SIGINT again: exiting at once');
      expect(existsSync(join(cwd, 'summary.json'))).toBe(false);
      await expectNothingLeft(venues);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'SIGKILL to the main process: its venues see their parent gone and exit by themselves',
    async () => {
      const cwd = workDir();
      const run = launch(['run', '--target', 'ws', ...LONG_RUN, '--workers', '2'], { cwd });
      await until('a venue child process', () => venuesUp(run.pid), START_TIMEOUT_MS, run);
      const venues = venuesOf(run.pid);
      process.kill(run.pid, 'SIGKILL');
      await exitOf(run);
      // Nothing in shakedown ran: the venues notice the closed pipe and stop (bounded, by condition).
      await until('the orphaned venues to exit', () => venues.every((v) => !alive(v.pid)), EXIT_TIMEOUT_MS);
      expect(mentioning(campaignTmp)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('soak, diff and replay stop on a signal too', () => {
  it(
    'soak: SIGTERM after a progress line; exit 130, JSON says interrupted',
    async () => {
      const cwd = workDir();
      const soak = launch(
        // A progress line every 250 ms: the first one shows the soak under way as well as one a
        // second in would, and the two workers' campaigns run (and cost CPU) until the signal.
        ['soak', '--duration', '10m', '--seed', '1', '--progress-every', '250ms', '--workers', '2', '--json'],
        { cwd },
      );
      await until('a progress line', () => /round \d+ +\d+ runs/.test(soak.stderr()), START_TIMEOUT_MS, soak);
      process.kill(soak.pid, 'SIGTERM');
      const exit = await exitOf(soak);
      expect(exit, soak.stderr()).toEqual({ code: 130, signal: null });
      const result = JSON.parse(soak.stdout());
      expect(result).toMatchObject({ interrupted: true, stoppedBy: 'interrupted', verdict: 'pass' });
      expect(descendants(soak.pid)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'diff inproc against ws: SIGINT; exit 130, JSON says interrupted',
    async () => {
      const cwd = workDir();
      const diff = launch(
        [
          'diff',
          '--target',
          'inproc',
          '--against',
          'ws',
          '--seed',
          '1',
          '--runs',
          '100000',
          '--time-budget',
          '120s',
          '--json',
        ],
        { cwd },
      );
      await until(
        'the sides named',
        () => diff.stderr().includes('inproc against ws'),
        START_TIMEOUT_MS,
        diff,
      );
      process.kill(diff.pid, 'SIGINT');
      const exit = await exitOf(diff);
      expect(exit, diff.stderr()).toEqual({ code: 130, signal: null });
      // Stopped between sequences (JSON of what ran) or abandoned in one (a line on stderr).
      if (diff.stdout().trim() !== '')
        expect(JSON.parse(diff.stdout())).toMatchObject({ interrupted: true, signal: 'SIGINT' });
      else expect(diff.stderr()).toContain('after SIGINT');
      expect(descendants(diff.pid)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'replay over ws with the venue paused (a child process): SIGTERM; exit 130, venue killed, temp dir removed',
    async () => {
      const cwd = workDir();
      const file = join(cwd, 'paused.json');
      // One fault: the venue process stopped for two minutes, so the run is surely in flight.
      writeFileSync(
        file,
        JSON.stringify({
          format: 'shakedown-replay',
          version: 1,
          tool: '0.1.0',
          domain: 'trading',
          property: 'chaos-recovery',
          target: 'ws',
          seed: 1,
          runIndex: 0,
          path: '0',
          bugs: [],
          settings: { maxActions: 40, requestTimeoutMs: 1000, quietMs: 50 },
          actions: [
            {
              kind: 'fault',
              client: 'venue',
              gapMs: 0,
              fault: { type: 'process', effect: 'pause', downMs: 120_000 },
            },
          ],
          events: [],
          violations: [],
          verdict: 'fail',
          evidence: { history: [], snapshot: null, extra: {} },
          createdAt: '2026-01-01T00:00:00.000Z',
          durationMs: 0,
        }),
      );
      const replay = launch(['replay', file, '--json'], { cwd });
      await until('the venue child process', () => venuesUp(replay.pid), START_TIMEOUT_MS, replay);
      const venues = venuesOf(replay.pid);
      process.kill(replay.pid, 'SIGTERM');
      const exit = await exitOf(replay);
      expect(exit, replay.stderr()).toEqual({ code: 130, signal: null });
      expect(replay.stderr()).toContain('shakedown replay: SIGTERM: stopping');
      await expectNothingLeft(venues);
    },
    TEST_TIMEOUT_MS,
  );
});
