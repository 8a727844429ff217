// Module hooks that compile shakedown's own TypeScript with esbuild as it loads. tsx (kept for
// users' adapter modules) always compiles with keepNames, which wraps every closure in a
// name-defining helper; in the campaign's hot path that keeps V8 from ever installing the
// optimized code of the schedulers and links (each attempt aborts on a map change), which
// cost about 40% of the in-process speed. Our sources do not rely on function names.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const ROOT = new URL('../', import.meta.url).href;
const OWN = ['src/', 'properties/', 'invariants/', 'benchmarks/', 'scripts/'].map((dir) => ROOT + dir);
const TSCONFIG = { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } };

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts') || !OWN.some((dir) => url.startsWith(dir))) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, 'utf8');
  const { code } = await transform(source, {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: path,
    tsconfigRaw: TSCONFIG,
  });
  return { format: 'module', source: code, shortCircuit: true };
}
