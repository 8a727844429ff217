import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/core/io/atomic-write.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shakedown-atomic-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes the text and leaves no temp file', () => {
    const path = join(dir, 'a', 'b', 'report.json');
    writeFileAtomic(path, 'first');
    writeFileAtomic(path, 'second ✓');
    expect(readFileSync(path, 'utf8')).toBe('second ✓');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['report.json']);
  });

  it('keeps the old file whole when a crash comes between the write and the rename', () => {
    const path = join(dir, 'report.json');
    writeFileAtomic(path, 'old');
    // What a crash after writing the temp file and before renaming it leaves behind.
    const temp = `${path}.tmp-${process.pid}`;
    writeFileSync(temp, 'new but never renamed');
    expect(readFileSync(path, 'utf8')).toBe('old');
    // The next write goes through the same temp name and replaces the leftover.
    writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(existsSync(temp)).toBe(false);
  });

  it('removes its temp file when the rename fails', () => {
    const path = join(dir, 'taken');
    writeFileAtomic(join(path, 'inner.txt'), 'x');
    // `path` is a non-empty directory, so renaming a file over it fails.
    expect(() => writeFileAtomic(path, 'text')).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});
