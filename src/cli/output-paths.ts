import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EXIT, ShakedownError } from '../core/shakedown-error.ts';

/** A path the command will write to, named by the flag that gave it. */
export interface OutputPath {
  flag: string;
  path: string;
  /**
   * `dir`: a folder files are written into (--out, --report); `file`: one file written
   * atomically, a temp file renamed over it (--junit, --summary); `stream`: one file opened
   * and written in place, which may be a pipe or a device (--record).
   */
  kind: 'dir' | 'file' | 'stream';
}

function ioError(flag: string, path: string, message: string): ShakedownError {
  return new ShakedownError('SHK_IO', `${flag} ${path}: ${message}`, {
    exitCode: EXIT.usage,
    context: { flag, path },
  });
}

type Found = 'missing' | 'dir' | 'file' | 'special';

function inspect(path: string): Found {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? 'dir' : stats.isFile() ? 'file' : 'special';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a component of the path is a file; found by walking up to it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw error;
  }
}

/** A folder takes new entries when it is writable and searchable; a file when writable. */
function writable(path: string, folder: boolean): boolean {
  try {
    accessSync(path, folder ? constants.W_OK | constants.X_OK : constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The folder a write into `dir` needs: `dir` itself when it exists, otherwise the nearest
 * existing ancestor (the write creates what is missing below it, as mkdir -p). Throws when
 * that folder is a file or is not writable. Nothing is created or touched here.
 */
function checkFolder(flag: string, shown: string, dir: string): void {
  let current = resolve(dir);
  for (;;) {
    const found = inspect(current);
    if (found === 'file' || found === 'special')
      throw ioError(
        flag,
        shown,
        current === resolve(shown) ? 'is a file, not a folder' : `${current} is a file, not a folder`,
      );
    if (found === 'dir') {
      if (!writable(current, true))
        throw ioError(flag, shown, `cannot write in ${current} (no permission or a read-only file system)`);
      return;
    }
    const parent = dirname(current);
    if (parent === current) throw ioError(flag, shown, 'no existing folder to create it in');
    current = parent;
  }
}

/**
 * Checks, before a campaign starts, that every output can be written where it was asked:
 * a folder where a folder should be, a file path that is not a folder, a writable location.
 * A missing parent is fine (it is created when the file is written). Fails with SHK_IO
 * naming the flag and the path (exit 2), so a long campaign never ends unable to save.
 */
export function checkOutputPaths(paths: readonly OutputPath[]): void {
  for (const { flag, path, kind } of paths) {
    if (path === '') throw ioError(flag, '""', 'an empty path');
    if (kind === 'dir') {
      checkFolder(flag, path, path);
      continue;
    }
    const absolute = resolve(path);
    const found = inspect(absolute);
    if (found === 'dir') throw ioError(flag, path, 'is a folder, not a file');
    if (kind === 'stream' && found !== 'missing') {
      if (!writable(absolute, false)) throw ioError(flag, path, 'cannot be written (no permission)');
      continue;
    }
    // Replaced by a rename, a device or a pipe would be lost: /dev/null is not a place to write to.
    if (found === 'special') throw ioError(flag, path, 'is not a regular file');
    // A temp file goes beside it and is renamed over it: its folder must take writes.
    checkFolder(flag, path, dirname(absolute));
  }
}
