import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { ShakedownError } from '../shakedown-error.ts';
import { type ReplayFile, serializeReplayFile, serializeReplayIdentity } from './replay-file.ts';
import { parseReplayFile } from './validate-replay-file.ts';

/**
 * `<property>-<seed>-<hash>.json`, the hash being the first 8 hex digits of the SHA-256 of the
 * file without its clock fields: finding the same failure again gives the same name (and
 * overwrites it), a different failure of the same property and seed gets its own.
 */
export function replayFileName(replay: ReplayFile): string {
  const hash = createHash('sha256').update(serializeReplayIdentity(replay), 'utf8').digest('hex').slice(0, 8);
  return `${safeName(replay.property)}-${replay.seed}-${hash}.json`;
}

/** Writes the replay file into `dir` (created when missing) atomically; returns its path. */
export function writeReplayFile(dir: string, replay: ReplayFile): string {
  const path = join(dir, replayFileName(replay));
  writeFileAtomic(path, serializeReplayFile(replay));
  return path;
}

/** Reads and validates a replay file; SHK_REPLAY_UNREADABLE or SHK_REPLAY_INVALID, exit 2. */
export function readReplayFile(path: string): ReplayFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // Node's message repeats the path after a comma; keep the code and its meaning.
    const reason = (error instanceof Error ? error.message : String(error)).split(',')[0];
    throw new ShakedownError('SHK_REPLAY_UNREADABLE', `${path}: cannot read the replay file (${reason})`, {
      exitCode: 2,
      context: { file: path },
    });
  }
  return parseReplayFile(text, path);
}

/** Property names may hold characters no file system takes ('/', ':'...). */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
