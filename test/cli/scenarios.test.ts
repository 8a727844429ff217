import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-scenarios-');

describe('run --scenario', () => {
  it('list --scenarios shows every scenario with its source document and tags', () => {
    const listed = shakedown(['list', '--scenarios', '--json']);
    expect(listed.status).toBe(0);
    const { scenarios } = JSON.parse(listed.stdout) as {
      scenarios: { name: string; document: string; tags: string[] }[];
    };
    expect(scenarios.length).toBeGreaterThanOrEqual(39);
    expect(scenarios.map((s) => s.name)).toEqual(
      expect.arrayContaining(['order_lifecycle', 'rapid_entry_exit', 'OR-01', 'FI-01']),
    );
    expect(scenarios.every((s) => s.document.includes('.txt') && s.tags.length > 0)).toBe(true);
  });

  // In process, every scenario passing is the shards' test below: its two shards are the
  // campaign of all of them, run once (it was run whole here as well, one child more).
  it('all scenarios pass on the clean exchange over WebSocket', () => {
    const run = shakedown(
      ['run', '--scenario', 'all', '--target', 'ws', '--seed', '1', '--log-level', 'warn'],
      {
        cwd: tempDir(),
      },
    );
    expect(run.status, `ws\n${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('pass  crash_offline_fill_restart');
    expect(run.stdout).toContain('passed: 39 runs');
  }, 120_000);

  it('a scenario fails on the planted bug it is about, naming the invariant; a fuzzed run varies it', () => {
    const dir = tempDir();
    const bugged = shakedown(['run', '--scenario', 'LG-01', '--bug', 'overfill', '--log-level', 'warn'], {
      cwd: dir,
    });
    expect(bugged.status).toBe(1);
    expect(bugged.stdout).toContain('failure in LG-01');
    expect(bugged.stdout).toContain('[orders.quantities]');
    const fuzzed = shakedown(
      [
        'run',
        '--scenario',
        'LG-01',
        '--fuzz',
        '--bug',
        'overfill',
        '--runs',
        '50',
        '--seed',
        '1',
        '--log-level',
        'warn',
      ],
      { cwd: dir },
    );
    expect(fuzzed.status).toBe(1);
    expect(fuzzed.stdout).toContain('failure in scenario:LG-01');
    const saved = /saved: (\S+)/.exec(fuzzed.stdout)?.[1];
    expect(saved).toBeDefined();
    const replay = shakedown(['replay', saved as string, '--json'], { cwd: dir });
    expect(replay.status).toBe(1);
  }, 120_000);

  it('shards deal the scenarios between them: 1/2 and 2/2 run all of them once, and all pass in process', () => {
    const runs = [1, 2].map((i) => {
      const dir = tempDir();
      const summaryFile = join(dir, 'summary.json');
      const run = shakedown(
        [
          'run',
          '--scenario',
          'all',
          '--shard',
          `${i}/2`,
          '--seed',
          '1',
          '--summary',
          summaryFile,
          '--log-level',
          'warn',
        ],
        { cwd: dir },
      );
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as CampaignSummary;
      expect(summary.verdict).toBe('pass');
      expect(summary.properties.every((p) => p.passed)).toBe(true);
      const names = summary.properties.map((p) => p.name);
      // The printed summary says the same: this shard's scenarios, each a passing run.
      expect(run.stdout).toContain(`passed: ${names.length} runs`);
      return { names, stdout: run.stdout };
    });
    const [one = [], two = []] = runs.map((r) => r.names);
    expect(one.filter((name) => two.includes(name))).toEqual([]);
    expect(one.length + two.length).toBe(39);
    expect(runs.some((r) => r.stdout.includes('pass  crash_offline_fill_restart'))).toBe(true);
  }, 120_000);

  it('an unknown scenario, or --fuzz without one, is a usage error', () => {
    const unknown = shakedown(['run', '--scenario', 'no_such_scenario']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no_such_scenario');
    const fuzz = shakedown(['run', '--fuzz']);
    expect(fuzz.status).toBe(2);
    expect(fuzz.stderr).toContain('--fuzz');
  });
});
