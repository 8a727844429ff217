import { spawn } from 'node:child_process';

/** How one suite's process ended. */
export interface ChildOutcome {
  /** null when a signal ended it (our timeout's SIGKILL included). */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  ms: number;
  stdout: string;
  stderr: string;
}

const running = new Set<number>();
const TAIL = 64 * 1024;

/**
 * Runs `node args...` in its own process group and waits for it, at most `timeoutMs`: then the
 * whole group gets SIGKILL (the CLI's worker threads die with it; vitest's forks and any server a
 * suite started are in the group too). After a normal exit the group is killed as well, so
 * nothing a mutant left running outlives its judgement.
 */
export function runNode(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<ChildOutcome> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid !== undefined) running.add(pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout = (stdout + chunk).slice(-TAIL);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-TAIL);
  });
  let timedOut = false;
  let ms = 0;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(pid);
  }, options.timeoutMs);
  return new Promise((resolve) => {
    let ended: { exitCode: number | null; signal: string | null } | undefined;
    // On exit, not close: a grandchild still holding the pipes would otherwise hold the verdict.
    child.on('exit', (exitCode, signal) => {
      ended = { exitCode, signal };
      ms = performance.now() - started;
      clearTimeout(timer);
      killGroup(pid);
    });
    child.on('error', (error) => {
      stderr += String(error);
      ended ??= { exitCode: null, signal: null };
      clearTimeout(timer);
    });
    child.on('close', () => {
      if (pid !== undefined) running.delete(pid);
      const { exitCode, signal } = ended ?? { exitCode: null, signal: null };
      resolve({ exitCode, signal, timedOut, ms: ms || performance.now() - started, stdout, stderr });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}

/** Kills every suite still running (the benchmark itself was interrupted). */
export function killAllChildren(): void {
  for (const pid of running) killGroup(pid);
}
