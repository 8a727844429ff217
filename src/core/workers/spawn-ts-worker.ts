import { Worker } from 'node:worker_threads';
import { ownModule, PACKAGE_ROOT } from '../own-files.ts';

/** The launcher's loader registration (tsx for adapters, esbuild for shakedown's own files). */
const REGISTER = new URL('bin/register-ts.mjs', PACKAGE_ROOT);

/**
 * Starts a worker thread on a TypeScript module. The sources run without a build step, and
 * loader hooks registered on the main thread do not reach a worker on Node 20, so the worker
 * registers them itself before importing its entry. Compiled (the installed package), an entry
 * of shakedown's own is its `.js` file, and the registration only adds tsx for users' adapters.
 */
export function spawnTsWorker(entry: URL, workerData: unknown): Worker {
  const bootstrap = `import(${JSON.stringify(REGISTER.href)}).then(() => import(${JSON.stringify(ownModule(entry).href)}))`;
  return new Worker(bootstrap, { eval: true, workerData });
}
