import { EXIT, ShakedownError } from '../core/shakedown-error.ts';

/** A Node file-system error: an errno code and the path it happened on. */
export interface FsError extends Error {
  code: string;
  path: string;
  dest?: string;
  syscall?: string;
}

export function isFsError(error: unknown): error is FsError {
  if (!(error instanceof Error)) return false;
  const e = error as Partial<FsError>;
  return typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code) && typeof e.path === 'string';
}

/** `EACCES: permission denied` from Node's `EACCES: permission denied, open '/x'`. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return isFsError(error) ? message.split(', ')[0] : message.split('\n')[0];
}

/** A file error on a path the user gave becomes SHK_IO naming that path (exit 2), never SHK_INTERNAL. */
export function fsErrorAsShakedownError(error: FsError): ShakedownError {
  const target = error.dest ? `${error.path} -> ${error.dest}` : error.path;
  return new ShakedownError(
    'SHK_IO',
    `${target}: ${describeError(error)}${error.syscall ? ` (${error.syscall})` : ''}`,
    { exitCode: EXIT.usage, context: { path: error.path, errno: error.code } },
  );
}
