// Module hooks for the launcher (bin/register-ts.mjs): they compile shakedown's own TypeScript
// with esbuild as it loads (in a checkout), and hand users' TypeScript modules to tsx, which is
// loaded the first time one is met rather than at every start (tsx's hooks cost a start about a
// tenth of a second, and `--version` or `list` never load a user's module).
// Our own files skip tsx: tsx always compiles with keepNames, which wraps every closure in a
// name-defining helper; in the campaign's hot path that keeps V8 from ever installing the
// optimized code of the schedulers and links (each attempt aborts on a map change), which
// cost about half of the in-process speed. Our sources do not rely on function names.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../', import.meta.url).href;
// Only a checkout has the TypeScript sources; the installed package runs compiled JavaScript.
const OWN = existsSync(new URL('src/cli/main.ts', ROOT))
  ? ['src/', 'properties/', 'invariants/', 'benchmarks/', 'scripts/'].map((dir) => ROOT + dir)
  : [];
const TSCONFIG = { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } };
const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/;
// Compiled files are kept by content hash, so a CLI start (and every test that spawns one)
// skips esbuild for files it has seen; a changed source hashes differently. esbuild itself is
// imported on the first miss only: its version (for the cache's name) is read from its manifest.
const ESBUILD_VERSION = createRequire(import.meta.url)('esbuild/package.json').version;
const CACHE = join(tmpdir(), `shakedown-ts-cache-${ESBUILD_VERSION}`);

/** tsx's hooks, once a user's TypeScript module has been met (undefined until then). */
let tsx;
/** tsx's hooks while they load: tsx's own modules resolve through these hooks too, without it. */
let loadingTsx;

/** Loads and initializes tsx's hooks (once), as `register()` from `tsx/esm/api` would. */
async function tsxHooks() {
  loadingTsx ??= import('tsx/esm').then(async (hooks) => {
    await hooks.initialize({});
    tsx = hooks;
    return hooks;
  });
  return loadingTsx;
}

function isOwn(url) {
  return OWN.some((dir) => url.startsWith(dir));
}

/** A TypeScript file of the user's (not one of shakedown's own sources). */
function isUsersTypeScript(url) {
  return (
    typeof url === 'string' &&
    url.startsWith('file:') &&
    TYPESCRIPT.test(new URL(url).pathname) &&
    !isOwn(url)
  );
}

export async function resolve(specifier, context, nextResolve) {
  if (tsx) return tsx.resolve(specifier, context, nextResolve);
  if (isUsersTypeScript(context.parentURL))
    return (await tsxHooks()).resolve(specifier, context, nextResolve);
  let resolved;
  try {
    resolved = await nextResolve(specifier, context);
  } catch (error) {
    // An extensionless or `.js`-for-`.ts` specifier resolves only through tsx.
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' && error?.code !== 'ERR_UNSUPPORTED_DIR_IMPORT') throw error;
    return (await tsxHooks()).resolve(specifier, context, nextResolve);
  }
  if (isUsersTypeScript(resolved.url)) return (await tsxHooks()).resolve(specifier, context, nextResolve);
  return resolved;
}

export async function load(url, context, nextLoad) {
  if (isOwn(url) && new URL(url).pathname.endsWith('.ts')) return loadOwn(url);
  if (tsx) return tsx.load(url, context, nextLoad);
  if (isUsersTypeScript(url)) return (await tsxHooks()).load(url, context, nextLoad);
  return nextLoad(url, context);
}

async function loadOwn(url) {
  const path = fileURLToPath(url);
  const source = readFileSync(path, 'utf8');
  const key = join(CACHE, `${createHash('sha1').update(path).update('\0').update(source).digest('hex')}.js`);
  try {
    return { format: 'module', source: readFileSync(key, 'utf8'), shortCircuit: true };
  } catch {
    // Not compiled yet.
  }
  const { transform } = await import('esbuild');
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
