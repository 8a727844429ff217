import { describe, expect, it } from 'vitest';
import { defaultExchangeConfig } from '../../../src/domains/trading/protocol/exchange-config.ts';
import { validateExchangeConfig } from '../../../src/domains/trading/protocol/validate-config.ts';
import { BTC, Venue } from './engine-fixture.ts';

const START = 1_000_000;

describe('contract multiplier', () => {
  it('a trade moves price x qty x multiplier of cash; margin and equity are valued the same way', () => {
    const v = new Venue({ config: (c) => (c.instruments[0].contractMultiplier = 10) });
    v.buy('maker', 'b', 19990, 1);
    // 1 x 20000 x 10 / 5
    expect(v.account('maker')).toMatchObject({ reserved: 40_000, available: START - 40_000 });
    v.sell('taker', 's', 19990, 0.4);
    // cash 1,000,000 - 0.4 x 19990 x 10; equity + 0.4 x 20000 x 10.
    expect(v.account('maker')).toMatchObject({
      cash: 920_040,
      positionMargin: 16_000,
      reserved: 24_000,
      equity: 1_000_040,
      positions: [{ symbol: BTC, qty: 0.4, unrealizedPnl: 40 }],
    });
    expect(v.account('taker')).toMatchObject({ cash: 1_079_960, equity: 999_960 });
  });

  it('a decimal multiplier widens the cash scale so that every amount stays exact', () => {
    const v = new Venue({ config: (c) => (c.instruments[0].contractMultiplier = 0.25) });
    v.buy('maker', 'b', 19999.5, 0.001);
    v.sell('taker', 's', 19999.5, 0.001);
    // 0.001 x 19999.5 x 0.25 = 4.999875: one more decimal than tick and lot give.
    expect(v.account('maker')).toMatchObject({ cash: START - 4.999875 });
    expect(v.account('taker')).toMatchObject({ cash: START + 4.999875 });
  });

  it('is optional in a config file and must be a positive step', () => {
    const raw = defaultExchangeConfig() as unknown as { instruments: Record<string, unknown>[] };
    raw.instruments[0].contractMultiplier = 100;
    expect(validateExchangeConfig(raw, 'test').instruments[0].contractMultiplier).toBe(100);
    raw.instruments[0].contractMultiplier = 0;
    expect(() => validateExchangeConfig(raw, 'test')).toThrow(/contractMultiplier: must be greater than 0/);
    delete raw.instruments[0].contractMultiplier;
    expect(validateExchangeConfig(raw, 'test').instruments[0].contractMultiplier).toBeUndefined();
  });
});
