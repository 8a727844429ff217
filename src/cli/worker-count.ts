import os from 'node:os';
import type { TargetSpec } from '../core/model/domain-pack.ts';
import { EXIT, ShakedownError } from '../core/shakedown-error.ts';
import { parseInteger } from './options/parse-options.ts';

/** The most workers `--workers` accepts: far past any core count, short of a fork bomb. */
export const MAX_WORKERS = 64;

/**
 * How many worker threads explore: `--workers`, else SHAKEDOWN_WORKERS, else the default:
 * one per two cores for the in-process venue, one per core for the others (one at least).
 * Only targets each worker can have to itself run in parallel: the in-process venue, the
 * embedded server, and an adapter module whose factory makes independent instances (each
 * worker builds its own from the module). A venue at a URL, or a module whose factory says it
 * is `shared`, gets one worker unless the user asks for more, which is an error.
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
  const wanted = asked ?? defaultWorkers(kind, cores);
  return Math.max(1, Math.min(wanted, options.plannedRuns));
}

/**
 * Cores one in-process campaign thread keeps busy: its own, and V8's background threads
 * compiling its hot code (each isolate compiles all of it again) and collecting its garbage.
 * Measured on 2 cores (docs/benchmarks.md, issue 18, fifth round): a one-thread campaign's
 * process kept 1.5 to 2.2 cores busy, two processes that split a campaign between them ran it
 * 0.80 to 1.11x as fast as one, and `--workers 2` ran 0.81 to 1.00x as fast as `--workers 1`
 * for every campaign size tried. A run over a socket waits instead, and there a worker per
 * core pays (1.6x on 2 cores).
 */
const CORES_PER_INPROC_WORKER = 2;

/** The worker count when none is asked for: as many as the cores can keep busy. */
export function defaultWorkers(kind: TargetSpec['kind'], cores: number): number {
  const perWorker = kind === 'inproc' ? CORES_PER_INPROC_WORKER : 1;
  return Math.max(1, Math.floor(cores / perWorker));
}

export function parseWorkerCount(flag: string): (value: string) => number {
  return parseInteger(flag, 1, MAX_WORKERS);
}
