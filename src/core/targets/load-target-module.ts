import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TargetFactory } from '../model/target.ts';
import { EXIT, isShakedownError, ShakedownError } from '../shakedown-error.ts';

/**
 * What a user module gives: the core does not know its action, event or snapshot types. Every
 * member of the user's factory is there (faultKinds and any other), plus `adapterOptions`.
 */
export type LoadedTargetFactory = TargetFactory<unknown, unknown, unknown, unknown> & {
  /**
   * What the module's `options()` export returned (JSON), or the options it was loaded with
   * (a replay passes the recorded ones back); null when it has none. Replay files record it.
   */
  readonly adapterOptions: unknown;
};

export interface LoadTargetModuleOptions {
  /**
   * Options recorded by an earlier run (a replay file's `adapter.options`): given to the
   * module's maker instead of what its `options()` returns now.
   */
  options?: unknown;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function invalid(path: string, message: string): ShakedownError {
  return new ShakedownError('SHK_ADAPTER_INVALID', `${path}: ${message}`, {
    exitCode: EXIT.usage,
    context: { path },
  });
}

function isFactory(value: unknown): value is TargetFactory<unknown> {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.create === 'function' &&
    (candidate.dispose === undefined || typeof candidate.dispose === 'function')
  );
}

/** The module's exports, seen through CommonJS interop (`module.exports = { default, options }`). */
function exportsOf(module: Record<string, unknown>): Record<string, unknown> {
  const inner = module.default;
  if (
    module.target === undefined &&
    typeof inner === 'object' &&
    inner !== null &&
    !isFactory(inner) &&
    ('default' in inner || 'target' in inner)
  )
    return inner as Record<string, unknown>;
  return module;
}

/**
 * Whether Node would load this file as CommonJS: `.cts`, and `.ts` unless the nearest
 * package.json says `"type": "module"` (as Node decides for `.js`).
 */
function loadsAsCommonJs(absolute: string): boolean {
  const extension = extname(absolute);
  if (extension === '.cts') return true;
  if (extension !== '.ts' && extension !== '.tsx') return false;
  for (let dir = dirname(absolute); ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: unknown };
      return manifest.type !== 'module';
    } catch {
      // No package.json here (or not JSON): look further up.
    }
    if (dirname(dir) === dir) return true;
  }
}

/**
 * A TypeScript adapter in a CommonJS folder (or a `.cts` one), compiled to one ES module: its
 * own files bundled in, packages left as imports. tsx would load it as CommonJS, and its
 * `import ... from 'shakedown'` would then require() the ES module that is loading it. The
 * compiled file sits next to the adapter for as long as it takes to import, so packages resolve
 * from the adapter's folder; `require`, `__filename` and `__dirname` keep working in it.
 */
async function importCompiled(absolute: string): Promise<Record<string, unknown>> {
  const { build } = await import('esbuild');
  const shims = [
    "import { createRequire as __shakedownCreateRequire } from 'node:module';",
    'const require = __shakedownCreateRequire(import.meta.url);',
    `const __filename = ${JSON.stringify(absolute)};`,
    `const __dirname = ${JSON.stringify(dirname(absolute))};`,
  ].join('\n');
  const { outputFiles } = await build({
    entryPoints: [absolute],
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    sourcemap: 'inline',
    logLevel: 'silent',
    banner: { js: shims },
  });
  const compiled = join(
    dirname(absolute),
    `.${basename(absolute)}.shakedown-${process.pid}-${randomBytes(4).toString('hex')}.mjs`,
  );
  writeFileSync(compiled, outputFiles[0].contents);
  try {
    return (await import(pathToFileURL(compiled).href)) as Record<string, unknown>;
  } finally {
    rmSync(compiled, { force: true });
  }
}

function jsonOptions(path: string, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  try {
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error(`not a JSON value (${typeof value})`);
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalid(path, `options() must return JSON, to be recorded in replay files: ${describe(error)}`);
  }
}

/**
 * Loads a user's adapter (`shakedown run --target ./my-target.ts`). The module's default export,
 * or its `target` export, is a TargetFactory, or a function (sync or async) that returns one and
 * is given the adapter's options. Those come from the module's `options()` export, if it has one,
 * or from a replay file that recorded them. `.ts`, `.mts`, `.js` and `.mjs` modules load as they
 * are (the CLI registers tsx for TypeScript); `.ts` in a CommonJS folder and `.cts` are compiled
 * to an ES module first.
 */
export async function loadTargetModule(
  path: string,
  loadOptions: LoadTargetModuleOptions = {},
): Promise<LoadedTargetFactory> {
  const absolute = resolve(process.cwd(), path);
  let isFile = false;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    // Missing or unreadable: both mean there is no module to load.
  }
  if (!isFile) {
    throw new ShakedownError('SHK_ADAPTER_NOT_FOUND', `${path}: no such file (looked for ${absolute})`, {
      exitCode: EXIT.usage,
      context: { path, absolute },
    });
  }

  let module: Record<string, unknown>;
  try {
    module = exportsOf(
      loadsAsCommonJs(absolute)
        ? await importCompiled(absolute)
        : ((await import(pathToFileURL(absolute).href)) as Record<string, unknown>),
    );
  } catch (error) {
    if (isShakedownError(error)) throw error;
    throw invalid(path, `cannot load the module: ${describe(error)}`);
  }

  let options: unknown = null;
  if (loadOptions.options !== undefined && loadOptions.options !== null) options = loadOptions.options;
  else if (module.options !== undefined) {
    if (typeof module.options !== 'function') throw invalid(path, 'the options export must be a function');
    let made: unknown;
    try {
      made = await (module.options as () => unknown)();
    } catch (error) {
      if (isShakedownError(error)) throw error;
      throw invalid(path, `options() failed: ${describe(error)}`);
    }
    options = jsonOptions(path, made);
  }

  const exported = module.default ?? module.target;
  let factory: unknown = exported;
  try {
    // A factory object is used as it is; any other function is a maker of one.
    if (!isFactory(exported) && typeof exported === 'function')
      factory = await (options === null ? exported() : exported(options));
    else factory = await exported;
  } catch (error) {
    if (isShakedownError(error)) throw error;
    throw invalid(path, `the default export failed to make a TargetFactory: ${describe(error)}`);
  }
  if (!isFactory(factory)) {
    throw invalid(path, 'default export must be a TargetFactory (an object with create())');
  }

  // Calls go through the user's object, so that methods relying on `this` keep working, and
  // every other member it declares (faultKinds...) is there as it is.
  const loaded = factory as TargetFactory<unknown> & Record<PropertyKey, unknown>;
  const name = typeof loaded.name === 'string' && loaded.name !== '' ? loaded.name : path;
  return new Proxy(loaded, {
    get(target, property) {
      if (property === 'name') return name;
      if (property === 'adapterOptions') return options;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    has(target, property) {
      return property === 'adapterOptions' || Reflect.has(target, property);
    },
  }) as unknown as LoadedTargetFactory;
}
