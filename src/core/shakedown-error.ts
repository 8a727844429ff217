/**
 * Errors that reach a user carry a stable code (SHK_...), a one-line message naming what is
 * wrong, the exit code the CLI should use, and the context needed to act on them.
 */
export const EXIT = {
  passed: 0,
  failed: 1,
  usage: 2,
  unreachable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class ShakedownError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly context: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    options: { exitCode?: ExitCode; context?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'ShakedownError';
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT.usage;
    this.context = options.context ?? {};
  }
}

export function isShakedownError(error: unknown): error is ShakedownError {
  return error instanceof ShakedownError;
}
