import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clientOrderIdFor,
  parseClientOrderId,
} from '../../../../src/domains/trading/generation/client-order-id.ts';
import { tradingActions } from '../../../../src/domains/trading/generation/trading-actions-arbitrary.ts';

describe('client order ids', () => {
  it('are derived from the seed and the step', () => {
    expect(clientOrderIdFor(42, 0)).toBe('s16-0');
    expect(clientOrderIdFor(42, 17)).toBe('s16-17');
    expect(clientOrderIdFor(-7, 3)).toBe('s-7-3');
    expect(clientOrderIdFor(1, 5)).not.toBe(clientOrderIdFor(2, 5));
    expect(parseClientOrderId('s16-17')).toEqual({ seed: 42, step: 17 });
    expect(parseClientOrderId('s-7-3')).toEqual({ seed: -7, step: 3 });
    expect(parseClientOrderId('b-1')).toBeUndefined();
  });

  it('are fresh per step in generated runs, except duplicates that reuse an earlier id of the same trader', () => {
    const seed = 987_654;
    let duplicates = 0;
    for (const actions of fc.sample(tradingActions({ seed, maxActions: 40 }), { seed: 11, numRuns: 100 })) {
      const earlier = new Map<string, string>();
      actions.forEach((action, step) => {
        if (action.kind !== 'place') return;
        if (action.clientOrderId === clientOrderIdFor(seed, step)) {
          earlier.set(action.clientOrderId, action.client);
          return;
        }
        duplicates += 1;
        const parsed = parseClientOrderId(action.clientOrderId);
        expect(parsed?.seed).toBe(seed);
        expect(parsed!.step).toBeLessThan(step);
        expect(earlier.get(action.clientOrderId)).toBe(action.client);
      });
    }
    expect(duplicates).toBeGreaterThan(0);
  });
});
