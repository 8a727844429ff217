import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLockKey } from '../../../src/core/lock/lock-key.ts';
import { acquireRunLock, currentHolder } from '../../../src/core/lock/run-lock.ts';
import { isShakedownError } from '../../../src/core/shakedown-error.ts';

const dirs: string[] = [];
const lockDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-lock-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const KEY = runLockKey('ws://127.0.0.1:9000', 'SANDBOX.');

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the lock to be refused');
}

describe('the run lock', () => {
  it('refuses a second campaign at once, naming the holder, with exit 3', async () => {
    const dir = lockDir();
    const first = await acquireRunLock({
      key: KEY,
      dir,
      timeoutMs: 0,
      holder: currentHolder('shakedown run A'),
    });
    const error = await refusal(
      acquireRunLock({
        key: KEY,
        dir,
        timeoutMs: 0,
        holder: { ...currentHolder('B'), pid: process.pid + 1 },
      }),
    );
    expect(isShakedownError(error) && error.code === 'SHK_LOCKED' && error.exitCode === 3).toBe(true);
    expect(error.message).toContain(`pid ${process.pid}`);
    expect(error.message).toContain('shakedown run A');
    expect(error.message).toContain(first.path);
    first.release();
    expect(existsSync(first.path)).toBe(false);
  });

  it('waits up to --lock-timeout and gets the lock once the holder releases it', async () => {
    const dir = lockDir();
    const first = await acquireRunLock({ key: KEY, dir, timeoutMs: 0, holder: currentHolder('A') });
    setTimeout(() => first.release(), 50);
    const second = await acquireRunLock({
      key: KEY,
      dir,
      timeoutMs: 5_000,
      pollMs: 10,
      holder: currentHolder('B'),
    });
    expect(existsSync(second.path)).toBe(true);
    second.release();
  });

  it('takes over a lock whose process is gone', async () => {
    const dir = lockDir();
    const dead = spawnSync(process.execPath, ['-e', ''], { timeout: 10_000 }).pid as number;
    const first = await acquireRunLock({
      key: KEY,
      dir,
      timeoutMs: 0,
      holder: { pid: dead, host: hostname(), command: 'crashed', startedAt: 'earlier' },
    });
    // The first "holder" is a process that has exited: its file is stale.
    const second = await acquireRunLock({ key: KEY, dir, timeoutMs: 0, holder: currentHolder('B') });
    expect(second.tookOverFrom?.pid).toBe(dead);
    expect(second.path).toBe(first.path);
    second.release();
  });

  it('treats an unreadable lock file as held and names the file', async () => {
    const dir = lockDir();
    const lock = await acquireRunLock({ key: KEY, dir, timeoutMs: 0, holder: currentHolder('A') });
    writeFileSync(lock.path, 'garbage');
    const error = await refusal(acquireRunLock({ key: KEY, dir, timeoutMs: 0, holder: currentHolder('B') }));
    expect(error.message).toContain('cannot be read');
    expect(error.message).toContain(lock.path);
  });

  it('keys on target and sandbox: other targets do not collide, the same URL written differently does', async () => {
    const dir = lockDir();
    expect(runLockKey('WS://127.0.0.1:9000/', 'SANDBOX.')).toBe(KEY);
    const a = await acquireRunLock({ key: KEY, dir, timeoutMs: 0, holder: currentHolder('A') });
    const b = await acquireRunLock({
      key: runLockKey('ws://127.0.0.1:9001', 'SANDBOX.'),
      dir,
      timeoutMs: 0,
      holder: currentHolder('B'),
    });
    const c = await acquireRunLock({
      key: runLockKey('ws://127.0.0.1:9000', 'TEST.'),
      dir,
      timeoutMs: 0,
      holder: currentHolder('C'),
    });
    for (const lock of [a, b, c]) lock.release();
  });

  it('a lock held by another process blocks this one until that process exits', async () => {
    const dir = lockDir();
    const script = `
      import { acquireRunLock, currentHolder } from ${JSON.stringify(join(import.meta.dirname, '../../../src/core/lock/run-lock.ts'))};
      await acquireRunLock({ key: ${JSON.stringify(KEY)}, dir: ${JSON.stringify(dir)}, timeoutMs: 0, holder: currentHolder('child') });
      process.stdout.write('held\\n');
      setTimeout(() => process.exit(0), 300);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
      child.on('exit', () => reject(new Error('the child exited before holding the lock')));
    });
    const error = await refusal(
      acquireRunLock({ key: KEY, dir, timeoutMs: 0, holder: currentHolder('parent') }),
    );
    expect(error.message).toContain('child');
    // The child releases at exit; the parent then gets the lock within its timeout.
    const lock = await acquireRunLock({
      key: KEY,
      dir,
      timeoutMs: 10_000,
      pollMs: 20,
      holder: currentHolder('parent'),
    });
    lock.release();
  }, 20_000);
});
