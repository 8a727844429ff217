// Module hooks that compile shakedown's own TypeScript with esbuild as it loads. tsx (kept for
// users' adapter modules) always compiles with keepNames, which wraps every closure in a
// name-defining helper; in the campaign's hot path that keeps V8 from ever installing the
// optimized code of the schedulers and links (each attempt aborts on a map change), which
// cost about half of the in-process speed. Our sources do not rely on function names.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform, version } from 'esbuild';

const ROOT = new URL('../', import.meta.url).href;
const OWN = ['src/', 'properties/', 'invariants/', 'benchmarks/', 'scripts/'].map((dir) => ROOT + dir);
const TSCONFIG = { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } };
// Compiled files are kept by content hash, so a CLI start (and every test that spawns one)
// skips esbuild for files it has seen; a changed source hashes differently.
const CACHE = join(tmpdir(), `shakedown-ts-cache-${version}`);

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts') || !OWN.some((dir) => url.startsWith(dir))) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, 'utf8');
  const key = join(CACHE, `${createHash('sha1').update(path).update('\0').update(source).digest('hex')}.js`);
  try {
    return { format: 'module', source: readFileSync(key, 'utf8'), shortCircuit: true };
  } catch {
    // Not compiled yet.
  }
  const { code } = await transform(source, {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: path,
    tsconfigRaw: TSCONFIG,
  });
  try {
    mkdirSync(CACHE, { recursive: true });
    const temporary = `${key}.${process.pid}.tmp`;
    writeFileSync(temporary, code);
    renameSync(temporary, key);
  } catch {
    // A cache that cannot be written only costs the next start its compile.
  }
  return { format: 'module', source: code, shortCircuit: true };
}
