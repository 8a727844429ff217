import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'trades.no-self-trade';

describe(NAME, () => {
  it('passes a clean run, where self-trade prevention cancels instead', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
    const s = new Scenario();
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('maker', 'm2', 'buy', 20000, 0.01);
    expect(check(NAME, s.evidence())).toEqual([]);
  });

  it('catches self_trade: an account trades with itself', () => {
    const s = new Scenario({ bugs: ['self_trade'] });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('maker', 'm2', 'buy', 20000, 0.01);
    const violations = check(NAME, s.evidence());
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toBe(
      'trade T1 (SANDBOX.BTC-USD 0.01 @ 20000): maker O1 and taker O2 are both account maker',
    );
    expect(violations[0].steps).toEqual([1]);
  });
});
