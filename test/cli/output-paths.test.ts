import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CampaignOutput } from '../../src/cli/campaign-outputs.ts';
import { createFallbackWriter } from '../../src/cli/output-fallback.ts';
import { checkOutputPaths } from '../../src/cli/output-paths.ts';
import type { ReplayFile } from '../../src/core/replay/replay-file.ts';
import { isShakedownError } from '../../src/core/shakedown-error.ts';
import { type CliResult, shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-outputs-');
const cli = (args: string[], cwd?: string) =>
  shakedown(args, { timeoutMs: 120_000, ...(cwd ? { cwd } : {}) });
const QUICK = ['--runs', '1', '--property', 'trading-venue', '--no-progress', '--log-level', 'warn'];

/** Refused up front: exit 2, one SHK_IO line naming the flag and path, and nothing ran. */
function expectRefused(result: CliResult, ...mentions: string[]): void {
  expect(result.status, result.stderr + result.stdout).toBe(2);
  const lines = result.stderr.split('\n').filter((line) => line.length > 0);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^shakedown: SHK_IO: /);
  for (const text of mentions) expect(lines[0]).toContain(text);
  expect(result.stderr).not.toContain('seed');
  expect(result.stdout).toBe('');
}

/** A folder holding a plain file named `file`. */
function withFile(name = 'file'): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, name);
  writeFileSync(file, 'not a folder\n');
  return { dir, file };
}

/**
 * A one-run campaign whose --summary goes under folders that do not exist yet (and whose --out
 * is never made): run once, by whichever test needs it first, for its summary file too.
 */
let quick: { dir: string; summary: string; run: CliResult } | undefined;
function quickCampaign(): { dir: string; summary: string; run: CliResult } {
  if (quick === undefined) {
    const dir = tempDir();
    const summary = join(dir, 'a', 'b', 'summary.json');
    const run = cli([
      'run',
      '--seed',
      '1',
      '--summary',
      summary,
      '--out',
      join(dir, 'x', 'replays'),
      ...QUICK,
    ]);
    quick = { dir, summary, run };
  }
  return quick;
}

