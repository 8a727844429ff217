import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import { type SubjectFactory, type SubjectModule, subjectFactoryOf } from './subject.ts';

/** A subject module once loaded: its factory and the planted bugs it declares. */
export interface LoadedSubject {
  factory: SubjectFactory;
  plantedBugs: readonly string[];
  /** Its absolute path, for reports. */
  path: string;
}

/**
 * Loads an in-process subject module (`--subject ./bot.ts`): its `createSubject` export, or its
 * default export. A path that is no file, a module that fails to load or that exports no
 * factory is a usage error saying which.
 */
export async function loadSubjectModule(path: string): Promise<LoadedSubject> {
  const absolute = resolve(process.cwd(), path);
  let isFile = false;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    // Said below.
  }
  if (!isFile) throw usage(`no subject module at ${absolute}`, { path: absolute });
  let module: SubjectModule;
  try {
    module = (await import(pathToFileURL(absolute).href)) as SubjectModule;
  } catch (error) {
    throw usage(
      `the subject module ${path} failed to load: ${error instanceof Error ? error.message : String(error)}`,
      {
        path: absolute,
      },
    );
  }
  const factory = subjectFactoryOf(module);
  if (factory === undefined)
    throw usage(`${path} exports no subject factory: export createSubject(context) (or a default export)`, {
      path: absolute,
      exports: Object.keys(module),
    });
  const plantedBugs = Array.isArray(module.plantedBugs)
    ? module.plantedBugs.filter((b) => typeof b === 'string')
    : [];
  return { factory, plantedBugs, path: absolute };
}

function usage(message: string, context: Record<string, unknown>): ShakedownError {
  return new ShakedownError('SHK_USAGE', `--subject: ${message}`, { exitCode: EXIT.usage, context });
}
