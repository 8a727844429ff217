import { PARENT_PIPE_ENV } from './process-supervisor.ts';

/** How long a child whose parent is gone may take to stop cleanly before it just exits. */
const ORPHAN_GRACE_MS = 5_000;

/**
 * In a child that shakedown supervises (PARENT_PIPE_ENV set), stdin is a pipe its parent holds
 * open and never writes to: the pipe closing means the parent is gone, however it died, and
 * the child must not outlive it. Calls `onGone` once when that happens; does nothing in a
 * process someone started by hand (its stdin is theirs).
 */
export function exitWithParent(onGone: () => void, env: NodeJS.ProcessEnv = process.env): void {
  if (env[PARENT_PIPE_ENV] !== '1') return;
  let called = false;
  const gone = (): void => {
    if (called) return;
    called = true;
    setTimeout(() => process.exit(0), ORPHAN_GRACE_MS).unref();
    onGone();
  };
  const stdin = process.stdin;
  stdin.on('end', gone);
  stdin.on('close', gone);
  stdin.on('error', gone);
  // Nothing is ever written: reading only lets the end be seen, and it never keeps the
  // process alive on its own.
  stdin.on('data', () => {});
  stdin.resume();
  (stdin as { unref?: () => void }).unref?.();
}
