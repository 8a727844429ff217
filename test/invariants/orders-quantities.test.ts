import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { ETH, Scenario } from './evidence-builder.ts';

const NAME = 'orders.quantities';

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
  });

  it('catches overfill: a maker filled past its quantity', () => {
    const s = new Scenario({ bugs: ['overfill'] });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('taker', 't1', 'buy', 20000, 0.02);
    const violations = check(NAME, s.evidence());
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toBe('order O1 (maker, m1): filledQty 0.02 > qty 0.01');
    expect(violations[0].steps).toEqual([0, 1]);
  });

  it('catches float_dust: a remaining quantity that is dust, not whole lots', () => {
    const s = new Scenario({ bugs: ['float_dust'] });
    s.place('maker', 'm1', 'sell', 1000, 0.4, { symbol: ETH });
    s.place('taker', 't1', 'buy', 1000, 0.1, { symbol: ETH });
    s.place('taker', 't2', 'buy', 1000, 0.2, { symbol: ETH });
    s.place('taker', 't3', 'buy', 1000, 0.1, { symbol: ETH });
    const messages = check(NAME, s.evidence()).map((v) => v.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(
      /^order O4 \(taker, t3\): fill T3 remainingQty [\d.e-]+ is not a whole number of lots \(lot 0\.01\)$/,
    );
    expect(messages[1]).toMatch(
      /^open order O4 \(taker, t3\) in the final snapshot: remainingQty [\d.e-]+ is not/,
    );
  });

  it('catches a fill whose filledQty disagrees with the sum of fills', () => {
    const evidence = cleanEvidence();
    const fill = evidence.events.find(
      (r) => r.client === 'admin' && r.event.type === 'fill' && r.event.orderId === 'O1',
    )!;
    if (fill.event.type === 'fill') fill.event.filledQty += 0.001;
    const [v] = check(NAME, evidence);
    expect(v.message).toMatch(
      /^order O1 \(maker, m1\): filledQty 0\.016 after fill T1 != sum of its fills 0\.015$/,
    );
  });
});
