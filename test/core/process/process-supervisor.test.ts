import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessSupervisor, type SupervisorOptions } from '../../../src/core/process/process-supervisor.ts';
import { isShakedownError, type ShakedownError } from '../../../src/core/shakedown-error.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** A plain node child (no tsx, starts in tens of ms) running `code`. */
const node = (
  code: string | ((restarts: number) => string),
): Pick<SupervisorOptions, 'command' | 'args'> => ({
  command: process.execPath,
  args: ({ restarts }) => ['-e', typeof code === 'string' ? code : code(restarts)],
});
const SERVER = 'console.log("listening on tcp://here:1"); setInterval(() => {}, 1000);';

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

/** The scheduler state letter from /proc: T when stopped. */
function state(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0];
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function rejection(promise: Promise<unknown>): Promise<ShakedownError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isShakedownError(error)) throw new Error(`expected a ShakedownError, got ${String(error)}`);
  return error;
}

function thrown(act: () => void): ShakedownError {
  try {
    act();
  } catch (error) {
    if (isShakedownError(error)) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

describe('ProcessSupervisor', () => {
  const supervisors: ProcessSupervisor[] = [];
  const supervise = (options: Omit<SupervisorOptions, 'ready'> & { ready?: RegExp }): ProcessSupervisor => {
    const supervisor = new ProcessSupervisor({
      ready: /^listening on (\S+)$/,
      startTimeoutMs: 10_000,
      stopGraceMs: 2_000,
      ...options,
    });
    supervisors.push(supervisor);
    return supervisor;
  };

  afterEach(async () => {
    await Promise.all(supervisors.splice(0).map((s) => s.stop()));
  });

  it('starts a child, hands back the address from its ready line, and stop() leaves no process', async () => {
    const supervisor = supervise(node(`console.log("booting"); ${SERVER}`));
    expect(await supervisor.start()).toBe('tcp://here:1');
    const pid = supervisor.pid!;
    expect(supervisor.running).toBe(true);
    expect(supervisor.address).toBe('tcp://here:1');
    expect(alive(pid)).toBe(true);
    // start() on a running child is a no-op that gives the same address.
    expect(await supervisor.start()).toBe('tcp://here:1');
    expect(supervisor.pid).toBe(pid);

    await supervisor.stop();
    expect(supervisor.running).toBe(false);
    expect(supervisor.pid).toBeUndefined();
    expect(supervisor.address).toBeUndefined();
    expect(supervisor.lastExit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(alive(pid)).toBe(false);
    await supervisor.stop(); // idempotent
  });

  it('takes the whole match as the address when the pattern has no group', async () => {
    const supervisor = supervise({ ...node(SERVER), ready: /tcp:\/\/\S+/ });
    expect(await supervisor.start()).toBe('tcp://here:1');
  });

  it('kill() is SIGKILL and resolves once the child is gone; with no child it is SHK_FAULT_NO_PROCESS', async () => {
    const supervisor = supervise(node(SERVER));
    expect(thrown(() => supervisor.pause()).code).toBe('SHK_FAULT_NO_PROCESS');
    expect((await rejection(supervisor.kill())).code).toBe('SHK_FAULT_NO_PROCESS');

    await supervisor.start();
    const pid = supervisor.pid!;
    await supervisor.kill();
    expect(supervisor.lastExit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(supervisor.running).toBe(false);
    expect(alive(pid)).toBe(false);

    // A second kill found nothing to kill: an error, not a pass.
    const error = await rejection(supervisor.kill());
    expect(error.code).toBe('SHK_FAULT_NO_PROCESS');
    expect(thrown(() => supervisor.pause()).code).toBe('SHK_FAULT_NO_PROCESS');
    expect(thrown(() => supervisor.resume()).code).toBe('SHK_FAULT_NO_PROCESS');
  });

  it('restart() kills the child and starts a new one, telling args how many restarts came before', async () => {
    const supervisor = supervise(
      node((restarts) => `console.log("listening on tcp://here:${restarts}"); setInterval(() => {}, 1000);`),
    );
    expect(await supervisor.start()).toBe('tcp://here:0');
    const first = supervisor.pid!;
    expect(await supervisor.restart()).toBe('tcp://here:1');
    expect(supervisor.pid).not.toBe(first);
    expect(alive(first)).toBe(false);
    // After a crash, restart() just starts it again.
    await supervisor.kill();
    expect(await supervisor.restart()).toBe('tcp://here:2');
    expect(supervisor.restarts).toBe(2);
  });

  it('restart() during a start kills the starting child; the new start gets its own answer', async () => {
    const supervisor = supervise(
      node(
        (restarts) =>
          `setTimeout(() => console.log("listening on tcp://here:${restarts}"), ${restarts === 0 ? 5_000 : 0}); setInterval(() => {}, 1000);`,
      ),
    );
    const first = supervisor.start();
    const second = supervisor.restart();
    expect((await rejection(first)).code).toBe('SHK_PROCESS_START_FAILED');
    expect(await second).toBe('tcp://here:1');
    expect(await supervisor.start()).toBe('tcp://here:1');
  });

  it('pause() stops the child (SIGSTOP), resume() continues it, stop() ends a paused child', async () => {
    const supervisor = supervise(node(SERVER));
    await supervisor.start();
    const pid = supervisor.pid!;
    supervisor.pause();
    expect(supervisor.paused).toBe(true);
    await until('the child to stop', () => state(pid) === 'T');
    supervisor.resume();
    expect(supervisor.paused).toBe(false);
    await until('the child to continue', () => state(pid) !== 'T');

    supervisor.pause();
    await until('the child to stop', () => state(pid) === 'T');
    const started = Date.now();
    await supervisor.stop();
    // SIGCONT then SIGTERM: it ends at once, without waiting for the SIGKILL grace.
    expect(supervisor.lastExit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(alive(pid)).toBe(false);
  });

  it('stop() sends SIGKILL when the child ignores SIGTERM past the grace period', async () => {
    const supervisor = supervise({
      ...node(`process.on("SIGTERM", () => {}); ${SERVER}`),
      stopGraceMs: 200,
    });
    await supervisor.start();
    const pid = supervisor.pid!;
    await Promise.all([supervisor.stop(), supervisor.stop()]);
    expect(supervisor.lastExit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(alive(pid)).toBe(false);
  });

  it('a child that exits before it is ready is SHK_PROCESS_START_FAILED, with the tail of its stderr', async () => {
    const supervisor = supervise({ command: process.execPath, args: () => ['--no-such-node-flag'] });
    const error = await rejection(supervisor.start());
    expect(error.code).toBe('SHK_PROCESS_START_FAILED');
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/exited with code 9/);
    expect(error.message).toContain('--no-such-node-flag');
    expect(String(error.context.stderr)).toMatch(/bad option/);
    expect(supervisor.running).toBe(false);
  });

  it('a child that never prints its ready line is killed after the start timeout', async () => {
    const supervisor = supervise({
      ...node('console.error("still warming up"); setInterval(() => {}, 1000);'),
      startTimeoutMs: 400,
    });
    const error = await rejection(supervisor.start());
    expect(error.code).toBe('SHK_PROCESS_START_FAILED');
    expect(error.message).toMatch(/no ready line within 400 ms/);
    expect(error.message).toContain('still warming up');
    expect(supervisor.running).toBe(false);
    expect(supervisor.lastExit?.signal).toBe('SIGKILL');
  });

  it('a command that cannot be spawned is SHK_PROCESS_START_FAILED', async () => {
    const supervisor = supervise({ command: '/nonexistent/shakedown-target', args: () => [] });
    const error = await rejection(supervisor.start());
    expect(error.code).toBe('SHK_PROCESS_START_FAILED');
    expect(error.message).toMatch(/ENOENT/);
  });

  it('kills its children when the parent process exits', async () => {
    // A parent that starts a child through the supervisor, prints the child's pid, and exits.
    const parent = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { ProcessSupervisor } from './src/core/process/process-supervisor.ts';
         const s = new ProcessSupervisor({ command: process.execPath, args: () => ['-e', ${JSON.stringify(SERVER)}], ready: /^listening on (\\S+)$/ });
         await s.start();
         console.log(s.pid);
         process.exit(0);`,
      ],
      { cwd: REPO, encoding: 'utf8', timeout: 20_000 },
    );
    expect(parent.stderr).toBe('');
    expect(parent.status).toBe(0);
    const pid = Number(parent.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    try {
      await until('the orphaned child to be gone', () => !alive(pid));
    } finally {
      // Should the check fail, the orphan is still this test's to clean up.
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
