import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-diff-');

describe('shakedown diff', () => {
  it('finds the divergence between the clean exchange and a bugged one, shrinks it and saves it (exit 1)', () => {
    const dir = tempDir();
    const run = shakedown(
      [
        'diff',
        '--target',
        'inproc',
        '--against',
        'inproc',
        '--against-bug',
        'overfill',
        '--seed',
        '1',
        '--time-budget',
        '30s',
        '--out',
        'out',
      ],
      { cwd: dir },
    );
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain('divergence between inproc and inproc+overfill');
    expect(run.stdout).toMatch(/shrunk to [1-4] actions/);
    const files = readdirSync(`${dir}/out`);
    expect(files).toHaveLength(1);
    const saved = JSON.parse(readFileSync(`${dir}/out/${files[0]}`, 'utf8')) as {
      violations: { invariant: string; message: string }[];
      evidence: { extra: { diff?: { against: string; againstBugs: string[]; rightEvents: unknown[] } } };
    };
    expect(saved.violations.map((v) => v.invariant)).toEqual(['diff.divergence']);
    expect(saved.evidence.extra.diff).toMatchObject({ against: 'inproc', againstBugs: ['overfill'] });
    expect(saved.evidence.extra.diff?.rightEvents.length).toBeGreaterThan(0);
    // A valid replay file: the clean side replays without a violation (the divergence is between two sides).
    const replay = shakedown(['replay', `out/${files[0]}`, '--events-only', '--json'], { cwd: dir });
    expect(replay.status).toBe(0);
  }, 60_000);

  it('reports no divergence between in-process and WebSocket runs of the clean exchange', () => {
    const run = shakedown(
      [
        'diff',
        '--target',
        'inproc',
        '--against',
        'ws',
        '--runs',
        '8',
        '--seed',
        '4',
        '--property',
        'trading-venue',
        '--json',
      ],
      {
        cwd: tempDir(),
      },
    );
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { runs: number; divergence: unknown };
    expect(result.runs).toBe(8);
    expect(result.divergence).toBeNull();
  }, 90_000);

  it('a bad flag is a usage error (exit 2)', () => {
    const run = shakedown(['diff', '--against-bug', 'no_such_bug']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no_such_bug');
  });
});
