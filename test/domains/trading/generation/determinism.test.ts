import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tradingActions } from '../../../../src/domains/trading/generation/trading-actions-arbitrary.ts';

const context = { seed: 5, maxActions: 60 };

describe('generation is deterministic', () => {
  it('gives the same action lists for the same fast-check seed', () => {
    const a = fc.sample(tradingActions(context), { seed: 123, numRuns: 30 });
    const b = fc.sample(tradingActions(context), { seed: 123, numRuns: 30 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.some((actions) => actions.length > 0)).toBe(true);
  });

  it('keeps no hidden state in an arbitrary: sampling it twice gives the same lists', () => {
    const arb = tradingActions(context);
    expect(fc.sample(arb, { seed: 9, numRuns: 20 })).toEqual(fc.sample(arb, { seed: 9, numRuns: 20 }));
  });

  it('is deterministic for the unbiased baseline too', () => {
    const arb = tradingActions(context, { unbiased: true });
    expect(fc.sample(arb, { seed: 77, numRuns: 20 })).toEqual(fc.sample(arb, { seed: 77, numRuns: 20 }));
  });

  it('changes with the fast-check seed, and the run seed changes only the client order ids', () => {
    const a = fc.sample(tradingActions(context), { seed: 1, numRuns: 10 });
    expect(fc.sample(tradingActions(context), { seed: 2, numRuns: 10 })).not.toEqual(a);
    const otherRun = fc.sample(tradingActions({ ...context, seed: 6 }), { seed: 1, numRuns: 10 });
    const strip = (lists: unknown[][]) => JSON.stringify(lists).replace(/"s[0-9a-z-]+-\d+"/g, '"id"');
    expect(JSON.stringify(otherRun)).not.toBe(JSON.stringify(a));
    expect(strip(otherRun)).toBe(strip(a));
  });

  it('never exceeds maxActions', () => {
    for (const maxActions of [1, 5, 40]) {
      for (const actions of fc.sample(tradingActions({ seed: 1, maxActions }), { seed: 4, numRuns: 50 })) {
        expect(actions.length).toBeLessThanOrEqual(maxActions);
      }
    }
  });
});
