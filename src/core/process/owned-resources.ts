import { rmSync } from 'node:fs';
import { BroadcastChannel, isMainThread } from 'node:worker_threads';

/**
 * What shakedown started or made itself and must never leave behind: child processes (a
 * venue under a supervisor) and temp directories (its journal). They are made in any thread
 * (each worker's target starts its own venue), and every thread reports them over one
 * BroadcastChannel to the main thread, so that the main thread can end them all
 * synchronously when the process must go at once (a second Ctrl-C, or any exit): SIGKILL to
 * each child, each directory removed. This is an I/O edge: it touches processes and files.
 */
const CHANNEL = 'shakedown:owned-resources';

type Notice = { kind: 'child'; pid: number; owned: boolean } | { kind: 'dir'; path: string; owned: boolean };

const children = new Set<number>();
const dirs = new Set<string>();
let channel: BroadcastChannel | undefined;
let listening = false;

function apply(notice: Notice): void {
  if (notice.kind === 'child') {
    if (notice.owned) children.add(notice.pid);
    else children.delete(notice.pid);
  } else if (notice.owned) dirs.add(notice.path);
  else dirs.delete(notice.path);
}

function open(): BroadcastChannel {
  if (channel === undefined) {
    channel = new BroadcastChannel(CHANNEL);
    // Never what keeps a process (or a worker) alive.
    channel.unref();
  }
  return channel;
}

function announce(notice: Notice): void {
  apply(notice);
  // Worker threads tell the main thread; the main thread's own entries are already here.
  if (!isMainThread) open().postMessage(notice);
}

/**
 * Makes this thread (the main one) hear of every child and directory any thread owns, and
 * ends them all when the process exits, however it exits short of a SIGKILL. Idempotent.
 */
export function collectOwnedResources(): void {
  if (listening || !isMainThread) return;
  listening = true;
  open().onmessage = (event: unknown) => apply((event as { data: Notice }).data);
  process.once('exit', () => {
    killOwnedChildren();
    removeOwnedDirs();
  });
}

/** A child process this thread started; it is killed if shakedown has to go at once. */
export function ownChild(pid: number): void {
  announce({ kind: 'child', pid, owned: true });
}

/** The child has exited: nothing of it to kill any more (and its pid may be reused). */
export function disownChild(pid: number): void {
  announce({ kind: 'child', pid, owned: false });
}

/** A temp directory this thread made; it is removed if shakedown has to go at once. */
export function ownDir(path: string): void {
  announce({ kind: 'dir', path, owned: true });
}

/** The directory has been removed by its owner. */
export function disownDir(path: string): void {
  announce({ kind: 'dir', path, owned: false });
}

/** The child pids known here (every thread's, on the main thread once collecting). */
export function ownedChildren(): number[] {
  return [...children];
}

export function ownedDirs(): string[] {
  return [...dirs];
}

/** SIGKILL to every known child, synchronously (it ends a stopped process too). The pids signalled. */
export function killOwnedChildren(): number[] {
  const killed: number[] = [];
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // Already gone.
    }
  }
  children.clear();
  return killed;
}

/** Removes every known temp directory, synchronously. */
export function removeOwnedDirs(): void {
  for (const path of dirs) {
    try {
      // A child killed a moment ago may still be closing a file in it: retry briefly.
      rmSync(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
    } catch {
      // Nothing more can be done at exit; the path is in the temp dir.
    }
  }
  dirs.clear();
}
