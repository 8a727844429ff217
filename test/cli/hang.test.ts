import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReplayFile } from '../../src/core/replay/replay-file.ts';
import type { CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import { shakedownAsync as shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-hang-');
const FIXTURE = join(import.meta.dirname, '../fixtures/hanging-target.ts');

/**
 * The run timeout. Each run that hangs costs all of it, and a `spin` hang burns a core for all
 * of it (the campaign's hang, each shrink candidate that still hangs, the replay). A run that
 * does not hang (fewer than three sends of the in-process venue, on virtual time) ends in
 * milliseconds, so 2 s still leaves a loaded machine a wide margin before a sound run would be
 * taken for a hang (the spin test would see it: a shrunk run under three actions).
 */
const RUN_TIMEOUT = '2s';

/** A campaign against the fixture adapter whose third `send` of a run goes wrong (HANG_MODE). */
async function campaign(mode: 'spin' | 'never', extra: string[] = [], shrinkAttempts = 4) {
  const dir = tempDir();
  const result = await shakedown(
    [
      'run',
      '--target',
      FIXTURE,
      '--property',
      'trading-venue',
      '--seed',
      '1',
      '--runs',
      '20',
      '--run-timeout',
      RUN_TIMEOUT,
      // Each candidate that still hangs costs the whole run timeout: a few are enough to
      // show the hang is shrunk (fewer actions, still hanging) and saved. Seed 1's spin hang
      // first shrinks at the fourth (with 1 or 2 attempts, shrinks stays 0).
      '--shrink-attempts',
      String(shrinkAttempts),
      '--summary',
      'summary.json',
      '--out',
      'replays',
      ...extra,
    ],
    { cwd: dir, env: { HANG_MODE: mode }, timeoutMs: 300_000 },
  );
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as CampaignSummary;
  const files = readdirSync(join(dir, 'replays')).filter((f) => f.endsWith('.json'));
  return { ...result, dir, summary, files };
}

/**
 * Processes still running that were started with the fixture on their command line, in `dir`
 * (a process started there, or a child of one, works there: the other test's are elsewhere).
 */
function leftovers(dir: string): string[] {
  const table = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  const real = realpathSync(dir);
  return table.split('\n').filter((line) => line.includes('hanging-target') && workingDir(line) === real);
}

/** The working directory of the process a `ps` line names (null once it is gone). */
function workingDir(line: string): string | null {
  try {
    return readlinkSync(`/proc/${line.trim().split(/\s+/)[0]}/cwd`);
  } catch {
    return null;
  }
}

describe.concurrent('a run that never ends is a hang', () => {
  it('a send stuck in a synchronous loop: hang within the run timeout, shrunk and saved, replayed as a hang (exit 1)', async () => {
    const run = await campaign('spin');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/HANG {2}trading-venue/);
    expect(run.stdout).toMatch(/hang in trading-venue \(run \d+, seed 1\):/);
    expect(run.stdout).toMatch(
      /\[run\.hang\] the run hung \(no end within the run timeout of 2 s\); the last action sent was step \d+: \S+/,
    );
    expect(run.stdout).toMatch(/^failed: 1 new failure;/m);
    expect(run.summary.verdict).toBe('fail');
    expect(run.summary.properties[0]?.verdict).toBe('hang');
    const [failure] = run.summary.failures;
    expect(failure?.verdict).toBe('hang');
    expect(failure?.violations[0]?.invariant).toBe('run.hang');
    expect(failure?.shrinks).toBeGreaterThan(0);
    expect(run.files).toHaveLength(1);
    const file = join('replays', run.files[0] as string);
    expect(failure?.replayFile).toBe(file);
    const replay = JSON.parse(readFileSync(join(run.dir, file), 'utf8')) as ReplayFile;
    expect(replay.verdict).toBe('hang');
    // It hangs on the third send: the shrunk run still has at least three actions.
    expect(replay.actions.length).toBeGreaterThanOrEqual(3);
    expect(run.stderr).not.toMatch(/\n\s+at /);

    const again = await shakedown(['replay', file, '--run-timeout', RUN_TIMEOUT], {
      cwd: run.dir,
      timeoutMs: 120_000,
    });
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/HANG: the run never ended/);
    expect(again.stdout).toMatch(
      /\[run\.hang\] the run hung \(no end within the run timeout of 2 s\); the last action sent was step \d+/,
    );
    // Both commands exited (their worker threads gone with them) and left no process behind.
    expect(leftovers(run.dir)).toEqual([]);
  }, 600_000);

  it('a target that never answers (an Observable that never completes) hangs too, on two workers', async () => {
    // Nothing here is about shrinking (the first test shows a hang shrunk): no shrink attempts,
    // as each candidate that still hangs costs a whole run timeout and a fresh worker. The run
    // that hung is saved as found.
    const run = await campaign('never', ['--workers', '2'], 0);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/HANG {2}trading-venue/);
    expect(run.stdout).toMatch(/\[run\.hang\] the run hung \(.*\); the last action sent was step \d+/);
    expect(run.summary.workers?.count).toBe(2);
    expect(run.summary.failures.map((f) => f.verdict)).toEqual(['hang']);
    expect(run.files).toHaveLength(1);
    const again = await shakedown(['replay', join('replays', run.files[0] as string)], {
      cwd: run.dir,
      timeoutMs: 120_000,
    });
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/HANG: the run never ended/);
  }, 600_000);
});
