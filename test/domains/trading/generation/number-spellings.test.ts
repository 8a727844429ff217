import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSpelled, type Spelling } from '../../../../invariants/trading/support/spellings.ts';
import { spell } from '../../../../src/domains/trading/generation/number-spellings.ts';
import { tradingActions } from '../../../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import {
  defaultExchangeConfig,
  NUMBER_SPELLINGS,
  type NumberSpelling,
} from '../../../../src/domains/trading/protocol/exchange-config.ts';
import type { TradingAction } from '../../../../src/domains/trading/trading-action.ts';

/** Every price and quantity the generator sent, over a sample of runs aimed at a venue. */
function valuesSent(numberSpellings?: NumberSpelling[]): unknown[] {
  const config = { ...defaultExchangeConfig(), ...(numberSpellings ? { numberSpellings } : {}) };
  const sequences = fc.sample(tradingActions({ seed: 3, maxActions: 60 }, { config }), {
    seed: 5,
    numRuns: 200,
  });
  const values: unknown[] = [];
  for (const a of sequences.flat() as TradingAction[]) {
    if (a.kind !== 'place' && a.kind !== 'replace') continue;
    if (a.price !== undefined) values.push(a.price);
    if (a.qty !== undefined) values.push(a.qty);
  }
  return values;
}

/** The spellings the string values use (valid decimal strings only; junk is junk). */
function spellingsUsed(values: readonly unknown[]): Set<Spelling> {
  const used = new Set<Spelling>();
  for (const v of values) for (const s of readSpelled(v)?.uses ?? []) used.add(s);
  return used;
}

describe('spellings of prices and quantities in generation', () => {
  it('sends one value in every spelling the reference venue takes, numbers beside strings', () => {
    const values = valuesSent();
    expect([...spellingsUsed(values)].sort()).toEqual([...NUMBER_SPELLINGS].sort());
    const numbers = values.filter((v) => typeof v === 'number').length;
    expect(numbers / values.length).toBeGreaterThan(0.5);
    // The same value goes out spelled several ways: 20000 as a number, "20000.0", "2e4"...
    const byValue = new Map<string, Set<string>>();
    for (const v of values) {
      const exact = readSpelled(v)?.exact;
      if (exact === undefined) continue;
      byValue.set(exact, (byValue.get(exact) ?? new Set()).add(JSON.stringify(v)));
    }
    expect(Math.max(...[...byValue.values()].map((s) => s.size))).toBeGreaterThanOrEqual(5);
  });

  it('stays within what the venue declares: numbers only when it takes no strings', () => {
    expect(valuesSent([]).filter((v) => typeof v === 'string')).toEqual([]);
    const used = spellingsUsed(valuesSent(['string', 'trailing_zeros']));
    expect([...used].sort()).toEqual(['string', 'trailing_zeros']);
  });

  it('spells a value exactly', () => {
    const all = new Set(NUMBER_SPELLINGS);
    const forms = (value: number, kind: NumberSpelling) => [0, 1, 2].map((v) => spell(value, kind, v, all));
    expect(forms(20000.5, 'trailing_zeros')).toEqual(['20000.50', '20000.500', '20000.5000']);
    expect(forms(20000, 'trailing_zeros')).toEqual(['20000.', '20000.0', '20000.00']);
    expect(forms(20000.5, 'exponent')).toEqual(['2.00005e4', '200005E-1', '2.00005e+4']);
    expect(forms(0.001, 'exponent')).toEqual(['1e-3', '1E-3', '1e-3']);
    expect(forms(0.25, 'leading_zeros')).toEqual(['.25', '00.25', '000.25']);
    expect(spell(1e-7, 'string', 0, all)).toBe('0.0000001');
    expect(spell(0.01, 'plus_sign', 0, all)).toBe('+0.01');
    expect(spell(-0.01, 'plus_sign', 0, all)).toBe('-0.01');
    for (const kind of NUMBER_SPELLINGS)
      for (const value of [20000.5, 0.001, 1000, 0.3])
        for (const v of [0, 1, 2]) expect(readSpelled(spell(value, kind, v, all))?.exact).toBe(String(value));
    // Junk stays junk; with no strings taken, a string becomes its number or junk that is not a string.
    expect(spell('abc', 'number', 0, all)).toBe('abc');
    expect(['0.01', 'NaN', 'abc', ''].map((s) => spell(s, 'number', 0, new Set()))).toEqual([
      0.01,
      Number.NaN,
      null,
      null,
    ]);
  });
});
