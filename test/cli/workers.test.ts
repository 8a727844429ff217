import { describe, expect, it } from 'vitest';
import type { CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-workers-');

/** The summary without what may differ between equal campaigns: durations, paths, the pool. */
function counts(summary: CampaignSummary) {
  return {
    verdict: summary.verdict,
    runs: summary.runs,
    actions: summary.actions,
    faults: summary.faults,
    coverage: summary.coverage,
    latency: summary.latency,
    properties: summary.properties.map(({ durationMs: _d, ...p }) => p),
    failures: summary.failures.map(({ replayFile: _f, ...f }) => f),
  };
}

function run(workers: string, extra: string[] = []) {
  const out = tempDir();
  const result = shakedown(
    [
      'run',
      '--workers',
      workers,
      '--seed',
      '1',
      '--runs',
      '12',
      '--time-budget',
      '10m',
      '--json',
      '--out',
      out,
      ...extra,
    ],
    { timeoutMs: 240_000 },
  );
  return { ...result, summary: JSON.parse(result.stdout) as CampaignSummary };
}

describe('run --workers', () => {
  it('--workers 2 gives the verdict and counts of --workers 1, and says so', () => {
    const one = run('1', ['--property', 'trading-venue', 'chaos-recovery']);
    const two = run('2', ['--property', 'trading-venue', 'chaos-recovery']);
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(counts(two.summary)).toEqual(counts(one.summary));
    expect(one.summary.workers).toBeUndefined();
    expect(two.summary.workers).toEqual({ count: 2, crashes: [] });
  }, 300_000);

  it('a planted bug found on two workers is the one found on one: same run, same shrunk sequence (exit 1)', () => {
    const one = run('1', ['--property', 'order-lifecycle', '--bug', 'overfill']);
    const two = run('2', ['--property', 'order-lifecycle', '--bug', 'overfill']);
    expect(one.status).toBe(1);
    expect(two.status).toBe(1);
    expect(counts(two.summary)).toEqual(counts(one.summary));
    expect(two.summary.failures[0]?.replayFile).toMatch(/order-lifecycle-1-.*\.json$/);
  }, 300_000);

  it('refuses a bad worker count, and workers on a shared venue (exit 2)', () => {
    const zero = shakedown(['run', '--workers', '0']);
    expect(zero.status).toBe(2);
    expect(zero.stderr).toMatch(/--workers: expected an integer from 1 to 64, got 0/);
    const env = shakedown(['run', '--runs', '1'], { env: { SHAKEDOWN_WORKERS: 'many' } });
    expect(env.status).toBe(2);
    expect(env.stderr).toMatch(/SHAKEDOWN_WORKERS: expected an integer/);
    const shared = shakedown(['run', '--workers', '2', '--target', 'ws://127.0.0.1:9']);
    expect(shared.status).toBe(2);
    expect(shared.stderr).toMatch(/only --target inproc, ws or an adapter module run in parallel/);
    expect(`${zero.stderr}${env.stderr}${shared.stderr}`).not.toMatch(/\n\s+at /);
  }, 120_000);
});
