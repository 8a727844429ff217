import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'projection.converges';

describe(NAME, () => {
  it('passes a clean run, resume and resync included', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
  });

  it('catches rejected_replace_drops_order: the venue drops an order without telling the client', () => {
    const s = new Scenario({ bugs: ['rejected_replace_drops_order'] });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.replace('maker', 'm1', { price: 'abc' });
    const violations = check(NAME, s.evidence());
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toBe(
      'maker: order O1 (maker, m1) is open in the view but not at the venue',
    );
    expect(violations[0].steps).toEqual([0, 1]);
  });

  it('reports the first differing balance field', () => {
    const evidence = cleanEvidence();
    evidence.projections.taker.balance!.available -= 1;
    const [v] = check(NAME, evidence);
    expect(v.message).toMatch(/^taker: balance\.available: view [\d.]+, venue [\d.]+$/);
  });

  it('catches a missed book delta in a trader view', () => {
    const evidence = cleanEvidence();
    const book = evidence.projections.bystander.books['SANDBOX.BTC-USD'];
    book.asks['20000'] = 5;
    const [v] = check(NAME, evidence);
    expect(v.message).toBe('bystander: book SANDBOX.BTC-USD asks[0][1]: view 5, venue 0.001');
  });
});
