import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { BTC, Scenario } from './evidence-builder.ts';

const NAME = 'trades.within-band';

function markDropThenMarketBuy(bugs: 'market_walks_band'[] = []) {
  const s = new Scenario({ bugs });
  s.place('maker', 'm1', 'sell', 20900, 0.01);
  s.setMark(BTC, 19000);
  s.market('taker', 't1', 'buy', 0.01);
  return s.evidence();
}

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
    expect(check(NAME, markDropThenMarketBuy())).toEqual([]);
  });

  it('catches market_walks_band: a market order sweeps an order the new band left outside', () => {
    const violations = check(NAME, markDropThenMarketBuy(['market_walks_band']));
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toBe(
      'trade T1 on SANDBOX.BTC-USD at 20900 is outside the band [18050, 19950] (mark at txn 2 19000)',
    );
    expect(violations[0].steps).toEqual([1, 2]);
  });

  it('uses the configured band before any mark event (trade price corrupted)', () => {
    const evidence = cleanEvidence();
    const trade = evidence.events.find((r) => r.client === 'admin' && r.event.type === 'trade')!;
    if (trade.event.type === 'trade') trade.event.price = 21000.5;
    const [v] = check(NAME, evidence);
    expect(v.message).toBe(
      'trade T1 on SANDBOX.BTC-USD at 21000.5 is outside the band [19000, 21000] (configured mark 20000)',
    );
  });
});
