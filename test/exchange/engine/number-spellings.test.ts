import { describe, expect, it } from 'vitest';
import {
  atomsDecimal,
  exactDecimal,
  readNumeric,
} from '../../../src/domains/trading/protocol/decimal-codec.ts';
import type { NumberSpelling } from '../../../src/domains/trading/protocol/exchange-config.ts';
import { orderOf, reasonOf, Venue } from './engine-fixture.ts';

/** docs/protocol.md, "Numbers": what the reference venue takes, and what it refuses. */
describe('spellings of prices and quantities', () => {
  it('takes every spelling of the grammar as the same exact value', () => {
    const v = new Venue();
    const spellings: [string, unknown, unknown][] = [
      ['number', 20000.5, 0.01],
      ['string', '20000.5', '0.01'],
      ['trailing zeros', '20000.50', '0.0100'],
      ['bare point', '20000.', '1.'],
      ['plus sign', '+20000.5', '+0.01'],
      ['exponent', '2.00005e4', '1E-2'],
      ['blanks', ' 20000.5\t', '\n0.01 '],
      ['leading zeros', '020000.5', '.01'],
    ];
    for (const [name, price, qty] of spellings) {
      const order = orderOf(v.sell('maker', name, price, qty));
      expect([order.price, order.qty], name).toEqual([
        name === 'bare point' ? 20000 : 20000.5,
        name === 'bare point' ? 1 : 0.01,
      ]);
    }
    // One level, one queue: every order above rests at one price, in the order sent.
    expect(v.engine.book('SANDBOX.BTC-USD')!.asks).toEqual([
      [20000, 1, 1],
      [20000.5, 0.07, 7],
    ]);
  });

  it('never rounds a string onto the grid: its exact decimal must be on it', () => {
    const v = new Venue();
    expect(reasonOf(v.buy('maker', 'a', '19990.0000000000000000001', 0.01))).toBe('price_off_tick');
    expect(reasonOf(v.buy('maker', 'b', 19990, '0.30000000000000004'))).toBe('qty_not_lot_multiple');
    expect(reasonOf(v.buy('maker', 'c', 19990, '1e-400'))).toBe('qty_not_lot_multiple');
    expect(reasonOf(v.buy('maker', 'd', 19990, '-1e-400'))).toBe('qty_negative');
    expect(reasonOf(v.buy('maker', 'e', 19990, '-0.000'))).toBe('qty_zero');
    // A JSON number may carry binary error: 0.1 + 0.2 is the lot multiple 0.3.
    expect(reasonOf(v.buy('maker', 'f', 19990, 0.1 + 0.2))).toBe('ok');
  });

  it('refuses what is not a spelling of a number: not_a_number, or not_finite', () => {
    const v = new Venue();
    for (const junk of ['0x10', '1_000', '1,5', '١٠', '', ' ', '.', '+-1', '1e', 'e3', '1.2.3'])
      expect(reasonOf(v.buy('maker', `j${junk}`, 19990, junk)), junk).toBe('qty_not_a_number');
    for (const junk of ['NaN', '-Infinity', 'inf', '1e400'])
      expect(reasonOf(v.buy('maker', `n${junk}`, 19990, junk)), junk).toBe('qty_not_finite');
  });

  it('takes only the declared spellings when the config narrows them, and refuses the rest as not a number', () => {
    const declared: NumberSpelling[] = ['string', 'trailing_zeros'];
    const v = new Venue({ config: (c) => (c.numberSpellings = declared) });
    expect(reasonOf(v.buy('maker', 'a', '19990.0', '0.010'))).toBe('ok');
    expect(reasonOf(v.buy('maker', 'b', '+19990', 0.01))).toBe('price_not_a_number');
    expect(reasonOf(v.buy('maker', 'c', 19990, '1e-2'))).toBe('qty_not_a_number');
    expect(reasonOf(v.buy('maker', 'd', 19990, ' 0.01'))).toBe('qty_not_a_number');
    expect(reasonOf(v.buy('maker', 'e', '019990', 0.01))).toBe('price_not_a_number');
    const numbersOnly = new Venue({ config: (c) => (c.numberSpellings = []) });
    expect(reasonOf(numbersOnly.buy('maker', 'a', '19990', 0.01))).toBe('price_not_a_number');
    expect(reasonOf(numbersOnly.buy('maker', 'b', 19990, 'NaN'))).toBe('qty_not_a_number');
    expect(reasonOf(numbersOnly.buy('maker', 'c', 19990, 0.01))).toBe('ok');
  });

  it('reads decimals exactly', () => {
    expect(['2.5E4', '-0.0', '.5', '5.', '+007.100', '1e-3'].map(exactDecimal)).toEqual([
      '25000',
      '0',
      '0.5',
      '5',
      '7.1',
      '0.001',
    ]);
    expect([
      atomsDecimal(3, 10),
      atomsDecimal(200005, 10),
      atomsDecimal(0, 1000),
      atomsDecimal(-5, 100),
    ]).toEqual(['0.3', '20000.5', '0', '-0.05']);
    expect(readNumeric(' 1e2 ')).toEqual({ kind: 'number', value: 100, exact: '100' });
  });
});
