import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ghostFills } from '../../../../properties/bots/index.ts';
import { REPO, runProcessCampaign, TEST_TIMEOUT_MS } from './support/process-campaign.ts';

/**
 * The Python subject of docs/bots.md (examples/grid-bot/python/simple_bot.py, standard library
 * only) run by shakedown as a process against the reference exchange, killed and restarted.
 */
const BOT = 'examples/grid-bot/python/simple_bot.py';
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const noPython = python.error !== undefined || python.status !== 0;
// CI installs python3 and sets this: there the example must run, never skip.
if (noPython && process.env.SHAKEDOWN_REQUIRE_PYTHON === '1')
  throw new Error('SHAKEDOWN_REQUIRE_PYTHON=1 but python3 is not installed');

describe('the Python example of docs/bots.md', () => {
  it('is the listing the doc shows, line for line', () => {
    const doc = readFileSync(join(REPO, 'docs/bots.md'), 'utf8');
    const listing = /<!-- python-example:[^\n]*-->\n```python\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(listing, 'docs/bots.md has no python-example listing').toBeDefined();
    expect(listing).toBe(readFileSync(join(REPO, BOT), 'utf8'));
  });

  it.skipIf(noPython)(
    `passes ghost-fills as a subject, killed and restarted${noPython ? ' (skipped: python3 is not installed)' : ''}`,
    async () => {
      const { result, tally } = await runProcessCampaign({
        // -B: no __pycache__ left beside the example.
        command: `python3 -B ${BOT}`,
        property: ghostFills,
        runs: 5,
        seed: 3,
      });
      const outcome = result.properties[0];
      expect(outcome.failure?.report.verdict, JSON.stringify(tally.firstFailure)).toBeUndefined();
      expect(outcome.unknown, JSON.stringify(outcome.unknown)).toBeUndefined();
      expect(outcome.runs).toBe(5);
      expect(tally.kills).toBeGreaterThan(0);
      expect(tally.problems).toEqual([]);
      // Not a vacuous pass: its belief was compared with the venue's, and its orders followed.
      const checked = (name: string): number =>
        outcome.invariants?.find((i) => i.name === name)?.examined ?? 0;
      expect(checked('bots.reconciliation')).toBeGreaterThan(0);
    },
    TEST_TIMEOUT_MS,
  );
});
