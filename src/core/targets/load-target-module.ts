import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TargetFactory } from '../model/target.ts';
import { EXIT, isShakedownError, ShakedownError } from '../shakedown-error.ts';

/** What a user module gives: the core does not know its action, event or snapshot types. */
export type LoadedTargetFactory = TargetFactory<unknown, unknown, unknown, unknown>;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function invalid(path: string, message: string): ShakedownError {
  return new ShakedownError('SHK_ADAPTER_INVALID', `${path}: ${message}`, {
    exitCode: EXIT.usage,
    context: { path },
  });
}

function isFactory(value: unknown): value is LoadedTargetFactory {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.create === 'function' &&
    (candidate.dispose === undefined || typeof candidate.dispose === 'function')
  );
}

/**
 * Loads a user's adapter (`shakedown run --target ./my-target.ts`). The module's default export,
 * or its `target` export, is a TargetFactory, or a function (sync or async) that returns one.
 * TypeScript modules load because the CLI registers tsx before anything else runs.
 */
export async function loadTargetModule(path: string): Promise<LoadedTargetFactory> {
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
    module = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    if (isShakedownError(error)) throw error;
    throw invalid(path, `cannot load the module: ${describe(error)}`);
  }

  const exported = module.default ?? module.target;
  let factory: unknown = exported;
  try {
    // A factory object is used as it is; any other function is a maker of one.
    if (!isFactory(exported) && typeof exported === 'function') factory = await exported();
    else factory = await exported;
  } catch (error) {
    if (isShakedownError(error)) throw error;
    throw invalid(path, `the default export failed to make a TargetFactory: ${describe(error)}`);
  }
  if (!isFactory(factory)) {
    throw invalid(path, 'default export must be a TargetFactory (an object with create())');
  }

  // Calls go through the user's object so that methods relying on `this` keep working.
  const loaded = factory;
  return {
    name: typeof loaded.name === 'string' && loaded.name !== '' ? loaded.name : path,
    create: () => loaded.create(),
    dispose: loaded.dispose === undefined ? undefined : () => loaded.dispose!(),
  };
}
