import { createHash } from 'node:crypto';
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, ShakedownError } from '../shakedown-error.ts';
import { describeRunLockKey } from './lock-key.ts';

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
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw unwritable(dir, error);
  }
  const path = lockPath(dir, options.key);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + options.timeoutMs;
  for (;;) {
    if (create(path, options.holder)) return held(path, options.holder, undefined);
    const seen = readLock(path);
    if (seen.kind === 'gone') continue;
    if (seen.kind === 'held' && isStale(seen.holder)) {
      // Taken over only if we also create the new file: a faster taker may have won meanwhile.
      if (removeStale(path, seen.text) && create(path, options.holder))
        return held(path, options.holder, seen.holder);
      continue;
    }
    if (now() >= deadline) throw locked(options.key, path, seen, options.timeoutMs);
    await sleep(Math.min(options.pollMs ?? 200, Math.max(1, deadline - now())));
  }
}

/** `<dir>/shakedown-<sha256 of the key>.lock`: any key makes a safe, fixed-length file name. */
export function lockPath(dir: string, key: string): string {
  return join(dir, `shakedown-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.lock`);
}

let asideCount = 0;

/**
 * Removes the stale lock file whose text we read, and nothing else. The file is renamed aside
 * (atomic: of two takers one wins) and checked: if a faster taker had already replaced it with a
 * live lock, that lock is linked back (link never overwrites). Without a lock on the lock, a
 * third campaign creating the file in those microseconds is the one race left.
 */
function removeStale(path: string, staleText: string): boolean {
  const aside = `${path}.stale-${process.pid}-${asideCount++}`;
  try {
    renameSync(path, aside);
  } catch {
    return false; // gone already: someone else took it over
  }
  let moved: string | undefined;
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    moved = undefined;
  }
  if (moved !== staleText) {
    try {
      linkSync(aside, path);
    } catch {
      // a new lock is there already; the live one we moved is lost either way
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // nothing to clean up
  }
  return moved === staleText;
}

function create(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw unwritable(path, error);
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

type SeenLock =
  | { kind: 'gone' }
  | { kind: 'held'; holder: LockHolder; text: string }
  /** Treated as held (fail-closed); `why` is for the message. */
  | { kind: 'unreadable'; why: string };

function readLock(path: string): SeenLock {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? { kind: 'gone' }
      : { kind: 'unreadable', why: `that cannot be read (${(error as Error).message})` };
  }
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && Number.isInteger(h.pid) && h.pid > 0 && typeof h.host === 'string')
      return {
        kind: 'held',
        holder: {
          pid: h.pid,
          host: h.host,
          command: typeof h.command === 'string' ? h.command : '(unknown)',
          startedAt: typeof h.startedAt === 'string' ? h.startedAt : '(unknown)',
        },
        text,
      };
  } catch {
    // fall through: not JSON
  }
  return text === ''
    ? {
        kind: 'unreadable',
        why: 'that is empty (a campaign taking it this very moment, or one that died doing so)',
      }
    : { kind: 'unreadable', why: 'that cannot be read (not a holder record)' };
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
    const current = readLock(path);
    if (current.kind === 'held' && current.holder.pid === holder.pid && current.holder.host === holder.host) {
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

function locked(
  key: string,
  path: string,
  seen: Exclude<SeenLock, { kind: 'gone' }>,
  timeoutMs: number,
): ShakedownError {
  const waited = timeoutMs > 0 ? ` (waited ${timeoutMs} ms)` : '';
  const who =
    seen.kind === 'held'
      ? `pid ${seen.holder.pid} on host ${seen.holder.host} since ${seen.holder.startedAt} (command: ${seen.holder.command})`
      : `a lock file ${seen.why}`;
  return new ShakedownError(
    'SHK_LOCKED',
    `${describeRunLockKey(key)} is locked by ${who}${waited}; lock file ${path}. Wait with --lock-timeout, or remove the file if that process is gone`,
    {
      exitCode: EXIT.unreachable,
      context: { path, ...(seen.kind === 'held' ? { holder: seen.holder } : {}) },
    },
  );
}

function unwritable(path: string, error: unknown): ShakedownError {
  return new ShakedownError(
    'SHK_LOCK_UNWRITABLE',
    `cannot create the run lock ${path}: ${(error as Error).message}; set SHAKEDOWN_LOCK_DIR to a writable directory`,
    { exitCode: EXIT.usage, context: { path } },
  );
}
