import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'orders.flags';

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
  });

  it('catches fok_partial_fill: a fill-or-kill order fills part and expires', () => {
    const s = new Scenario({ bugs: ['fok_partial_fill'] });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('taker', 't1', 'buy', 20000, 0.02, { tif: 'fok' });
    const violations = check(NAME, s.evidence());
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toBe(
      'fok order O2 (taker, t1) filled 0.01 of 0.02 and ended with order_expired: not all or nothing',
    );
    expect(violations[0].steps).toEqual([1]);
  });

  it('catches an ioc order that rests (its expiry removed from the record)', () => {
    const s = new Scenario();
    s.place('taker', 't1', 'buy', 19990, 0.01, { tif: 'ioc' });
    const evidence = s.evidence();
    evidence.events = evidence.events.filter((r) => r.event.type !== 'order_expired');
    const [v] = check(NAME, evidence);
    expect(v.message).toBe(
      'ioc order O1 (taker, t1) was still open after the txn that accepted it (txn 1): it rests',
    );
  });

  it('catches a post-only order that takes liquidity (fill relabelled)', () => {
    const s = new Scenario();
    s.place('bystander', 'b1', 'buy', 19990, 0.01, { tif: 'post_only' });
    s.place('taker', 't1', 'sell', 19990, 0.01);
    const evidence = s.evidence();
    for (const r of evidence.events) {
      if (r.event.type === 'fill') r.event.liquidity = r.event.liquidity === 'maker' ? 'taker' : 'maker';
    }
    const [v] = check(NAME, evidence);
    expect(v.message).toBe(
      'post_only order O1 (bystander, b1) took liquidity: taker fill T1 of 0.01 @ 19990',
    );
  });
});