describe('output paths are checked before the campaign starts', () => {
  it('a file where the --out or --report folder should be: SHK_IO, exit 2, the file untouched', () => {
    const { file } = withFile();
    expectRefused(cli(['run', '--out', file, ...QUICK]), `--out ${file}: is a file, not a folder`);
    expectRefused(cli(['run', '--report', file, ...QUICK]), `--report ${file}: is a file, not a folder`);
    expect(readFileSync(file, 'utf8')).toBe('not a folder\n');
  });

  it('--junit, --summary or --record under a path whose parent is a file: SHK_IO naming that file', () => {
    const { file } = withFile();
    for (const flag of ['--junit', '--summary', '--record'])
      expectRefused(
        cli(['run', flag, join(file, 'sub', 'out.xml'), ...QUICK]),
        `${flag} ${join(file, 'sub', 'out.xml')}: ${file} is a file, not a folder`,
      );
    expect(readFileSync(file, 'utf8')).toBe('not a folder\n');
  });

  it('a folder where the --summary file should be, or a device: SHK_IO', () => {
    const dir = tempDir();
    expectRefused(cli(['run', '--summary', dir, ...QUICK]), `--summary ${dir}: is a folder, not a file`);
    expectRefused(cli(['run', '--junit', '/dev/null', ...QUICK]), '--junit /dev/null: is not a regular file');
  });

  it('soak and diff check --out the same way', () => {
    const { file } = withFile();
    expectRefused(cli(['soak', '--duration', '1s', '--out', file]), `--out ${file}: is a file, not a folder`);
    expectRefused(
      cli(['diff', '--runs', '1', '--out', file, '--log-level', 'warn']),
      `--out ${file}: is a file, not a folder`,
    );
  });

  it('a missing parent is created when the file is written', () => {
    const { dir, summary, run } = quickCampaign();
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(summary, 'utf8'))).toMatchObject({ seed: 1 });
    // Nothing failed, so nothing was saved, and --out was not made for nothing.
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it.skipIf(process.getuid?.() === 0)('a folder without write permission: SHK_IO (skipped as root)', () => {
    const dir = tempDir();
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    try {
      expectRefused(cli(['run', '--out', join(locked, 'replays'), ...QUICK]), `cannot write in ${locked}`);
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it('a file error that reaches the top (merge writing under a file) is SHK_IO naming the path, not SHK_INTERNAL', () => {
    // Any summary will do: the one the campaign above wrote.
    const { summary, run } = quickCampaign();
    expect(run.status, run.stderr).toBe(0);
    const { file } = withFile();
    const merge = cli(['merge', summary, '--summary', join(file, 'merged.json')]);
    expect(merge.status, merge.stderr).toBe(2);
    // mkdir -p on a file: Node says EEXIST (mkdir) on that path.
    expect(merge.stderr).toMatch(new RegExp(`^shakedown: SHK_IO: ${file}: E[A-Z]+: .+ \\(mkdir\\)$`, 'm'));
    expect(merge.stderr).not.toContain('SHK_INTERNAL');
  });
});

describe('when writing still fails at the end', () => {
  it('the failure and the summary are printed anyway, and the replay is saved to a printed temp path', () => {
    const args = ['run', '--bug', 'overfill', '--seed', '1', '--property', 'trading-venue', '--runs', '20'];
    const quiet = ['--no-progress', '--log-level', 'warn', '--no-replays'];
    // First a clean run, to learn the replay file's name (the same seed gives the same name).
    const first = tempDir();
    const found = cli([...args, ...quiet, '--out', first]);
    expect(found.status, found.stderr).toBe(1);
    const [name] = readdirSync(first);
    expect(name).toMatch(/^trading-venue-1-.*\.json$/);

    // Then the same campaign, with a folder in the way of that file and of the report's index:
    // both pass the up-front checks (the folders exist and are writable) and fail at the end.
    const out = tempDir();
    mkdirSync(join(out, name, 'blocker'), { recursive: true });
    const report = tempDir();
    mkdirSync(join(report, 'index.md', 'blocker'), { recursive: true });
    const run = cli([...args, ...quiet, '--out', out, '--report', report]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain('failure in trading-venue');
    expect(run.stdout).toContain('[orders.quantities]');
    expect(run.stdout).toMatch(/^failed: .*\d+ runs/m);
    expect(run.stderr).toContain(`shakedown: SHK_IO: --out ${out}: cannot write it (`);
    expect(run.stderr).toContain(`shakedown: SHK_IO: --report ${report}: cannot write it (`);
    expect(run.stderr).not.toContain('SHK_INTERNAL');
    const saved = /saved: (\S+)/.exec(run.stdout)?.[1] ?? '';
    expect(saved).toContain('shakedown-fallback-');
    expect(saved.endsWith(name)).toBe(true);
    try {
      expect(run.stderr).toContain(`written to ${saved} instead`);
      // The very file the first run saved, but for its clock fields.
      expect(withoutClock(readFileSync(saved, 'utf8'))).toEqual(
        withoutClock(readFileSync(join(first, name), 'utf8')),
      );
      // The report went to the same temp folder, under the name it was asked for.
      const reportInstead = new RegExp(`--report ${report}: .*; written to (\\S+) instead`).exec(
        run.stderr,
      )?.[1];
      expect(reportInstead).toBe(join(dirname(saved), basename(report)));
      expect(statSync(join(reportInstead ?? '', 'index.md')).isFile()).toBe(true);
    } finally {
      rmSync(dirname(saved), { recursive: true, force: true });
    }
  });
});

const withoutClock = (text: string): unknown => {
  const { createdAt: _c, durationMs: _d, ...rest } = JSON.parse(text) as Record<string, unknown>;
  return rest;
};

const REPLAY = { property: 'p', seed: 1 } as unknown as ReplayFile;

describe('the fallback writer', () => {
  it('saves a replay it cannot write in --out into a temp folder and says where', () => {
    const root = tempDir();
    const warnings: string[] = [];
    const fallback = createFallbackWriter({
      warn: (line) => warnings.push(line),
      tempRoot: root,
      writeReplay: (dir, replay) => {
        if (dir === 'replays')
          throw Object.assign(new Error('ENOSPC: no space left on device, open'), {
            code: 'ENOSPC',
            path: 'replays/x.json',
          });
        const path = join(dir, `${replay.property}.json`);
        writeFileSync(path, 'saved');
        return path;
      },
    });
    const stored = fallback.saveReplay('--out', 'replays', REPLAY);
    expect(stored?.fellBack).toBe(true);
    expect(stored?.path.startsWith(join(root, 'shakedown-fallback-'))).toBe(true);
    expect(readFileSync(stored?.path ?? '', 'utf8')).toBe('saved');
    expect(warnings).toEqual([
      `shakedown: SHK_IO: --out replays: cannot write it (ENOSPC: no space left on device); written to ${stored?.path} instead`,
    ]);
    expect(fallback.fellBack).toBe(true);
  });

  it('writes every output it can, and the one that fails into the temp folder', () => {
    const root = tempDir();
    const warnings: string[] = [];
    const fallback = createFallbackWriter({ warn: (line) => warnings.push(line), tempRoot: root });
    const target = tempDir();
    const writeTo = (path: string) => {
      writeFileSync(path, 'x');
      return [path];
    };
    const outputs: CampaignOutput[] = [
      {
        flag: '--summary',
        path: join(target, 'summary.json'),
        write: (path) => {
          if (path.startsWith(target))
            throw Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES', path });
          return writeTo(path);
        },
      },
      { flag: '--junit', path: join(target, 'junit.xml'), write: writeTo },
    ];
    const { written, failed } = fallback.writeOutputs(outputs);
    expect(failed).toBe(1);
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/shakedown-fallback-.*summary\.json$/);
    expect(written[1]).toBe(join(target, 'junit.xml'));
    expect(warnings[0]).toContain(
      `--summary ${join(target, 'summary.json')}: cannot write it (EACCES: permission denied); written to`,
    );
  });

  it('falls back on nothing when the writes succeed: no temp folder, no warning', () => {
    const root = tempDir();
    const warnings: string[] = [];
    const clean = createFallbackWriter({
      warn: (line) => warnings.push(line),
      tempRoot: root,
      writeReplay: (dir) => join(dir, 'r.json'),
    });
    expect(clean.saveReplay('--out', 'replays', REPLAY)).toEqual({
      path: join('replays', 'r.json'),
      fellBack: false,
    });
    expect(clean.writeOutputs([{ flag: '--junit', path: 'j.xml', write: (path) => [path] }])).toEqual({
      written: ['j.xml'],
      failed: 0,
    });
    expect(clean.fellBack).toBe(false);
    expect(warnings).toEqual([]);
    expect(readdirSync(root)).toEqual([]);
  });
});

describe('checkOutputPaths', () => {
  const refusal = (paths: Parameters<typeof checkOutputPaths>[0]): string => {
    try {
      checkOutputPaths(paths);
    } catch (error) {
      if (isShakedownError(error)) return `${error.code} ${error.exitCode} ${error.message}`;
      throw error;
    }
    return 'accepted';
  };

  it('accepts missing folders under a writable one and refuses files in the way', () => {
    const { dir, file } = withFile();
    expect(refusal([{ flag: '--out', path: join(dir, 'a', 'b'), kind: 'dir' }])).toBe('accepted');
    expect(refusal([{ flag: '--junit', path: join(dir, 'a', 'j.xml'), kind: 'file' }])).toBe('accepted');
    expect(refusal([{ flag: '--record', path: '/dev/null', kind: 'stream' }])).toBe('accepted');
    expect(refusal([{ flag: '--out', path: file, kind: 'dir' }])).toBe(
      `SHK_IO 2 --out ${file}: is a file, not a folder`,
    );
    expect(refusal([{ flag: '--junit', path: join(file, 'j.xml'), kind: 'file' }])).toBe(
      `SHK_IO 2 --junit ${join(file, 'j.xml')}: ${file} is a file, not a folder`,
    );
    expect(refusal([{ flag: '--summary', path: dir, kind: 'file' }])).toBe(
      `SHK_IO 2 --summary ${dir}: is a folder, not a file`,
    );
    // Nothing was created by the checks.
    expect(readdirSync(dir)).toEqual(['file']);
  });
});
