import { expect, it } from 'vitest';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-latency-clock-');

/** A short campaign against the adapter kit's worked example (it runs on virtual time). */
function kitCampaign(...extra: string[]) {
  return shakedown([
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
    tempDir(),
    ...extra,
  ]);
}

/**
 * An adapter built on the kit runs on virtual time, like the in-process venue: its latencies
 * are simulated delays, and the table must not call them wall clock (it did, for any module).
 */
it('the latency table says virtual time for an adapter module on virtual time', () => {
  const json = kitCampaign('--json');
  expect(json.status, json.stderr).toBe(0);
  const summary = JSON.parse(json.stdout) as { transport: string; clock: string };
  expect(summary).toMatchObject({ transport: 'module', clock: 'virtual' });
  const text = kitCampaign();
  expect(text.stdout).toContain('latency (ms, virtual time)');
  expect(text.stdout).not.toContain('wall clock');
});
