import { BIN, type CliResult } from '../support/cli.ts';
import { run } from '../support/pack-tarball.ts';

/**
 * The real CLI in a child process, as test/support/cli.ts's `shakedown` runs it (one thread
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
