import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it, type TestContext } from 'vitest';
import { bodyContext } from './campaign-tests.ts';
import { type ReplayTestOptions, replayTestTimeout } from './vitest-options.ts';

/**
 * A saved failure as a regression test of its own, named `replay <file>`: it re-executes the
 * file's actions on a fresh target and fails, with the violations, while the failure still
 * reproduces; it passes once it is fixed. The file is read when the test runs, not before.
 * A relative path is from the working directory (where Vitest runs).
 */
export function replayTest(file: string | URL, options: ReplayTestOptions = {}): void {
  const path = typeof file === 'string' ? file : fileURLToPath(file);
  it(
    `replay ${path}`,
    async (context: TestContext) => {
      const { runReplayTest } = await import('./run-replay-test.ts');
      await runReplayTest(path, options, bodyContext(context));
    },
    replayTestTimeout(options),
  );
}

/**
 * `replayTest` for every replay file (`*.json`) in a folder, in name order: the folder is listed
 * now (a missing or empty one gives one skipped test saying so), each file is read by its test.
 */
export function replayTests(dir: string | URL = 'replays', options: ReplayTestOptions = {}): void {
  const folder = typeof dir === 'string' ? dir : fileURLToPath(dir);
  let files: string[] = [];
  try {
    files = readdirSync(resolve(process.cwd(), folder))
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch {
    // No folder: no saved failure yet.
  }
  if (files.length === 0) {
    it.skip(`replay ${folder}: no saved failures`, () => {});
    return;
  }
  for (const name of files) replayTest(join(folder, name), options);
}
