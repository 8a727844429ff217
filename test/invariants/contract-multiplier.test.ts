import { describe, expect, it } from 'vitest';
import { TRADING_INVARIANTS } from '../../invariants/trading/index.ts';
import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../../src/domains/trading/protocol/exchange-config.ts';
import { check } from './check.ts';
import { cleanScenario } from './clean-scenario.ts';

/** The default venue with BTC worth 10 and ETH 0.25 per unit of quantity per unit of price. */
function multiplied(): ExchangeConfig {
  const config = defaultExchangeConfig();
  config.instruments[0].contractMultiplier = 10;
  config.instruments[1].contractMultiplier = 0.25;
  return config;
}

describe('invariants on a venue whose contract multipliers are not 1', () => {
  it('the clean run keeps every invariant: each reads the multipliers from the config in the evidence', () => {
    const evidence = cleanScenario({ config: multiplied(), journal: true }).evidence();
    for (const invariant of TRADING_INVARIANTS) expect(invariant.check(evidence), invariant.name).toEqual([]);
  });

  it('a checker told multiplier 1 sees the ledger and the reserves of that run as wrong', () => {
    const evidence = cleanScenario({ config: multiplied() }).evidence();
    // The same events judged against a config without multipliers: the venue's arithmetic no
    // longer adds up, which is what the checks would have said before they read the multiplier.
    evidence.extra.config = defaultExchangeConfig();
    expect(check('ledger.equity', evidence).length).toBeGreaterThan(0);
    expect(check('funds.reserves', evidence).length).toBeGreaterThan(0);
  });
});
