import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import type { CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import { seedFromCommit } from '../../src/core/shard/derive-seed.ts';
import { shakedown, tempDirs } from '../support/cli.ts';

const XSD = readFileSync(join(import.meta.dirname, '../fixtures/junit.xsd'), 'utf8');
const tempDir = tempDirs('shakedown-reports-');

async function expectValidJunit(path: string): Promise<void> {
  const result = await validateXML({
    xml: [{ fileName: 'junit-under-test.xml', contents: readFileSync(path, 'utf8') }],
    schema: [{ fileName: 'junit.xsd', contents: XSD }],
  });
  expect(result.errors, JSON.stringify(result.errors)).toEqual([]);
  expect(result.valid).toBe(true);
}

const readSummary = (path: string): CampaignSummary =>
  JSON.parse(readFileSync(path, 'utf8')) as CampaignSummary;

describe('run --junit --report: the done-when of the reports issue', () => {
  it('a planted bug exits 1 with valid JUnit, a Markdown report with a Mermaid diagram, and the HTML report', async () => {
    const dir = tempDir();
    // Two properties, not the whole catalog: trading-venue fails (overfill breaks
    // orders.quantities in its first run) and self-trade-prevention passes, so the JUnit holds a
    // failing and a passing suite and the reports a failure. Every other property overfill breaks
    // would only add failures of the same kind to shrink and render (about 8 of this test's
    // 10 s of CPU); 20 runs of the passing one are plenty for the coverage and latency read below.
    const run = shakedown(
      [
        'run',
        '--bug',
        'overfill',
        '--property',
        'trading-venue',
        'self-trade-prevention',
        '--runs',
        '20',
        '--seed',
        '1',
        '--time-budget',
        '5m',
        '--junit',
        'out.xml',
        '--report',
        'rep',
        '--summary',
        'summary.json',
        '--log-level',
        'warn',
      ],
      { cwd: dir },
    );
    expect(run.status, run.stderr + run.stdout).toBe(1);
    await expectValidJunit(join(dir, 'out.xml'));
    const junit = readFileSync(join(dir, 'out.xml'), 'utf8');
    expect(junit).toContain('orders.quantities');
    expect(junit).toContain('self-trade-prevention');
    expect(junit).toMatch(/<property name="replay" value="replays\/trading-venue-1-[0-9a-f]{8}\.json"\/>/);

    const files = readdirSync(join(dir, 'rep'));
    expect(files).toContain('index.md');
    expect(files).toContain('report.html');
    const failure = files.find((f) => f.startsWith('failure-') && f.endsWith('.md'));
    expect(failure).toBeDefined();
    const markdown = readFileSync(join(dir, 'rep', failure as string), 'utf8');
    expect(markdown).toContain('```mermaid');
    expect(markdown).toContain('sequenceDiagram');
    expect(markdown).toContain('orders.quantities');
    const html = readFileSync(join(dir, 'rep', 'report.html'), 'utf8');
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);

    const summary = readSummary(join(dir, 'summary.json'));
    expect(summary).toMatchObject({ format: 'shakedown-summary', verdict: 'fail', passed: false, seed: 1 });
    expect(summary.coverage.percent).toBeGreaterThan(0);
    expect(summary.latency.map((l) => l.action)).toContain('place');
    // The human output carries the same latency and coverage.
    const human = shakedown(['coverage', 'summary.json'], { cwd: dir });
    expect(human.status, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/reject reasons: \d+ of \d+/);
  }, 150_000);
});

