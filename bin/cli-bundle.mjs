// The CLI's own sources bundled into a few ES modules (esbuild, code split at each dynamic
// import), kept in node_modules/.cache/shakedown/cli-<checkout>/ and rebuilt when a source
// changes: the launcher (bin/shakedown.js) starts the commands that only describe (`--version`,
// help, `list`) from it. Through the loader hooks every module costs a round trip to the hooks'
// thread on Node 20 (about 1 ms each, and `list` loads some 230), and the hooks' thread itself
// costs a start; a bundle loads as plain JavaScript, without them.
//
// A bundle is fresh while every file it was built from has the size and modification time it
// had then, or else the same content (the files, stamps and hashes are kept beside it, in
// current.json): an edit, a deleted file or a new import (its importer changed) rebuilds it at
// the next start. A file modified while a build reads it leaves that build unpublished (used
// once, by the start that made it), so a stale bundle is never kept.
//
// The same machinery bundles a worker pool's thread with the trading pack (freshWorkerBundle):
// a worker started from it loads one plain file per chunk instead of some 300 modules through
// the hooks (src/core/workers/worker-bundle.ts).
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The checkout this launcher belongs to. */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** This file: a change to how bundles are built makes the old ones stale. */
const SELF = fileURLToPath(import.meta.url);
/** The compiler options bin/ts-hooks.mjs compiles each file with: the bundle's code is the same. */
const TSCONFIG = { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } };
/**
 * A build replaced this long ago is removed: a start that read current.json before the change
 * has long finished loading it. A build never published (racy: used only by the start that made
 * it) is removed once it is older than UNPUBLISHED_MS.
 */
const RETIRED_MS = 60 * 1000;
const UNPUBLISHED_MS = 5 * 60 * 1000;
/** A file modified this close to a build's start may have been read before the change. */
const RACY_MS = 1000;

/**
 * What each bundle is built from: its entry points (output name to source, from the checkout's
 * root) and the one whose file the bundle is named by. `cli`: the CLI, whose entry keeps the
 * bundle's own `import.meta.url`. `worker`: a pool's worker thread (src/core/workers/
 * campaign-worker.ts) with the trading pack, code split so the pack and the worker share one
 * copy of the core (the other packs load users' modules, which need the hooks).
 */
const KINDS = {
  cli: { entries: { main: 'src/cli/main.ts' }, main: 'main', bundleMeta: 'main' },
  worker: {
    entries: {
      worker: 'src/core/workers/campaign-worker.ts',
      'trading-pack': 'src/domains/trading/trading-pack.ts',
    },
    main: 'worker',
    bundleMeta: undefined,
  },
};

/**
 * Where a checkout's bundle of one kind (KINDS) and its entries are. The folder is named after
 * the checkout too: node_modules may be a link shared by several (a staging copy, a worktree),
 * whose sources differ.
 */
function placesOf(root, kind = 'cli') {
  const { entries, main, bundleMeta } = KINDS[kind];
  const cache = join(
    root,
    `node_modules/.cache/shakedown/${kind}-${createHash('sha1').update(root).digest('hex').slice(0, 12)}`,
  );
  const sources = Object.fromEntries(Object.entries(entries).map(([name, path]) => [name, join(root, path)]));
  return {
    root,
    entries: sources,
    entry: sources[main],
    main,
    bundleMeta: bundleMeta && sources[bundleMeta],
    cache,
    current: join(cache, 'current.json'),
  };
}

/** Size and modification time of a file; undefined when it is gone. */
function stampOf(path) {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats?.isFile() ? [stats.size, stats.mtimeMs] : undefined;
}

/** This file's stamp when it was loaded. */
const SELF_STAMP = stampOf(SELF);

/** A file's content hash (sha1, hex). */
function hashOf(path) {
  return createHash('sha1').update(readFileSync(path)).digest('hex');
}

/**
 * The published bundle's entry, when every file it was built from is unchanged: its size and
 * modification time as recorded, or, when only the time differs (a touch, a checkout of the same
 * text, a formatter that changed nothing), its content hash. Such files are restamped, so the
 * next start does not hash them again.
 */
