import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `text` to `path` so that a reader sees either the old file or the whole new one,
 * never a partial file: the text goes to `<path>.tmp-<pid>` first, is flushed to disk, and
 * is then renamed over `path` (rename is atomic within a directory). A crash before the rename
 * leaves the old file untouched and a stray temp file behind. Creates missing directories.
 */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(temp, 'w');
    try {
      const bytes = Buffer.from(text, 'utf8');
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      // Without it a power loss right after the rename could leave an empty file under the new name.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