describe('--shard and merge', () => {
  it('shards 1/2 and 2/2 merge into the runs and verdict of the unsharded campaign', async () => {
    const dir = tempDir();
    const common = ['--seed', '3', '--runs', '12', '--property', 'order-lifecycle', 'margin-and-marks'];
    const quiet = ['--no-replays', '--log-level', 'warn'];
    const whole = shakedown(['run', ...common, '--summary', 'whole.json', ...quiet], { cwd: dir });
    const one = shakedown(
      ['run', ...common, '--shard', '1/2', '--summary', 's1.json', '--junit', 's1.xml', ...quiet],
      {
        cwd: dir,
      },
    );
    const two = shakedown(['run', ...common, '--summary', 's2.json', '--junit', 's2.xml', ...quiet], {
      cwd: dir,
      env: { SHAKEDOWN_SHARD: '2/2' },
    });
    expect([whole.status, one.status, two.status]).toEqual([0, 0, 0]);
    const merge = shakedown(
      [
        'merge',
        's1.json',
        's2.json',
        's1.xml',
        's2.xml',
        '--summary',
        'merged.json',
        '--junit',
        'merged.xml',
      ],
      { cwd: dir },
    );
    expect(merge.status, merge.stderr + merge.stdout).toBe(0);
    const merged = readSummary(join(dir, 'merged.json'));
    const unsharded = readSummary(join(dir, 'whole.json'));
    expect(readSummary(join(dir, 's1.json')).shard).toEqual({ index: 1, count: 2 });
    expect(readSummary(join(dir, 's2.json')).shard).toEqual({ index: 2, count: 2 });
    expect(merged.runs).toBe(unsharded.runs);
    expect(merged.actions).toBe(unsharded.actions);
    expect(merged.verdict).toBe(unsharded.verdict);
    expect(merged.coverage).toEqual(unsharded.coverage);
    await expectValidJunit(join(dir, 'merged.xml'));
  }, 150_000);

  it('merge refuses summaries of different campaigns and files that are not summaries (exit 2)', () => {
    const dir = tempDir();
    const base = ['--runs', '2', '--property', 'order-lifecycle', '--no-replays', '--log-level', 'warn'];
    expect(shakedown(['run', '--seed', '1', ...base, '--summary', 'a.json'], { cwd: dir }).status).toBe(0);
    expect(shakedown(['run', '--seed', '2', ...base, '--summary', 'b.json'], { cwd: dir }).status).toBe(0);
    const mismatch = shakedown(['merge', 'a.json', 'b.json'], { cwd: dir });
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toContain('SHK_MERGE_MISMATCH');
    writeFileSync(join(dir, 'junk.json'), '{"format":"something-else"}');
    const junk = shakedown(['merge', 'a.json', 'junk.json'], { cwd: dir });
    expect(junk.status).toBe(2);
    expect(junk.stderr).toContain('SHK_SUMMARY_INVALID');
    expect(junk.stderr.trim().split('\n')).toHaveLength(1);
    const badShard = shakedown(['run', '--shard', '3/2', ...base], { cwd: dir });
    expect(badShard.status).toBe(2);
    expect(badShard.stderr).toContain('--shard');
  }, 60_000);
});

describe('--ci', () => {
  it('derives a seed per property from the commit, prints them, and writes JUnit, summary and report', async () => {
    const dir = tempDir();
    const run = shakedown(
      [
        'run',
        '--ci',
        '--property',
        'order-lifecycle',
        'self-trade-prevention',
        '--no-replays',
        '--log-level',
        'warn',
      ],
      {
        cwd: dir,
        env: { SHAKEDOWN_COMMIT: 'c0ffee1234', SHAKEDOWN_RUNS: '5', SHAKEDOWN_TIME_BUDGET: '20s' },
      },
    );
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const seed = seedFromCommit('c0ffee1234', 'order-lifecycle');
    expect(run.stderr).toContain(`--property order-lifecycle --seed ${seed}`);
    expect(run.stdout).not.toContain(String.fromCharCode(27));
    const summary = readSummary(join(dir, 'shakedown-results', 'summary.json'));
    expect(summary.seedSource).toBe('commit');
    expect(summary.commit).toBe('c0ffee1234');
    expect(summary.properties.map((p) => [p.name, p.seed, p.runs])).toEqual([
      ['order-lifecycle', seed, 5],
      ['self-trade-prevention', seedFromCommit('c0ffee1234', 'self-trade-prevention'), 5],
    ]);
    await expectValidJunit(join(dir, 'shakedown-results', 'junit.xml'));
    expect(existsSync(join(dir, 'shakedown-results', 'report', 'report.html'))).toBe(true);
  }, 60_000);

  it('--min-coverage fails a campaign that exercised too little, and a bad floor is a usage error', () => {
    const dir = tempDir();
    const base = [
      'run',
      '--seed',
      '1',
      '--runs',
      '3',
      '--property',
      'order-lifecycle',
      '--no-replays',
      '--log-level',
      'warn',
    ];
    const low = shakedown([...base, '--min-coverage', '99'], { cwd: dir });
    expect(low.status, low.stderr).toBe(1);
    expect(low.stdout).toContain('below --min-coverage');
    const bad = shakedown([...base, '--min-coverage', 'nonsense=5'], { cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('nonsense');
  }, 60_000);
});
