import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'trades.both-sides';

function oneTrade() {
  const s = new Scenario();
  s.place('maker', 'm1', 'sell', 20000, 0.01);
  s.place('taker', 't1', 'buy', 20000, 0.01);
  return s.evidence();
}

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
  });

  it('catches a trade with its maker fill missing (record corrupted; no planted bug)', () => {
    const evidence = oneTrade();
    evidence.events = evidence.events.filter(
      (r) => !(r.client === 'admin' && r.event.type === 'fill' && r.event.liquidity === 'maker'),
    );
    const [v] = check(NAME, evidence);
    expect(v.message).toBe(
      'trade T1 (SANDBOX.BTC-USD 0.01 @ 20000) has 1 taker fill(s) on account:taker and 0 maker fill(s), expected one of each',
    );
  });

  it('catches a fill with no public trade', () => {
    const evidence = oneTrade();
    evidence.events = evidence.events.filter((r) => r.event.type !== 'trade');
    const [v] = check(NAME, evidence);
    expect(v.message).toBe('fill(s) of T1 on account:taker, account:maker without a public trade');
  });

  it('catches a maker fill whose quantity differs from the trade', () => {
    const evidence = oneTrade();
    for (const r of evidence.events) {
      if (r.client === 'admin' && r.event.type === 'fill' && r.event.liquidity === 'maker')
        r.event.qty = 0.02;
    }
    const [v] = check(NAME, evidence);
    expect(v.message).toBe('trade T1 (SANDBOX.BTC-USD 0.01 @ 20000): maker fill qty 0.02');
  });
});
