import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import { shakedown, tempDirs } from '../support/cli.ts';

/**
 * `run --concurrency`: many runs at once over a real venue, each lane its own embedded venue;
 * the flag checked against the target and --workers; the mode said in the printed and the
 * JSON summary; --record still one file numbered across runs, in run order.
 */
const tempDir = tempDirs('shakedown-ws-concurrency-');
const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/summary.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

const SMALL = [
  '--property',
  'order-lifecycle',
  '--seed',
  '4',
  '--runs',
  '6',
  '--max-actions',
  '8',
  '--no-replays',
];

describe('run --concurrency', () => {
  it.each([
    [['--concurrency', '0'], /--concurrency: expected an integer from 1 to 64, got 0/],
    [['--concurrency', 'many'], /--concurrency: expected an integer, got "many"/],
    [['--target', 'ws', '--concurrency', '4', '--workers', '2'], /--concurrency and --workers 2: choose one/],
    [['--concurrency', '4'], /--concurrency 4: runs go on at once only over a real venue.*inproc target/],
    [['--target', 'ws://127.0.0.1:9', '--concurrency', '2'], /one shared venue.*--lane-url/],
    [
      ['--target', 'ws', '--lane-url', 'ws://127.0.0.1:9'],
      /--lane-url: lanes of declared venues go with a venue at a URL/,
    ],
    [
      ['--target', 'ws://127.0.0.1:9', '--lane-url', 'ws://127.0.0.1:8', '--lane-url', 'ws://127.0.0.1:8'],
      /a URL is listed twice/,
    ],
    [['--target', 'ws://127.0.0.1:9', '--lane-url', 'http://127.0.0.1:8'], /--lane-url http:\/\/127.0.0.1:8/],
  ])('refuses %j with one SHK_USAGE line, exit 2, before any target is touched', (args, message) => {
    const out = tempDir();
    const result = shakedown(['run', ...args, '--out', out, '--runs', '2'], { cwd: out });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/SHK_USAGE/);
    expect(result.stderr).toMatch(message);
  });

  it('--target ws --concurrency 3: passes, says so in both summaries, and records every run in order', () => {
    const dir = tempDir();
    const record = join(dir, 'events.ndjson');
    const summaryFile = join(dir, 'summary.json');
    const result = shakedown(
      [
        'run',
        '--target',
        'ws',
        ...SMALL,
        '--concurrency',
        '3',
        '--record',
        record,
        '--summary',
        summaryFile,
        '--out',
        dir,
      ],
      { cwd: dir },
    );
    expect(result.stderr).not.toMatch(/SHK_/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^execution: concurrent, 3 lanes, isolated by a venue per lane$/m);
    expect(result.stdout).not.toMatch(/ on \d+ workers?/);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as CampaignSummary;
    expect(validate(summary), JSON.stringify(validate.errors)).toBe(true);
    expect(summary.execution).toEqual({ mode: 'concurrent', lanes: 3, isolation: 'venue-per-lane' });
    expect(summary.workers).toBeUndefined();
    expect(summary.runs).toBe(6);
    // One stream numbered across the runs: gseq rises through the whole file, run after run.
    const events = readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { gseq: number });
    expect(events.length).toBeGreaterThan(6);
    for (let i = 1; i < events.length; i++) expect(events[i]?.gseq).toBe((events[i - 1]?.gseq ?? 0) + 1);
  });

  it('--target ws without a worker count runs on lanes by default; with SHAKEDOWN_WORKERS it runs as before', () => {
    const dir = tempDir();
    const lanes = shakedown(['run', '--target', 'ws', ...SMALL, '--out', dir, '--json'], {
      cwd: dir,
      env: { SHAKEDOWN_WORKERS: '' },
    });
    expect(lanes.status).toBe(0);
    const concurrent = JSON.parse(lanes.stdout) as CampaignSummary;
    // At most one lane per run: 6 runs, so 6 of the default 8.
    expect(concurrent.execution).toEqual({ mode: 'concurrent', lanes: 6, isolation: 'venue-per-lane' });
    const one = shakedown(['run', '--target', 'ws', ...SMALL, '--out', dir, '--json'], { cwd: dir });
    expect(one.status).toBe(0);
    const sequential = JSON.parse(one.stdout) as CampaignSummary;
    expect(sequential.execution).toEqual({ mode: 'sequential', lanes: 1, isolation: 'reset-per-run' });
    // The same seed, the same verdict and counts either way.
    expect([sequential.verdict, sequential.runs, sequential.actions]).toEqual([
      concurrent.verdict,
      concurrent.runs,
      concurrent.actions,
    ]);
  });
});
