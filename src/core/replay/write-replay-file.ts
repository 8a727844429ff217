import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { ShakedownError } from '../shakedown-error.ts';
import {
  placeReplayFile,
  type ReplayFile,
  serializeReplayFile,
  serializeReplayIdentity,
} from './replay-file.ts';
import { parseReplayFile, type ReplayDomain } from './validate-replay-file.ts';

/**
 * The largest replay file read, 64 MiB: a shrunk failure takes kilobytes, and an unshrunk run
 * of 1000 actions about 4 MiB. A bigger file is refused before a byte of it is parsed.
 */
export const MAX_REPLAY_FILE_BYTES = 64 * 1024 * 1024;

/**
 * `<property>-<seed>-<hash>.json`, the hash being the first 8 hex digits of the SHA-256 of the
 * file without its clock fields: finding the same failure again gives the same name (and
 * overwrites it), a different failure of the same property and seed gets its own.
 */
export function replayFileName(replay: ReplayFile): string {
  const hash = createHash('sha256').update(serializeReplayIdentity(replay), 'utf8').digest('hex').slice(0, 8);
  return `${safeName(replay.property)}-${replay.seed}-${hash}.json`;
}

/**
 * Writes the replay file into `dir` (created when missing) atomically; returns its path. An
 * absolute adapter path is written relative to `dir` (placeReplayFile).
 */
export function writeReplayFile(dir: string, replay: ReplayFile): string {
  const placed = placeReplayFile(replay, dir);
  const path = join(dir, replayFileName(placed));
  writeFileAtomic(path, serializeReplayFile(placed));
  return path;
}

/**
 * Reads and validates a replay file; SHK_REPLAY_UNREADABLE or SHK_REPLAY_INVALID, exit 2. A
 * file over MAX_REPLAY_FILE_BYTES is refused unread. Given the domain (a DomainPack), its
 * actions are checked against the domain's schema and its planted bugs against the known ones.
 */
export function readReplayFile(path: string, domain?: ReplayDomain): ReplayFile {
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_REPLAY_FILE_BYTES) throw tooBig(path, size);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof ShakedownError) throw error;
    // Node's message repeats the path after a comma; keep the code and its meaning.
    const reason = (error instanceof Error ? error.message : String(error)).split(',')[0];
    throw new ShakedownError('SHK_REPLAY_UNREADABLE', `${path}: cannot read the replay file (${reason})`, {
      exitCode: 2,
      context: { file: path },
    });
  }
  // It may have grown since it was measured.
  if (bytes.length > MAX_REPLAY_FILE_BYTES) throw tooBig(path, bytes.length);
  return parseReplayFile(bytes.toString('utf8'), path, domain);
}

function tooBig(path: string, size: number): ShakedownError {
  return new ShakedownError(
    'SHK_REPLAY_INVALID',
    `${path}: ${size} bytes, more than a replay file may hold (${MAX_REPLAY_FILE_BYTES} bytes, 64 MiB)`,
    { exitCode: 2, context: { file: path, field: '', bytes: size, limit: MAX_REPLAY_FILE_BYTES } },
  );
}

/** Property names may hold characters no file system takes ('/', ':'...). */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
