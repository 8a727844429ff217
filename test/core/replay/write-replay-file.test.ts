import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeReplayFile } from '../../../src/core/replay/replay-file.ts';
import {
  MAX_REPLAY_FILE_BYTES,
  readReplayFile,
  replayFileName,
  writeReplayFile,
} from '../../../src/core/replay/write-replay-file.ts';
import { isShakedownError } from '../../../src/core/shakedown-error.ts';
import { sampleReplay } from './replay-fixture.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shakedown-replay-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('writeReplayFile / readReplayFile', () => {
  it('round-trips a replay file, creating the directory', () => {
    const path = writeReplayFile(join(dir, 'replays', 'nested'), sampleReplay());
    expect(readReplayFile(path)).toEqual(sampleReplay());
    expect(readdirSync(join(dir, 'replays', 'nested'))).toEqual([path.split('/').pop()]);
  });

  it('names the file <property>-<seed>-<8 hex>.json', () => {
    expect(replayFileName(sampleReplay())).toMatch(/^orders\.no-overfill-42-[0-9a-f]{8}\.json$/);
    const odd = sampleReplay((r) => {
      r.property = 'a/b:c d';
      r.seed = -3;
    });
    expect(replayFileName(odd)).toMatch(/^a_b_c_d--3-[0-9a-f]{8}\.json$/);
  });

  it('gives the same failure the same name whatever the clock says', () => {
    const later = sampleReplay((r) => {
      r.createdAt = '2030-01-01T00:00:00.000Z';
      r.durationMs = 99;
    });
    expect(replayFileName(later)).toBe(replayFileName(sampleReplay()));
    expect(writeReplayFile(dir, later)).toBe(writeReplayFile(dir, sampleReplay()));
    const other = sampleReplay((r) => {
      r.path = '7:1:1';
    });
    expect(replayFileName(other)).not.toBe(replayFileName(sampleReplay()));
  });

  it('writes the same bytes apart from the clock fields, whatever key order the object was built in', () => {
    const base = sampleReplay();
    const shuffled = Object.fromEntries(Object.entries(base).reverse()) as typeof base;
    shuffled.events = base.events.map((e) => Object.fromEntries(Object.entries(e).reverse()) as typeof e);
    expect(serializeReplayFile(shuffled)).toBe(serializeReplayFile(base));
    const text = readFileSync(writeReplayFile(dir, base), 'utf8');
    const keys = Object.keys(JSON.parse(text));
    expect(keys[0]).toBe('format');
    expect(keys.slice(-2)).toEqual(['createdAt', 'durationMs']);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('refuses an unreadable file with exit 2', () => {
    try {
      readReplayFile(join(dir, 'missing.json'));
      expect.unreachable();
    } catch (error) {
      if (!isShakedownError(error)) throw error;
      expect(error.code).toBe('SHK_REPLAY_UNREADABLE');
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(
        `${join(dir, 'missing.json')}: cannot read the replay file (ENOENT: no such file or directory)`,
      );
    }
  });

  it('refuses a file over the size cap before parsing it, and reads one just under it', () => {
    const path = join(dir, 'huge.json');
    writeFileSync(path, serializeReplayFile(sampleReplay()));
    // Sparse: the bytes past the JSON are zeros, so a parse would say "not JSON".
    truncateSync(path, MAX_REPLAY_FILE_BYTES + 1);
    try {
      readReplayFile(path);
      expect.unreachable();
    } catch (error) {
      if (!isShakedownError(error)) throw error;
      expect(error.code).toBe('SHK_REPLAY_INVALID');
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(
        `${path}: ${MAX_REPLAY_FILE_BYTES + 1} bytes, more than a replay file may hold (${MAX_REPLAY_FILE_BYTES} bytes, 64 MiB)`,
      );
    }
    expect(MAX_REPLAY_FILE_BYTES).toBe(64 * 1024 * 1024);
    truncateSync(path, MAX_REPLAY_FILE_BYTES);
    expect(() => readReplayFile(path)).toThrow(/not JSON/);
  });

  it('refuses a file that is not a valid replay, naming it', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"format":"shakedown-replay","version":3}');
    expect(() => readReplayFile(path)).toThrow(
      `${path}: unsupported version 3; this shakedown reads versions 1 and 2`,
    );
  });
});
