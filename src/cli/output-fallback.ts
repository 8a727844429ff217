import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import type { ReplayFile } from '../core/replay/replay-file.ts';
import { writeReplayFile } from '../core/replay/write-replay-file.ts';
import type { CampaignOutput } from './campaign-outputs.ts';
import { describeError } from './fs-errors.ts';

/**
 * What to do when a result cannot be written where it was asked, at the end of a campaign
 * (the paths were checked before it started, but a disk fills up, a folder is replaced...):
 * the result is never lost. It is written to a fresh temp folder instead, and one line on
 * stderr says what failed and where the result went. The caller still prints the summary.
 */
export interface Fallback {
  /** One line for the user (stderr). */
  warn: (line: string) => void;
  /** Where the temp folder is made (default: the OS temp folder). */
  tempRoot?: string;
  /** Writes a replay file into a folder, returns its path (default: writeReplayFile). */
  writeReplay?: (dir: string, replay: ReplayFile) => string;
}

/** A fallback with its temp folder, made on first use and shared by everything that falls back. */
export interface FallbackWriter {
  /**
   * Saves a replay into `dir`, or into the temp folder if that fails (`fellBack`, the path then
   * absolute); undefined if both fail.
   */
  saveReplay(flag: string, dir: string, replay: ReplayFile): { path: string; fellBack: boolean } | undefined;
  /** Writes each output; one that fails goes to the temp folder. Returns the files written. */
  writeOutputs(outputs: readonly CampaignOutput[]): { written: string[]; failed: number };
  /** True once anything could not be written where it was asked. */
  readonly fellBack: boolean;
}

/**
 * How a saved replay's path is shown: relative to the working folder, or as written when it fell
 * back to a temp folder (an absolute path there says where to look).
 */
export function shownPath(saved: { path: string; fellBack: boolean }): string {
  return saved.fellBack ? saved.path : relative(process.cwd(), saved.path);
}

export function createFallbackWriter(fallback: Fallback): FallbackWriter {
  const writeReplay = fallback.writeReplay ?? writeReplayFile;
  let folder: string | undefined;
  let fellBack = false;
  const tempFolder = (): string => {
    folder ??= mkdtempSync(join(fallback.tempRoot ?? tmpdir(), 'shakedown-fallback-'));
    return folder;
  };
  const failed = (flag: string, path: string, error: unknown, instead: string | undefined): void => {
    fellBack = true;
    fallback.warn(
      `shakedown: SHK_IO: ${flag} ${path}: cannot write it (${describeError(error)}); ${
        instead === undefined ? 'nor in a temp folder: it is not saved' : `written to ${instead} instead`
      }`,
    );
  };
  return {
    get fellBack() {
      return fellBack;
    },
    saveReplay(flag, dir, replay) {
      try {
        return { path: writeReplay(dir, replay), fellBack: false };
      } catch (error) {
        let instead: string | undefined;
        try {
          instead = writeReplay(tempFolder(), replay);
        } catch {
          instead = undefined;
        }
        failed(flag, dir, error, instead);
        return instead === undefined ? undefined : { path: instead, fellBack: true };
      }
    },
    writeOutputs(outputs) {
      const written: string[] = [];
      let failures = 0;
      for (const output of outputs) {
        try {
          written.push(...output.write(output.path));
        } catch (error) {
          failures++;
          let instead: string | undefined;
          try {
            const path = join(tempFolder(), basename(output.path) || output.flag.slice(2));
            written.push(...output.write(path));
            instead = path;
          } catch {
            instead = undefined;
          }
          failed(output.flag, output.path, error, instead);
        }
      }
      return { written, failed: failures };
    },
  };
}
