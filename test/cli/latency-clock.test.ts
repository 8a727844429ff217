import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-latency-clock-');

/**
 * An adapter built on the kit runs on virtual time, like the in-process venue: its latencies
 * are simulated delays, and the table must not call them wall clock (it did, for any module).
 * One campaign against the kit's worked example gives both views: the text table on stdout and
 * the JSON summary (what --json prints) in a --summary file.
 */
it('the latency table says virtual time for an adapter module on virtual time', () => {
  const dir = tempDir();
  const text = shakedown([
    'run',
    '--target',
    './examples/book-library/adapter.ts',
    '--property',
    'trading-venue',
    '--seed',
    '1',
    '--runs',
    '3',
    '--no-replays',
    '--out',
    join(dir, 'replays'),
    '--summary',
    join(dir, 'summary.json'),
  ]);
  expect(text.status, text.stderr).toBe(0);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as {
    transport: string;
    clock: string;
  };
  expect(summary).toMatchObject({ transport: 'module', clock: 'virtual' });
  expect(text.stdout).toContain('latency (ms, virtual time)');
  expect(text.stdout).not.toContain('wall clock');
});
