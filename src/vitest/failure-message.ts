import type { Violation } from '../core/model/invariant.ts';

/** Lines of a list shown in a failure, at most: the replay file holds all of them. */
const SHOWN = 40;

/** A failing campaign or replay, as Vitest reports it: the message is the whole story, no stack. */
export class ShakedownTestFailure extends Error {
  override readonly name = 'ShakedownFailure';
  constructor(message: string) {
    super(message);
    // The frames would point into shakedown's runner: the message says where to look instead.
    this.stack = `${this.name}: ${message}`;
  }
}

/** `[invariant] message (steps 0, 1)`, as `shakedown run` prints a violation. */
export function violationLines(violations: readonly Violation[], indent = '  '): string[] {
  const lines = violations
    .slice(0, SHOWN)
    .map(
      (v) =>
        `${indent}[${v.invariant}] ${v.message}${v.steps.length ? ` (steps ${v.steps.join(', ')})` : ''}`,
    );
  if (violations.length > SHOWN) lines.push(`${indent}... and ${violations.length - SHOWN} more`);
  return lines;
}

/** The shrunk actions, one numbered line each. */
export function actionLines<A>(
  actions: readonly A[],
  describe: (action: A) => string,
  indent = '  ',
): string[] {
  const lines = actions
    .slice(0, SHOWN)
    .map((action, step) => `${indent}${step}: ${describeSafely(action, describe)}`);
  if (actions.length > SHOWN)
    lines.push(`${indent}... and ${actions.length - SHOWN} more (in the replay file)`);
  return lines;
}

/** A shell word: quoted when it holds anything a shell would read. */
export function shellWord(word: string): string {
  return /^[\w./:=@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function describeSafely<A>(action: A, describe: (action: A) => string): string {
  try {
    return describe(action);
  } catch {
    return JSON.stringify(action);
  }
}
