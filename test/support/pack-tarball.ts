import { execFile } from 'node:child_process';
import { cpSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * shakedown as a user gets it: `npm pack` of this repo, and the commands a user would run in a
 * project of their own, in child processes. Shared by the tests that install the tarball
 * (test/package, test/vitest-integration). Nothing here asserts a duration.
 */
export const ROOT = join(import.meta.dirname, '../..');
/** Packing builds (tsc) and installing may take a while on a loaded machine; neither hangs. */
export const STEP_TIMEOUT_MS = 300_000;

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end, never rejecting: its exit code (null when killed) and its output.
 * `CI` is removed from its environment (the suite may run under CI=true, which sends outputs to
 * CI folders; these runs decide themselves); `env` adds to it (an undefined value removes one).
 */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number },
): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
  delete env.CI;
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      {
        cwd: options.cwd,
        env,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeoutMs ?? STEP_TIMEOUT_MS,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A run's exit code and output, for an assertion's message. */
export const show = (ran: Ran): string =>
  `exit ${ran.code}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`;

export interface Packed {
  /** The tarball's absolute path. */
  tarball: string;
  /** Every file it holds, as `npm pack --json` lists them. */
  files: string[];
}

/**
 * `npm pack` of the repo into `work` (its prepack script compiles it). The repo is copied into a
 * staging folder first (sources, manifests, docs; node_modules linked), so packing builds there
 * and leaves the working tree alone. Throws with npm's output when packing fails.
 */
export async function packShakedown(work: string): Promise<Packed> {
  const stage = join(work, 'stage');
  for (const entry of [
    'package.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'README.md',
    'bin',
    'docs',
    'src',
    'invariants',
    'properties',
  ])
    cpSync(join(ROOT, entry), join(stage, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');
  const pack = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: stage });
  if (pack.code !== 0) throw new Error(`npm pack failed\n${show(pack)}`);
  // The prepack script's own output comes first; the JSON report is the rest.
  const report = JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[/m))) as {
    filename: string;
    files: { path: string }[];
  }[];
  return { tarball: join(work, report[0].filename), files: report[0].files.map((f) => f.path) };
}
