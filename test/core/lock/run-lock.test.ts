import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeRunLockKey, runLockKey } from '../../../src/core/lock/lock-key.ts';
import {
  acquireRunLock,
  currentHolder,
  defaultLockDir,
  type LockHolder,
  lockPath,
} from '../../../src/core/lock/run-lock.ts';
import { isShakedownError, type ShakedownError } from '../../../src/core/shakedown-error.ts';

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
const RUN_LOCK = join(import.meta.dirname, '../../../src/core/lock/run-lock.ts');

async function refusal(promise: Promise<unknown>): Promise<ShakedownError> {
  try {
    await promise;
  } catch (error) {
    if (isShakedownError(error)) return error;
    throw error;
  }
  throw new Error('expected the lock to be refused');
}

/** A pid that surely belongs to no process: one that has just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''], { timeout: 10_000 });
  return child.pid as number;
}

/** A child process that takes the lock, says so, and then runs `then` (a statement). */
async function childHolding(dir: string, then: string): Promise<ChildProcess> {
  const script = `
    import { acquireRunLock, currentHolder } from ${JSON.stringify(RUN_LOCK)};
    await acquireRunLock({ key: ${JSON.stringify(KEY)}, dir: ${JSON.stringify(dir)}, timeoutMs: 0, holder: currentHolder('child campaign') });
    process.stdout.write('held\\n');
    ${then}
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
    child.on('exit', () => reject(new Error('the child exited before holding the lock')));
  });
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('the run lock', () => {
  it('refuses a second campaign at once, naming the target, the holder and the file, with exit 3', async () => {
    const dir = lockDir();
    const first = await acquireRunLock({
      key: KEY,
      dir,
      timeoutMs: 0,
      holder: currentHolder('shakedown run A'),
    });
    expect(first.path).toBe(lockPath(dir, KEY));
    const error = await refusal(
      acquireRunLock({
        key: KEY,
        dir,
        timeoutMs: 0,
        holder: { ...currentHolder('B'), pid: process.pid + 1 },
      }),
    );
    expect([error.code, error.exitCode]).toEqual(['SHK_LOCKED', 3]);
    expect(error.message).toContain('target ws://127.0.0.1:9000 (sandbox SANDBOX.) is locked by');
    expect(error.message).toContain(`pid ${process.pid} on host ${hostname()} since `);
    expect(error.message).toContain('(command: shakedown run A)');
    expect(error.message).toContain(first.path);
    expect(error.message).not.toContain('\n');
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
    expect(JSON.parse(readFileSync(second.path, 'utf8')).command).toBe('B');
    second.release();
  });

  it('gives up after --lock-timeout when the holder keeps it, and says it waited', async () => {
    const dir = lockDir();
    const first = await acquireRunLock({ key: KEY, dir, timeoutMs: 0, holder: currentHolder('A') });
    try {
      const error = await refusal(
        acquireRunLock({ key: KEY, dir, timeoutMs: 100, pollMs: 10, holder: currentHolder('B') }),
      );
      expect(error.code).toBe('SHK_LOCKED');
      expect(error.message).toContain('(waited 100 ms)');
    } finally {
      first.release();
    }
  });

  it('takes over a lock whose process is gone, and says whose it was', async () => {
    const dir = lockDir();
    const dead: LockHolder = { pid: deadPid(), host: hostname(), command: 'crashed', startedAt: 'earlier' };
    writeFileSync(lockPath(dir, KEY), JSON.stringify(dead));
    const lock = await acquireRunLock({ key: KEY, dir, timeoutMs: 0, holder: currentHolder('B') });
    expect(lock.tookOverFrom).toEqual(dead);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('never judges a lock of another host stale', async () => {
    const dir = lockDir();
    writeFileSync(
      lockPath(dir, KEY),
      JSON.stringify({
        pid: deadPid(),
        host: `not-${hostname()}`,
        command: 'elsewhere',
        startedAt: 'earlier',
      }),
    );
    const error = await refusal(acquireRunLock({ key: KEY, dir, timeoutMs: 0, holder: currentHolder('B') }));
    expect(error.message).toContain(`on host not-${hostname()}`);
  });

  it('treats an unreadable or empty lock file as held and names the file', async () => {
    const dir = lockDir();
    const path = lockPath(dir, KEY);
    writeFileSync(path, 'garbage');
    const garbage = await refusal(
      acquireRunLock({ key: KEY, dir, timeoutMs: 0, holder: currentHolder('B') }),
    );
    expect(garbage.message).toContain('cannot be read');
    expect(garbage.message).toContain(path);
    writeFileSync(path, '');
    const empty = await refusal(acquireRunLock({ key: KEY, dir, timeoutMs: 0, holder: currentHolder('B') }));
    expect(empty.message).toContain('is empty');
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('an unusable lock directory is a usage error, not a stack trace', async () => {
    const dir = lockDir();
    writeFileSync(join(dir, 'a-file'), '');
    const error = await refusal(
      acquireRunLock({
        key: KEY,
        dir: join(dir, 'a-file', 'locks'),
        timeoutMs: 0,
        holder: currentHolder('A'),
      }),
    );
    expect([error.code, error.exitCode]).toEqual(['SHK_LOCK_UNWRITABLE', 2]);
  });

  it('keys on target and sandbox: other targets do not collide', async () => {
    const dir = lockDir();
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
    expect(new Set([a.path, b.path, c.path]).size).toBe(3);
    for (const lock of [a, b, c]) lock.release();
  });

  it('lives in $SHAKEDOWN_LOCK_DIR when no directory is given', () => {
    const saved = process.env.SHAKEDOWN_LOCK_DIR;
    try {
      process.env.SHAKEDOWN_LOCK_DIR = '/somewhere/locks';
      expect(defaultLockDir()).toBe('/somewhere/locks');
      delete process.env.SHAKEDOWN_LOCK_DIR;
      expect(defaultLockDir()).toBe(join(tmpdir(), 'shakedown-locks'));
    } finally {
      if (saved === undefined) delete process.env.SHAKEDOWN_LOCK_DIR;
      else process.env.SHAKEDOWN_LOCK_DIR = saved;
    }
  });

  it('a lock held by another process blocks this one until that process releases it', async () => {
    const dir = lockDir();
    const child = await childHolding(dir, 'setTimeout(() => process.exit(0), 300);');
    const error = await refusal(
      acquireRunLock({ key: KEY, dir, timeoutMs: 0, holder: currentHolder('parent') }),
    );
    expect(error.message).toContain(`pid ${child.pid} `);
    expect(error.message).toContain('child campaign');
    const lock = await acquireRunLock({
      key: KEY,
      dir,
      timeoutMs: 10_000,
      pollMs: 20,
      holder: currentHolder('parent'),
    });
    // Released by the child at its exit, not taken over from a dead process.
    expect(lock.tookOverFrom).toBeUndefined();
    lock.release();
    await exited(child);
  }, 20_000);

  it('is released when its process exits without releasing it', async () => {
    const dir = lockDir();
    const child = await childHolding(dir, 'process.exitCode = 0;');
    await exited(child);
    expect(existsSync(lockPath(dir, KEY))).toBe(false);
  }, 20_000);
});

describe('the run lock key', () => {
  it('is the same for one URL written differently', () => {
    expect(runLockKey('WS://127.0.0.1:9000/', 'SANDBOX.')).toBe(KEY);
    expect(runLockKey(' ws://Venue.Example:80 ', 'SANDBOX.')).toBe(
      runLockKey('ws://venue.example', 'SANDBOX.'),
    );
    expect(runLockKey('wss://venue.example:443/api/', 'S.')).toBe(
      runLockKey('wss://venue.example/api', 'S.'),
    );
  });

  it('does not resolve names, and tells sandboxes, paths and ports apart', () => {
    expect(runLockKey('ws://localhost:9000', 'SANDBOX.')).not.toBe(KEY);
    expect(runLockKey('ws://127.0.0.1:9000', 'TEST.')).not.toBe(KEY);
    expect(runLockKey('ws://127.0.0.1:9000/other', 'SANDBOX.')).not.toBe(KEY);
    expect(runLockKey('./my-target.ts', 'SANDBOX.')).toBe(runLockKey('./my-target.ts ', 'SANDBOX.'));
  });

  it('reads as words in messages', () => {
    expect(describeRunLockKey(KEY)).toBe('target ws://127.0.0.1:9000 (sandbox SANDBOX.)');
  });
});
