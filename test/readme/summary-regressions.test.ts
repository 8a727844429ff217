import { describe, expect, it } from 'vitest';
import { printSummary } from '../../src/cli/print-summary.ts';
import type { CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import { failingSummary, failure, regressionSummary } from '../support/summary-fixtures.ts';

const printed = (summary: CampaignSummary): string[] => {
  const lines: string[] = [];
  printSummary(summary, (line) => lines.push(line));
  return lines;
};

/**
 * Running the README's commands in order runs the same campaign twice: the second replays the
 * first's saved failures and its own runs find the same bugs again. The summary a person reads
 * lists the saved ones that still fail apart, each once, and counts only failures no file holds
 * as new.
 */
describe('the printed summary: regressions apart from new failures', () => {
  it('lists the saved failures that still fail under regressions:, each with its replay command', () => {
    const lines = printed(regressionSummary());
    const at = lines.indexOf(
      'regressions: 2 saved failures in replays/ still fail (replayed before the new runs; --no-replays skips them)',
    );
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 3)).toEqual([
      '  trading-venue: replays/trading-venue-3-0b1c2d3e.json',
      expect.stringMatching(/^ {4}\[orders\.quantities\] /),
    ]);
    expect(lines).toContain('    replay: npx shakedown replay replays/order-lifecycle-9-77aa01fe.json');
    expect(lines.some((l) => l.startsWith('failure in'))).toBe(false);
    expect(lines.at(-1)).toMatch(/^failed: 2 regressions, no new failures; \d+ runs, /);
  });

  it('a saved failure the new runs find again is one failure, shown with its regression', () => {
    const base = regressionSummary();
    const file = 'replays/trading-venue-3-0b1c2d3e.json';
    const again = failure({ seed: 5, runIndex: 12, replayFile: file });
    const other = failure({ seed: 5, runIndex: 40, replayFile: 'replays/trading-venue-5-99887766.json' });
    const lines = printed({ ...base, failures: [...base.failures, again, other] });
    expect(lines).toContain(`  trading-venue: ${file} (found again by run 12)`);
    expect(lines.filter((l) => l.includes(file) && l.includes('replay:'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('failure in'))).toEqual([
      'failure in trading-venue (run 40, seed 5):',
    ]);
    expect(lines.at(-1)).toMatch(/^failed: 2 regressions, 1 new failure; /);
  });

  it('without a corpus, failures print as before, counted as new', () => {
    const lines = printed(failingSummary());
    expect(lines.some((l) => l.startsWith('regressions:'))).toBe(false);
    expect(lines).toContain('failure in trading-venue (run 7, seed 1):');
    expect(lines).toContain('  saved: replays/trading-venue-1-3f9a0c2e.json');
    expect(lines.at(-1)).toMatch(/^failed: 1 new failure; \d+ runs, /);
  });
});
