import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-diff-');

interface SavedDivergence {
  property: string;
  target: string;
  bugs: string[];
  actions: unknown[];
  violations: { invariant: string; message: string; steps: number[] }[];
  evidence: {
    extra: {
      diff?: {
        against: string;
        againstBugs: string[];
        divergence: { where: string; message: string };
        rightEvents: unknown[];
      };
    };
  };
}

/**
 * The short form of the overfill divergence (--against defaults to --target), in a folder of its
 * own: the first test compares it with the long form, and the run test below puts what it saved
 * in a corpus. Run once, by whichever test needs it first (a diff finds and shrinks, which is
 * most of this file's work).
 */
let shortRun: { dir: string; short: CliResult } | undefined;
function shortDiff(): { dir: string; short: CliResult } {
  if (shortRun === undefined) {
    const dir = tempDir();
    const short = shakedown(
      ['diff', '--against-bug', 'overfill', '--seed', '1', '--time-budget', '30s', '--json'],
      { cwd: dir },
    );
    shortRun = { dir, short };
  }
  return shortRun;
}

describe('shakedown diff', () => {
  it('finds the divergence between the clean exchange and an overfill build, shrinks it and saves it (exit 1)', () => {
    const dir = tempDir();
    // Exactly as the help and docs/diff.md write it.
    const args = ['diff', '--target', 'inproc', '--against', 'inproc', '--against-bug', 'overfill'];
    const run = shakedown([...args, '--seed', '1', '--time-budget', '5m'], { cwd: dir });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain('seed 1');
    expect(run.stdout).toMatch(
      /^divergence between inproc and inproc\+overfill \(order-lifecycle, run \d+, shrunk to [1-4] actions\)/,
    );
    // The message says where and what each side did there: the overfilled order is filled on
    // the buggy side only, whichever of its two orders the shrunk run shows it on.
    expect(run.stdout).toMatch(
      /step \d+ \(.* place .*\): inproc answered ok \(.*\), inproc\+overfill answered ok \(.*order\.status "filled".*\)/,
    );
    expect(run.stdout).not.toMatch(/inproc answered ok \([^)]*order\.status "filled"/);
    expect(run.stdout).toContain('<- diverges here');
    // Saved apart from run's regression corpus (replays/): see the test below.
    expect(existsSync(`${dir}/replays`)).toBe(false);
    const files = readdirSync(`${dir}/divergences`);
    expect(files).toHaveLength(1);
    expect(run.stdout).toContain(`saved: divergences/${files[0]}`);
    const saved = JSON.parse(readFileSync(`${dir}/divergences/${files[0]}`, 'utf8')) as SavedDivergence;
    expect(saved).toMatchObject({ property: 'order-lifecycle', target: 'inproc', bugs: [] });
    expect(saved.violations.map((v) => v.invariant)).toEqual(['diff.divergence']);
    expect(run.stdout).toContain(saved.violations[0]?.message);
    expect(saved.evidence.extra.diff).toMatchObject({
      against: 'inproc',
      againstBugs: ['overfill'],
      divergence: { where: 'reply' },
    });
    expect(saved.evidence.extra.diff?.rightEvents.length).toBeGreaterThan(0);
    // A valid replay file: `replay` takes it (the clean side alone breaks no invariant).
    const replay = shakedown(['replay', `divergences/${files[0]}`, '--events-only', '--json'], { cwd: dir });
    expect(replay.status, replay.stderr).toBe(0);
    // --against defaults to --target: the short form finds the same divergence.
    const { short } = shortDiff();
    expect(short.status, short.stderr).toBe(1);
    expect((JSON.parse(short.stdout) as { divergence: { message: string } }).divergence.message).toBe(
      saved.violations[0]?.message,
    );
  }, 60_000);

  it('reports no divergence between in-process and WebSocket runs of the clean exchange (exit 0)', () => {
    const run = shakedown(
      [
        'diff',
        '--target',
        'inproc',
        '--against',
        'ws',
        '--runs',
        '10',
        '--property',
        'order-lifecycle',
        '--seed',
        '4',
      ],
      { cwd: tempDir() },
    );
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^no divergence: inproc and ws agreed on 10 sequences, \d+ actions in \d+ ms\n$/,
    );
  }, 60_000);

  it('finds a bug built into the WebSocket side as an event divergence', () => {
    const dir = tempDir();
    const run = shakedown(
      [
        'diff',
        '--target',
        'inproc',
        '--against',
        'ws',
        '--against-bug',
        'private_event_leak',
        '--seed',
        '1',
        '--json',
      ],
      { cwd: dir },
    );
    expect(run.status, run.stderr).toBe(1);
    const result = JSON.parse(run.stdout) as {
      divergence: { where: string; client: string; stream: string; message: string };
      replayFile: string;
    };
    expect(result.divergence).toMatchObject({ where: 'event', stream: 'account:bystander' });
    expect(result.divergence.message).toMatch(
      /account:bystander #\d+, from step \d+ .*: inproc sent nothing, ws\+private_event_leak sent fill /,
    );
    expect(readdirSync(`${dir}/divergences`)).toHaveLength(1);
  }, 60_000);

  it('run does not replay a divergence as a regression, even one put in its corpus', () => {
    // The short form's campaign (above), whose divergence it saved in its own folder.
    const { dir, short: diff } = shortDiff();
    expect(diff.status, diff.stderr).toBe(1);
    const [file] = readdirSync(join(dir, 'divergences'));
    // By default run never sees it: its corpus is the files directly in replays/.
    const corpus = join(dir, 'replays');
    mkdirSync(corpus);
    copyFileSync(join(dir, 'divergences', file as string), join(corpus, file as string));
    const run = shakedown(
      ['run', '--property', 'order-lifecycle', '--runs', '1', '--seed', '1', '--no-progress'],
      { cwd: dir },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      `skipping replays/${file}: a divergence saved by shakedown diff, not a regression of one target`,
    );
    expect(run.stdout).not.toContain('regressions:');
  }, 60_000);

  it('a bad flag is a usage error (exit 2)', () => {
    const unknown = shakedown(['diff', '--against-bug', 'no_such_bug']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no_such_bug');
    // A planted venue bug cannot be built into a venue shakedown did not start.
    const misfit = shakedown(['diff', '--against', 'ws://127.0.0.1:1', '--against-bug', 'overfill']);
    expect(misfit.status).toBe(2);
    expect(misfit.stderr).toContain('SHK_USAGE');
    expect(shakedown(['diff', '--runs', '0']).status).toBe(2);
  });
});
