import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { run } from './pack-tarball.ts';

export const BIN = join(import.meta.dirname, '../../bin/shakedown.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI in a child process, as a user would. `CI` is removed from its environment
 * so that a test decides CI mode itself (the suite may run under CI=true). Campaigns run on
 * one thread unless a test asks for workers (SHAKEDOWN_WORKERS or --workers): the suite's
 * files already share the cores, and worker start-up would only slow the small campaigns.
 */
export function shakedown(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): CliResult {
  const env: NodeJS.ProcessEnv = { ...process.env, SHAKEDOWN_WORKERS: '1', ...options.env };
  if (!options.env?.CI) delete env.CI;
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 150_000,
    cwd: options.cwd ?? process.cwd(),
    env,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A maker of temp directories, all removed after the file's tests. */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/**
 * The real CLI in a child process, as `shakedown` runs it (one thread
 * unless the test asks for workers, `CI` removed), without blocking the test file's process: a
 * file whose tests mostly wait on their child processes (a soak's duration, a hang's run
 * timeout, a process starting) can run them at once. `NO_COLOR` is set, as a pipe has no colour.
 */
export async function shakedownAsync(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  const ran = await run(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { SHAKEDOWN_WORKERS: '1', ...options.env },
    timeoutMs: options.timeoutMs ?? 150_000,
  });
  return { status: ran.code, stdout: ran.stdout, stderr: ran.stderr };
}