function freshEntry(places) {
  const current = readCurrent(places);
  if (current?.entry !== places.entry || typeof current.dir !== 'string' || !Array.isArray(current.inputs))
    return undefined;
  let restamped = false;
  for (const input of current.inputs) {
    const [path, size, mtimeMs, hash] = input;
    const stamp = stampOf(path);
    if (stamp === undefined || stamp[0] !== size) return undefined;
    if (stamp[1] === mtimeMs) continue;
    if (hashOf(path) !== hash) return undefined;
    // Restamped only once the time is old enough that a later edit could not share it.
    if (stamp[1] < Date.now() - RACY_MS) {
      input[2] = stamp[1];
      restamped = true;
    }
  }
  const entry = join(places.cache, current.dir, `${places.main}.mjs`);
  if (!existsSync(entry)) return undefined;
  if (restamped) publish(places, current);
  return entry;
}

/**
 * Every own module keeps its own `import.meta.url` (and `filename`, `dirname`): the workers'
 * entries, the packs' references for worker threads and PACKAGE_ROOT are found from it. All but
 * `entry` (the CLI's), whose URL is the bundle's and carries the launcher's `?commands=lazy`.
 */
function ownImportMetaUrl(entry) {
  return {
    name: 'own-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
        if ((entry !== undefined && path === entry) || path.includes('/node_modules/')) return undefined;
        const source = readFileSync(path, 'utf8');
        if (!source.includes('import.meta')) return undefined;
        const { transform } = await import('esbuild');
        const { code } = await transform(source, {
          loader: 'ts',
          format: 'esm',
          target: 'node20',
          sourcefile: path,
          tsconfigRaw: TSCONFIG,
          define: {
            'import.meta.url': JSON.stringify(pathToFileURL(path).href),
            'import.meta.filename': JSON.stringify(path),
            'import.meta.dirname': JSON.stringify(dirname(path)),
          },
        });
        return { contents: code, loader: 'js' };
      });
    },
  };
}

/**
 * rxjs bundled from its ES modules, with tslib, which they import: Node loads rxjs's CommonJS
 * build, some 400 files, all evaluated (about 50 ms of a start), and lexes tslib's CommonJS for
 * its exports (about 10 ms); bundled, only what the CLI's modules use remains. Every other
 * package stays an import of the package.
 */
function packagesOutsideButRxjs(root) {
  return {
    name: 'packages-outside-but-rxjs',
    setup(build) {
      build.onResolve({ filter: /^rxjs$/ }, () => {
        const manifest = createRequire(join(root, 'package.json')).resolve('rxjs/package.json');
        return { path: join(dirname(manifest), 'dist/esm/index.js') };
      });
      build.onResolve({ filter: /^[^./]/ }, ({ path }) =>
        path === 'tslib' ? undefined : { path, external: true },
      );
    },
  };
}

