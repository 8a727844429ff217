import { describe, expect, it } from 'vitest';
import { defaultExchangeConfig } from '../../../src/domains/trading/protocol/exchange-config.ts';
import type { PlaceInput } from '../../../src/domains/trading/protocol/exchange-input.ts';
import { Engine } from '../../../src/exchange/engine/engine.ts';

const BTC = 'SANDBOX.BTC-USD';

const buy = (clientOrderId: string, price: number, qty = 1): PlaceInput => ({
  op: 'place',
  account: 'maker',
  symbol: BTC,
  side: 'buy',
  type: 'limit',
  price,
  qty,
  clientOrderId,
});

/**
 * Engines built from one config share what they derive from it (engine.ts, layoutOf): the
 * sharing must never show, neither between two engines nor after the config was edited.
 */
describe('Engine: what it derives from its config, shared', () => {
  it('two engines of one config start alike and stay apart', () => {
    const config = defaultExchangeConfig();
    const first = new Engine({ config });
    const second = new Engine({ config });
    expect(second.snapshot()).toStrictEqual(first.snapshot());
    expect(first.apply(buy('a', 19_990), 1).response.ok).toBe(true);
    expect(first.apply({ op: 'set_mark', symbol: BTC, price: 19_900 }, 2).txn).toBeGreaterThan(0);
    // The second engine saw none of it, and a third starts from the config again.
    const fresh = new Engine({ config }).snapshot();
    expect(second.snapshot()).toStrictEqual(fresh);
    expect(fresh.orders).toEqual([]);
    expect(fresh.instruments.find((i) => i.symbol === BTC)?.markPrice).toBe(20_000);
    expect(fresh.accounts.find((a) => a.id === 'maker')?.reserved).toBe(0);
    expect(first.snapshot().accounts.find((a) => a.id === 'maker')?.reserved).toBeGreaterThan(0);
  });

  it('a config edited in place after an engine was built gives the next engine the new values', () => {
    const config = defaultExchangeConfig();
    const before = new Engine({ config }).snapshot();
    const btc = config.instruments.find((i) => i.symbol === BTC)!;
    btc.markPrice = 30_000;
    btc.tickSize = 0.1;
    config.accounts.find((a) => a.id === 'maker')!.cash = 5;
    const after = new Engine({ config });
    const snapshot = after.snapshot();
    expect(snapshot.instruments.find((i) => i.symbol === BTC)?.markPrice).toBe(30_000);
    expect(snapshot.instruments.find((i) => i.symbol === BTC)?.bandHigh).toBe(31_500);
    expect(snapshot.accounts.find((a) => a.id === 'maker')?.cash).toBe(5);
    expect(before.instruments.find((i) => i.symbol === BTC)?.markPrice).toBe(20_000);
    // The new tick (0.1) takes a price the old one (0.5) refused.
    expect(after.apply({ ...buy('t', 29_999.9, 0.001), account: 'taker' }, 1).response.ok).toBe(true);
    expect(
      new Engine({ config: defaultExchangeConfig() }).apply(buy('t', 19_999.9, 0.001), 1).response,
    ).toEqual(expect.objectContaining({ ok: false, reason: 'price_off_tick' }));
  });

  it('planted bugs stay with the engine they were given to', () => {
    const config = defaultExchangeConfig();
    const buggy = new Engine({ config, bugs: ['duplicate_client_order_id'] });
    const clean = new Engine({ config });
    expect(buggy.hasBug('duplicate_client_order_id')).toBe(true);
    expect(clean.hasBug('duplicate_client_order_id')).toBe(false);
    buggy.apply(buy('same', 19_990), 1);
    clean.apply(buy('same', 19_990), 1);
    expect(buggy.apply(buy('same', 19_980), 2).response.ok).toBe(true);
    expect(clean.apply(buy('same', 19_980), 2).response).toEqual(
      expect.objectContaining({ ok: false, reason: 'duplicate_client_order_id' }),
    );
  });
});
