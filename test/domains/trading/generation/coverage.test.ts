import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tradingActions } from '../../../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import { TRADING_CLIENTS, type TradingAction } from '../../../../src/domains/trading/trading-action.ts';

/** Every value a field takes over a large sample, as strings. */
function valuesSeen(sequences: TradingAction[][]): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  const add = (field: string, value: unknown) => {
    if (!seen.has(field)) seen.set(field, new Set());
    seen.get(field)!.add(String(value));
  };
  for (const actions of sequences) {
    for (const a of actions) {
      add('kind', a.kind);
      add('client', a.client);
      add('gap', a.gapMs === 0 ? '0' : a.gapMs <= 3 ? '1-3' : a.gapMs >= 10 ? '10+' : 'other');
      if (a.kind === 'place') {
        add('order', `${a.orderType}/${a.tif ?? 'default'}`);
        add('side', a.side);
        add('symbol', a.symbol);
        add('stp', a.stp ?? 'default');
        add('qtyType', a.qty === null ? 'null' : typeof a.qty);
        if (typeof a.qty === 'string') add('qtyString', a.qty);
        if (typeof a.price === 'string') add('priceString', a.price);
      }
      if (a.kind === 'cancel' || a.kind === 'replace') add(`${a.kind}.byOrderId`, a.target.byOrderId);
      if (a.kind === 'cancel_all') add('cancel_all.symbol', a.symbol ? 'one' : 'all');
      if (a.kind === 'reconnect') add('reconnect.mode', a.mode);
    }
  }
  return seen;
}

describe('what the generator can produce', () => {
  const sequences = fc.sample(tradingActions({ seed: 8, maxActions: 60 }), { seed: 99, numRuns: 300 });
  const seen = valuesSeen(sequences);
  const expectAll = (field: string, values: readonly string[]) =>
    expect([...(seen.get(field) ?? [])].sort()).toEqual(expect.arrayContaining([...values]));

  it('every action kind of the default mix from every client', () => {
    // The rest of the surface (halts, resets, status, malformed requests, a venue per run) is
    // mixed in where a property asks for it: test/domains/trading/generation/surface-reach.test.ts.
    expectAll('kind', ['place', 'cancel', 'replace', 'cancel_all', 'set_mark', 'reconnect']);
    expectAll('client', TRADING_CLIENTS);
  });

  it('every order type and time in force, both sides, every symbol, every stp mode', () => {
    expectAll('order', [
      'limit/gtc',
      'limit/ioc',
      'limit/fok',
      'limit/post_only',
      'limit/default',
      'market/ioc',
      'market/fok',
      'market/default',
      'market/gtc',
    ]);
    expectAll('side', ['buy', 'sell']);
    expectAll('symbol', ['SANDBOX.BTC-USD', 'SANDBOX.ETH-USD', 'BTC-USD']);
    expectAll('stp', ['default', 'cancel_newest', 'cancel_oldest', 'cancel_both']);
  });

  it('junk on the wire next to valid values', () => {
    expectAll('qtyType', ['number', 'string', 'null']);
    expectAll('qtyString', ['NaN', 'Infinity', 'abc', '']);
    expectAll('priceString', ['NaN', 'Infinity', 'abc']);
  });

  it('both ways of naming an order, both cancel_all scopes, both reconnect modes, races and pauses', () => {
    expectAll('cancel.byOrderId', ['true', 'false']);
    expectAll('replace.byOrderId', ['true', 'false']);
    expectAll('cancel_all.symbol', ['one', 'all']);
    expectAll('reconnect.mode', ['resync', 'resume']);
    expectAll('gap', ['0', '1-3', '10+']);
  });

  it('admin actions only come from the admin, trader actions only from traders', () => {
    for (const actions of sequences) {
      for (const a of actions) expect(a.client === 'admin').toBe(a.kind === 'set_mark');
    }
  });
});
