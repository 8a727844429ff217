import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, ShakedownError } from '../shakedown-error.ts';

/** Who holds a lock: enough for a person to find the process and decide. */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

export interface RunLock {
  readonly path: string;
  /** The holder whose lock was stale (its process gone) and was taken over. */
  readonly tookOverFrom?: LockHolder;
  release(): void;
}

export interface RunLockOptions {
  key: string;
  /** Where lock files live: `$SHAKEDOWN_LOCK_DIR`, else `<tmp>/shakedown-locks`. */
  dir?: string;
  /** How long to wait for the holder to finish; 0 fails at once. */
  timeoutMs: number;
  pollMs?: number;
  holder: LockHolder;
  /** Injected for tests; the real clock and timers otherwise (this is an I/O edge). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function defaultLockDir(): string {
  return process.env.SHAKEDOWN_LOCK_DIR ?? join(tmpdir(), 'shakedown-locks');
}

/** The holder of this very process, for the lock file. */
export function currentHolder(command: string, now = new Date()): LockHolder {
  return { pid: process.pid, host: hostname(), command, startedAt: now.toISOString() };
}

/**
 * Two campaigns against the same target and sandbox must not interleave their orders. The lock
 * is a file created atomically (`wx`) holding its holder; a holder whose process is gone on this
 * host is stale and is taken over. Released on `release()` and, failing that, at process exit.
 */
export async function acquireRunLock(options: RunLockOptions): Promise<RunLock> {
  const dir = options.dir ?? defaultLockDir();
  mkdirSync(dir, { recursive: true });
  const path = join(
    dir,
    `shakedown-${createHash('sha256').update(options.key).digest('hex').slice(0, 16)}.lock`,
  );
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + options.timeoutMs;
  let tookOverFrom: LockHolder | undefined;
  for (;;) {
    if (create(path, options.holder)) return held(path, options.holder, tookOverFrom);
    const holder = readHolder(path);
    if (holder === 'gone') continue;
    if (holder !== 'unreadable' && isStale(holder)) {
      // Move the stale file aside atomically: of two takers, only one rename succeeds.
      const aside = `${path}.stale-${process.pid}`;
      try {
        renameSync(path, aside);
        unlinkSync(aside);
        tookOverFrom = holder;
      } catch {
        // someone else took it over first: try again
      }
      continue;
    }
    if (now() >= deadline) throw locked(path, holder, options.timeoutMs);
    await sleep(Math.min(options.pollMs ?? 200, Math.max(1, deadline - now())));
  }
}

function create(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ShakedownError(
      'SHK_LOCK_UNWRITABLE',
      `cannot create the run lock ${path}: ${(error as Error).message}`,
      {
        exitCode: EXIT.usage,
        context: { path },
      },
    );
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(path: string): LockHolder | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string') return h as LockHolder;
  } catch {
    // fall through: an unreadable file is treated as held, and named in the message
  }
  return 'unreadable';
}

/** Stale: held by a process of this host that no longer exists. Another host's is never judged. */
function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function held(path: string, holder: LockHolder, tookOverFrom: LockHolder | undefined): RunLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    // Only our own file: after a takeover by someone else it is theirs.
    const current = readHolder(path);
    if (typeof current === 'object' && current.pid === holder.pid && current.host === holder.host) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', release);
  return { path, ...(tookOverFrom ? { tookOverFrom } : {}), release };
}

function locked(path: string, holder: LockHolder | 'unreadable', timeoutMs: number): ShakedownError {
  const waited = timeoutMs > 0 ? ` (waited ${timeoutMs} ms)` : '';
  const who =
    holder === 'unreadable'
      ? `a lock file that cannot be read`
      : `pid ${holder.pid} on host ${holder.host} since ${holder.startedAt} (command: ${holder.command})`;
  return new ShakedownError(
    'SHK_LOCKED',
    `the target is locked by ${who}${waited}; lock file ${path}. Wait with --lock-timeout, or remove the file if that process is gone`,
    { exitCode: EXIT.unreachable, context: { path, holder } },
  );
}
