import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeAction } from '../../../../src/domains/trading/generation/describe-action.ts';
import { tradingActions } from '../../../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import { containsSelfCross } from './sequence-facts.ts';

const noSelfCross = (unbiased: boolean) =>
  fc.property(
    tradingActions({ seed: 3, maxActions: 60 }, { unbiased }),
    (actions) => !containsSelfCross(actions),
  );

describe('shrinking through the command map', () => {
  it('shrinks a self-trade to a short counterexample, whatever the fast-check seed', () => {
    for (let seed = 0; seed < 10; seed++) {
      const result = fc.check(noSelfCross(false), { seed, numRuns: 200 });
      expect(result.failed).toBe(true);
      const [actions] = result.counterexample!;
      expect(containsSelfCross(actions)).toBe(true);
      expect(result.numShrinks).toBeGreaterThan(0);
      expect(actions.length, actions.map(describeAction).join('\n')).toBeLessThanOrEqual(4);
    }
  });

  it('shows the counterexample as concrete actions', () => {
    const result = fc.check(noSelfCross(false), { seed: 31337, numRuns: 200 });
    const text = result.counterexample![0].map(describeAction).join('\n');
    expect(text).toMatch(/place .* buy[\s\S]*place .* sell|place .* sell[\s\S]*place .* buy/);
  });

  it('shrinks the unbiased baseline the same way', () => {
    const result = fc.check(noSelfCross(true), { seed: 31337, numRuns: 200 });
    expect(result.failed).toBe(true);
    expect(result.counterexample![0].length).toBeLessThanOrEqual(4);
  });
});
