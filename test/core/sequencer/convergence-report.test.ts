import { describe, expect, it } from 'vitest';
import { checkConvergence } from '../../../src/core/sequencer/convergence-report.ts';
import { countPerStream, lastWriterWins, sampleEvents } from './sample-projections.ts';

describe('checkConvergence', () => {
  it('a commutative projection converges under either shuffle', () => {
    const events = sampleEvents(300, ['maker', 'taker', 'bystander'], ['s1', 's2', 's3']);
    for (const mode of ['interleave', 'all'] as const) {
      for (const seed of [1, 2, 3]) {
        expect(checkConvergence(events, countPerStream, { seed, mode })).toEqual({
          converged: true,
          seed,
          mode,
          events: 300,
          differences: [],
        });
      }
    }
  });

  it('last-writer-wins over one stream converges under interleave: its order is kept', () => {
    const events = sampleEvents(30, ['maker'], ['s']);
    expect(checkConvergence(events, lastWriterWins, { seed: 5 }).converged).toBe(true);
  });

  it("last-writer-wins over one stream does not converge under 'all', and names the path", () => {
    const events = sampleEvents(30, ['maker'], ['s']);
    const report = checkConvergence(events, lastWriterWins, { seed: 5, mode: 'all' });
    expect(report.converged).toBe(false);
    expect(report.mode).toBe('all');
    expect(report.differences).toHaveLength(1);
    const [difference] = report.differences;
    expect(difference).toMatchObject({ client: 'maker', path: 'last.s', ordered: 29 });
    expect(difference.shuffled).not.toBe(29);
    expect(checkConvergence(events, lastWriterWins, { seed: 5, mode: 'all' })).toEqual(report);
  });
});
