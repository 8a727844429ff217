import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-keep-going-');

/**
 * One property against a venue built with two planted bugs, saving into `replays/` of `dir`.
 * 24 runs: seed 1 fails first on overfill at run 0 and on self_trade at run 6, and overfill
 * fails again in most later runs (14 of runs 1-19, 74 of 1-99), so both distinct failures,
 * their duplicates and the runs after the first failure are all there with a margin; on two
 * workers the 24 runs go out in nine blocks (6, 5, 4, 3, 2 and single runs), to both workers.
 * (It was 100 runs: 3-4 times the CPU, most of it judging runs that only add duplicates.)
 */
const TWO_BUGS = [
  'run',
  '--bug',
  'overfill',
  '--bug',
  'self_trade',
  '--property',
  'trading-venue',
  '--seed',
  '1',
  '--runs',
  '24',
  '--out',
  'replays',
];

/**
 * The campaign with `extra`: its printed report on stdout, its JSON summary written beside it
 * (--summary), so that one run serves the tests on either.
 */
function run(extra: string[]) {
  const dir = tempDir();
  const result = shakedown([...TWO_BUGS, '--time-budget', '10m', '--summary', 'summary.json', ...extra], {
    cwd: dir,
    timeoutMs: 300_000,
  });
  const file = join(dir, 'summary.json');
  if (!existsSync(file)) throw new Error(`no summary written (status ${result.status}): ${result.stderr}`);
  return { ...result, dir, summary: JSON.parse(readFileSync(file, 'utf8')) as CampaignSummary };
}

/**
 * `--keep-going` on one worker, run once for the three tests that read it: the first test's
 * campaign, the second's one-worker reference, the third's printed report.
 */
let keptGoing: ReturnType<typeof run> | undefined;
const keepGoingOnOneWorker = () => {
  keptGoing ??= run(['--keep-going', '--workers', '1']);
  return keptGoing;
};

const invariantsOf = (summary: CampaignSummary) => summary.failures.map((f) => f.violations[0]?.invariant);
/** The failures without where they were saved (each campaign has its own folder). */
const comparable = (summary: CampaignSummary) => summary.failures.map(({ replayFile: _f, ...f }) => f);

describe('run --keep-going', () => {
  it('reports each distinct failure of a property once, each with its own replay file; without it, the first only', () => {
    const going = keepGoingOnOneWorker();
    expect(going.status).toBe(1);
    const invariants = invariantsOf(going.summary);
    expect(invariants).toContain('orders.quantities');
    expect(invariants).toContain('trades.no-self-trade');
    const files = going.summary.failures.map((f) => f.replayFile);
    expect(new Set(files).size).toBe(files.length);
    for (const file of files) expect(existsSync(join(going.dir, file as string))).toBe(true);
    // Later runs failing the same way are counted, not saved.
    expect(going.summary.failures.some((f) => (f.duplicates ?? 0) > 0)).toBe(true);
    expect(going.summary.failures.every((f) => f.property === 'trading-venue' && !f.regression)).toBe(true);

    const first = run([]);
    expect(first.status).toBe(1);
    expect(first.summary.failures).toHaveLength(1);
    expect(first.summary.failures[0]?.duplicates).toBeUndefined();
    // The first failure is the one a campaign without --keep-going finds, shrunk the same way.
    expect(going.summary.failures[0]?.runIndex).toBe(first.summary.failures[0]?.runIndex);
    expect(going.summary.properties[0]?.runs).toBeGreaterThan(first.summary.properties[0]?.runs ?? 0);
  }, 600_000);

  it('finds the same failures in the same order on two workers as on one, and --max-failures caps them', () => {
    const one = keepGoingOnOneWorker();
    const two = run(['--keep-going', '--workers', '2']);
    expect(two.status).toBe(1);
    expect(comparable(two.summary)).toEqual(comparable(one.summary));
    expect(two.summary.runs).toBe(one.summary.runs);
    expect(two.summary.actions).toBe(one.summary.actions);

    const capped = run(['--max-failures', '1', '--workers', '2']);
    expect(capped.summary.failures).toHaveLength(1);
    expect(comparable(capped.summary)[0]?.runIndex).toBe(one.summary.failures[0]?.runIndex);
  }, 600_000);

  it('prints each failure and how many runs failed the same way', () => {
    const result = keepGoingOnOneWorker();
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/\[orders\.quantities\]/);
    expect(result.stdout).toMatch(/\[trades\.no-self-trade\]/);
    expect(result.stdout).toMatch(/more runs? failed the same way \(counted, not saved\)/);
    expect(result.stdout).toMatch(/^failed: \d+ new failures;/m);
  }, 300_000);
});
