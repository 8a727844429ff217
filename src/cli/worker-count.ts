import os from 'node:os';
import type { TargetSpec } from '../core/model/domain-pack.ts';
import { EXIT, ShakedownError } from '../core/shakedown-error.ts';
import { parseInteger } from './options/parse-options.ts';

/** The most workers `--workers` accepts: far past any core count, short of a fork bomb. */
export const MAX_WORKERS = 64;

/**
 * How many worker threads explore: `--workers`, else SHAKEDOWN_WORKERS, else one per core
 * (one on a single core). Only targets each worker can have to itself run in parallel: the
 * in-process venue, the embedded server, and an adapter module whose factory makes
 * independent instances (each worker builds its own from the module). A venue at a URL, or a
 * module whose factory says it is `shared`, gets one worker unless the user asks for more,
 * which is an error.
 */
export function resolveWorkerCount(options: {
  flag: number | undefined;
  env: NodeJS.ProcessEnv;
  spec: TargetSpec;
  /** Runs the campaign will execute at most: more workers than runs would idle. */
  plannedRuns: number;
  cores?: number;
  /** The module's factory declares `shared: true` (known once it is loaded). */
  shared?: boolean;
}): number {
  const fromEnv =
    options.env.SHAKEDOWN_WORKERS === undefined || options.env.SHAKEDOWN_WORKERS === ''
      ? undefined
      : parseWorkerCount('SHAKEDOWN_WORKERS')(options.env.SHAKEDOWN_WORKERS);
  const asked = options.flag ?? fromEnv;
  const kind = options.spec.kind;
  const parallel = kind === 'inproc' || kind === 'embedded-ws' || (kind === 'module' && !options.shared);
  if (!parallel) {
    if (asked !== undefined && asked > 1)
      throw new ShakedownError(
        'SHK_USAGE',
        kind === 'module'
          ? `--workers ${asked}: the adapter's factory says its targets are shared (shared: true), so it runs with one worker`
          : `--workers ${asked}: only --target inproc, ws or an adapter module run in parallel (each worker gets a venue of its own); a ${kind} target is shared, so it runs with one worker`,
        { exitCode: EXIT.usage, context: { target: kind } },
      );
    return 1;
  }
  const cores = options.cores ?? os.availableParallelism();
  const wanted = asked ?? Math.max(1, cores);
  return Math.max(1, Math.min(wanted, options.plannedRuns));
}

export function parseWorkerCount(flag: string): (value: string) => number {
  return parseInteger(flag, 1, MAX_WORKERS);
}
