import { Worker } from 'node:worker_threads';

/** The launcher's loader registration (tsx for adapters, esbuild for shakedown's own files). */
const REGISTER = new URL('../../../bin/register-ts.mjs', import.meta.url);

/**
 * Starts a worker thread on a TypeScript module. The sources run without a build step, and
 * loader hooks registered on the main thread do not reach a worker on Node 20, so the worker
 * registers them itself before importing its entry.
 */
export function spawnTsWorker(entry: URL, workerData: unknown): Worker {
  const bootstrap = `import(${JSON.stringify(REGISTER.href)}).then(() => import(${JSON.stringify(entry.href)}))`;
  return new Worker(bootstrap, { eval: true, workerData });
}
