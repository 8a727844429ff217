import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'book.not-crossed';

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
  });

  it('catches post_only_crosses: a post-only buy rests at the best ask', () => {
    const s = new Scenario({ bugs: ['post_only_crosses'] });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('bystander', 'b1', 'buy', 20000, 0.01, { tif: 'post_only' });
    const violations = check(NAME, s.evidence());
    expect(violations.map((v) => v.message)).toEqual([
      'book SANDBOX.BTC-USD crossed after txn 2: best bid 20000 (qty 0.01) >= best ask 20000 (qty 0.01)',
      'final snapshot book SANDBOX.BTC-USD crossed: best bid 20000 >= best ask 20000',
    ]);
    expect(violations[0].steps).toEqual([0, 1]);
    expect(violations[0].events).toHaveLength(2);
  });
});