/** Builds a bundle into a directory of its own; publishes it unless a source changed meanwhile. */
async function buildEntry(places) {
  const { build } = await import('esbuild');
  const dir = `build-${process.pid}-${randomBytes(4).toString('hex')}`;
  const outdir = join(places.cache, dir);
  const started = Date.now();
  const result = await build({
    absWorkingDir: places.root,
    entryPoints: places.entries,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'silent',
    tsconfigRaw: TSCONFIG,
    plugins: [packagesOutsideButRxjs(places.root), ownImportMetaUrl(places.bundleMeta)],
  });
  const read = Object.keys(result.metafile.inputs);
  // A package bundled in (rxjs, tslib) is stamped by its manifest: its version changes, not its files.
  const packages = read.map((input) => /^node_modules\/(@[^/]+\/)?[^/]+\//.exec(input)?.[0]);
  const watched = [
    ...read.filter((_, index) => packages[index] === undefined),
    ...new Set(packages.filter((prefix) => prefix !== undefined).map((prefix) => `${prefix}package.json`)),
  ].map((input) => resolve(places.root, input));
  const inputs = [];
  let racy = false;
  for (const path of watched) {
    const stamp = stampOf(path);
    // Modified since the build began (or too close to tell): the bundle may hold its old text.
    if (stamp === undefined || stamp[1] >= started - RACY_MS) racy = true;
    else inputs.push([path, ...stamp, hashOf(path)]);
  }
  // This file as it was when this process loaded it: the code that made the build.
  const self = stampOf(SELF);
  const unchanged = self !== undefined && self[0] === SELF_STAMP?.[0] && self[1] === SELF_STAMP[1];
  if (!unchanged || self[1] >= started - RACY_MS) racy = true;
  else inputs.push([SELF, ...self, hashOf(SELF)]);
  if (!racy) publishBuild(places, dir, inputs);
  removeOldBuilds(places, dir);
  return join(outdir, `${places.main}.mjs`);
}

/** current.json as written, if it can be read. */
function readCurrent(places) {
  try {
    return JSON.parse(readFileSync(places.current, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes current.json aside and renames it in, so a reader sees all of it or the old one. */
function publish(places, current) {
  const temporary = `${places.current}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(current));
  renameSync(temporary, places.current);
}

/** Points current.json at a new build; the one it replaces is retired (removed a while later). */
function publishBuild(places, dir, inputs) {
  const previous = readCurrent(places);
  const retired = Object.fromEntries(
    Object.entries(previous?.retired ?? {}).filter(([name]) => existsSync(join(places.cache, name))),
  );
  if (typeof previous?.dir === 'string' && previous.dir !== dir) retired[previous.dir] = Date.now();
  publish(places, { entry: places.entry, dir, inputs, retired });
}

/** Builds retired a while ago, and builds never published that are old: none is in use. */
function removeOldBuilds(places, keep) {
  const current = readCurrent(places);
  for (const name of readdirSync(places.cache)) {
    if (!name.startsWith('build-') || name === keep || name === current?.dir) continue;
    const path = join(places.cache, name);
    const retiredAt = current?.retired?.[name];
    const stats = statSync(path, { throwIfNoEntry: false });
    const old =
      typeof retiredAt === 'number'
        ? Date.now() - retiredAt > RETIRED_MS
        : stats !== undefined && Date.now() - stats.mtimeMs > UNPUBLISHED_MS;
    if (old) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * The bundled CLI's entry (a file URL), built first when it is missing or stale; undefined where
 * there is nothing to bundle (the installed package runs dist/), or the sources do not build
 * (the hooks then report the error as before), or the cache cannot be written. `root` is the
 * checkout (this launcher's; a test gives another).
 */
export async function bundledCli(root = ROOT) {
  const places = placesOf(root);
  if (!existsSync(places.entry)) return undefined;
  try {
    const entry = freshEntry(places);
    if (entry) return pathToFileURL(entry);
    mkdirSync(places.cache, { recursive: true });
    return pathToFileURL(await buildEntry(places));
  } catch {
    return undefined;
  }
}

/**
 * A pool worker's bundle (KINDS.worker) in a checkout, when one is fresh: the worker's entry and
 * each bundled pack, by the source URL a pack reference names, as file URLs. Undefined when none
 * is fresh (then a build is started, unless `build` is false, for the next pool: this one starts
 * from the sources and is not kept waiting), or there is nothing to bundle (the installed package).
 */
export function freshWorkerBundle(root = ROOT, build = true) {
  const places = placesOf(root, 'worker');
  if (!Object.values(places.entries).every((path) => existsSync(path))) return undefined;
  let entry;
  try {
    entry = freshEntry(places);
  } catch {
    return undefined;
  }
  if (!entry) {
    if (build) buildWorkerBundle(root).catch(() => undefined);
    return undefined;
  }
  const dir = dirname(entry);
  return {
    entry: pathToFileURL(entry).href,
    packs: Object.fromEntries(
      Object.entries(places.entries)
        .filter(([name]) => name !== places.main)
        .map(([name, path]) => [pathToFileURL(path).href, pathToFileURL(join(dir, `${name}.mjs`)).href]),
    ),
  };
}

/** The pool-worker bundle being built by this process, if one is. */
let building;

/** Builds a checkout's pool-worker bundle (at most one build at a time per process). */
export function buildWorkerBundle(root = ROOT) {
  building ??= (async () => {
    const places = placesOf(root, 'worker');
    mkdirSync(places.cache, { recursive: true });
    return pathToFileURL(await buildEntry(places));
  })().finally(() => {
    building = undefined;
  });
  return building;
}
