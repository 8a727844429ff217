import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { StateStore } from '../subject.ts';

/** Temp files of an unfinished write: never listed, never read back. */
const PARTIAL = /\.partial$/;

/**
 * A subject's state directory on disk (`SHAKEDOWN_STATE_DIR`) as the StateStore of the
 * contract: one file per name, each write made durable (written to a temp file, fsynced,
 * renamed) before it returns, so a SIGKILL leaves the old file or the new one, never half of
 * one. An I/O edge: it touches files.
 */
export class DirectoryStateStore implements StateStore {
  constructor(readonly dir: string) {}

  read(name: string): string | undefined {
    try {
      return readFileSync(this.path(name), 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  write(name: string, text: string): void {
    const target = this.path(name);
    const temporary = `${target}.${process.pid}.partial`;
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
  }

  remove(name: string): void {
    rmSync(this.path(name), { force: true });
  }

  list(): string[] {
    return readdirSync(this.dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !PARTIAL.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  }

  private path(name: string): string {
    if (name === '' || name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
      throw new Error(`a state file name must be a plain file name, not ${JSON.stringify(name)}`);
    }
    return join(this.dir, name);
  }
}
