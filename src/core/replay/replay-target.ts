import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { TargetSpec } from '../model/domain-pack.ts';
import type { ReplayFile } from './replay-file.ts';

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The target a replay file names, as `--target` would take it. An adapter module is the path as
 * it was typed when that exists from the working directory, else the module recorded relative
 * to the file's folder (so a file replays from any directory), as an absolute path.
 */
export function replayTargetOf(replay: ReplayFile, file: string): string {
  const adapter = replay.adapter;
  if (adapter === undefined || adapter === null) return replay.target;
  if (isFile(resolve(process.cwd(), replay.target))) return replay.target;
  return resolve(dirname(file), adapter.path);
}

/** The spec with the adapter options the file recorded, to be passed back to the module. */
export function withRecordedOptions(spec: TargetSpec, replay: ReplayFile): TargetSpec {
  const options = replay.adapter?.options;
  if (spec.kind !== 'module' || options === undefined || options === null) return spec;
  return { ...spec, options };
}
