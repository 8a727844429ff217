// Records every module URL a process resolves, one a line, in the file LAZY_LOAD_TRACE names:
// `NODE_OPTIONS=--import=<this file's URL>`. Imported on the main thread, it registers itself
// as loader hooks; in the hooks thread its `resolve` appends each resolved URL and hands on.
// Registered before the launcher's TypeScript hooks, it still sees the sources: those hooks
// resolve shakedown's own files through the next hook (bin/ts-hooks.mjs).
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const trace = process.env.LAZY_LOAD_TRACE;

if (isMainThread && trace) register(import.meta.url);

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (trace) appendFileSync(trace, `${resolved.url}\n`);
  return resolved;
}
