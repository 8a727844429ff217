import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { TargetSpec } from '../model/domain-pack.ts';
import { PACKAGE_ROOT } from '../own-files.ts';
import type { WorkerInit } from './worker-protocol.ts';

/** The launcher's bundler (a checkout's only: the installed package runs compiled files). */
const BUNDLER = new URL('bin/cli-bundle.mjs', PACKAGE_ROOT);
/** The worker entry the bundle is built from: a checkout has it, the installed package does not. */
const SOURCE_ENTRY = new URL('src/core/workers/campaign-worker.ts', PACKAGE_ROOT);

/**
 * A pool worker bundled (bin/cli-bundle.mjs, `worker`): its entry, and the packs bundled with it
 * by the source module a PackReference names. One file per chunk, plain JavaScript: a worker
 * started from it loads no loader hooks and transforms no module, which on Node 20 costs a worker
 * started from the sources about 0.3 s of CPU (a round trip to the hooks' thread per module).
 */
export interface WorkerBundle {
  entry: string;
  packs: Readonly<Record<string, string>>;
}

interface Bundler {
  freshWorkerBundle(root?: string, build?: boolean): WorkerBundle | undefined;
}

/**
 * The worker bundle when it can serve `pack` on `spec`: a checkout, a fresh bundle holding that
 * pack, an in-process target (a worker on another target may load a user's TypeScript module,
 * which needs the hooks), and neither SHAKEDOWN_WORKER_BUNDLE nor SHAKEDOWN_CLI_BUNDLE set to 0.
 * When the bundle is stale, a build starts (for the next pool) and this one gets undefined: its
 * workers start from the sources, as before. The bundle runs the same sources, so a run's
 * judgement does not depend on which one a worker started from.
 */
export async function workerBundleFor(pack: string, spec: TargetSpec): Promise<WorkerBundle | undefined> {
  if (spec.kind !== 'inproc') return undefined;
  if (process.env.SHAKEDOWN_WORKER_BUNDLE === '0' || process.env.SHAKEDOWN_CLI_BUNDLE === '0')
    return undefined;
  if (!existsSync(BUNDLER) || !existsSync(SOURCE_ENTRY)) return undefined;
  try {
    const bundler = (await import(BUNDLER.href)) as Bundler;
    const bundle = bundler.freshWorkerBundle();
    return bundle?.packs[pack] === undefined ? undefined : bundle;
  } catch {
    return undefined;
  }
}

/**
 * Whether a bundle's files are still on disk: a build replaced by a newer one is removed a minute
 * later (bin/cli-bundle.mjs), so a worker started late in a long campaign (a replacement after a
 * crash or a hang) starts from the sources when its bundle is gone.
 */
export function bundleStillThere(bundle: WorkerBundle): boolean {
  return (
    existsSync(new URL(bundle.entry)) &&
    Object.values(bundle.packs).every((pack) => existsSync(new URL(pack)))
  );
}

/** A worker's init with its pack read from the bundle, when the bundle holds it. */
export function bundledInit(bundle: WorkerBundle, init: WorkerInit): WorkerInit {
  const module = bundle.packs[init.pack.module];
  return module === undefined ? init : { ...init, pack: { ...init.pack, module } };
}

/** Starts a pool worker from the bundle: the same worker as spawnTsWorker's, its pack the bundled one. */
export function spawnBundledWorker(bundle: WorkerBundle, init: WorkerInit): Worker {
  return new Worker(new URL(bundle.entry), { workerData: bundledInit(bundle, init) });
}
