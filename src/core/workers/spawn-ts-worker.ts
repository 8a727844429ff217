import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** tsx's ESM register API, as a file URL: the worker registers it before loading TypeScript. */
function tsxRegisterUrl(): string {
  const require = createRequire(import.meta.url);
  // `require` resolves the CommonJS build; its ESM twin sits beside it.
  const path = require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  if (!existsSync(path)) throw new Error(`tsx's ESM API is missing (${path}): reinstall dependencies`);
  return pathToFileURL(path).href;
}

/**
 * Starts a worker thread on a TypeScript module. The sources run without a build step (tsx),
 * and loader hooks registered on the main thread do not reach a worker on Node 20, so the
 * worker registers tsx itself before importing its entry.
 */
export function spawnTsWorker(entry: URL, workerData: unknown): Worker {
  const bootstrap = [
    `import(${JSON.stringify(tsxRegisterUrl())})`,
    '.then((tsx) => { tsx.register(); })',
    `.then(() => import(${JSON.stringify(entry.href)}))`,
  ].join('');
  return new Worker(bootstrap, { eval: true, workerData });
}
