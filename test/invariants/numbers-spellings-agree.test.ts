import { describe, expect, it } from 'vitest';
import { invariantByName } from '../../invariants/trading/index.ts';
import type { ScopedInvariant } from '../../invariants/trading/support/scope.ts';
import { exactDecimal, readSpelled } from '../../invariants/trading/support/spellings.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { check, cleanEvidence } from './check.ts';
import { ETH, Scenario } from './evidence-builder.ts';

const NAME = 'numbers.spellings-agree';
const scope = (evidence: TradingEvidence) => (invariantByName.get(NAME) as ScopedInvariant).scope(evidence);

/** One price and one size, each in several spellings; equal values meet in one level and one queue. */
function spelled(bugs: 'decimals_counted_as_written'[] = []) {
  const s = new Scenario({ bugs });
  s.place('maker', 'm1', 'sell', 20000.5, '0.0100');
  s.place('bystander', 'b1', 'sell', '20000.50', 0.01);
  s.place('maker', 'm2', 'sell', '+2.00005e4', ' 0.01 ');
  s.place('taker', 't1', 'buy', '20000.5', '.015');
  s.place('maker', 'e1', 'buy', '999.900', '1.50', { symbol: ETH });
  return s;
}

describe(NAME, () => {
  it('reads spellings exactly', () => {
    expect(['100', '100.0', '+100.00', '1e2', '1.000E+2', ' 0100 ', '100.'].map(exactDecimal)).toEqual([
      '100',
      '100',
      '100',
      '100',
      '100',
      undefined,
      '100',
    ]);
    expect(exactDecimal('0.30000000000000004')).toBe('0.30000000000000004');
    expect(exactDecimal('-0.0')).toBe('0');
    expect([...(readSpelled(' +.50e1 ')?.uses ?? [])].sort()).toEqual(
      ['blanks', 'exponent', 'leading_zeros', 'plus_sign', 'string', 'trailing_zeros'].sort(),
    );
    expect(readSpelled('0x10')).toBeUndefined();
  });

  it('passes a clean run (numbers only: it says so)', () => {
    const evidence = cleanEvidence();
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence).skipped).toEqual(['no price or quantity was sent as a string in this run']);
  });

  it('passes a clean run where one price and one size come in every spelling', () => {
    const evidence = spelled().evidence();
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence).skipped).toEqual([]);
    const levels = evidence.snapshot.books[0].asks;
    expect(levels).toEqual([[20000.5, 0.015, 2]]);
  });

  it('catches decimals_counted_as_written: "20000.50" refused as off the tick', () => {
    const violations = check(NAME, spelled(['decimals_counted_as_written']).evidence());
    expect(violations.map((v) => v.message)).toEqual([
      'place at step 0: qty "0.0100" (= 0.01, a multiple of the 0.001 lot) was refused qty_not_lot_multiple',
      'place at step 1: price "20000.50" (= 20000.5, a multiple of the 0.5 tick) was refused price_off_tick',
      'place at step 2: price "+2.00005e4" (= 20000.5, a multiple of the 0.5 tick) was refused price_off_tick',
      'place at step 4: price "999.900" (= 999.9, a multiple of the 0.01 tick) was refused price_off_tick',
    ]);
    expect(violations[0].steps).toEqual([0]);
  });

  it('holds the venue only to the spellings it declares', () => {
    const evidence = spelled(['decimals_counted_as_written']).evidence();
    evidence.extra.config = {
      ...evidence.extra.config,
      numberSpellings: ['string', 'plus_sign', 'exponent'],
    } as never;
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'place at step 2: price "+2.00005e4" (= 20000.5, a multiple of the 0.5 tick) was refused price_off_tick',
    ]);
  });

  it('catches a value taken as another, and a fill away from the spelled limit (record corrupted)', () => {
    const evidence = spelled().evidence();
    for (const r of evidence.events) {
      if (r.client !== 'admin') continue;
      if (r.event.type === 'order_accepted' && r.event.orderId === 'O2') r.event.price = 20005;
      if (r.event.type === 'fill' && r.event.orderId === 'O1' && r.event.liquidity === 'maker')
        r.event.price = 20001;
    }
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'place at step 1 spelled price "20000.50" (= 20000.5), but O2 was taken at 20005',
      'maker fill T1 of order O1 (maker, m1) at 20001, not at the limit its request spelled a JSON number (= 20000.5)',
    ]);
  });

  it('catches a queue that puts one spelling of a price before another (record corrupted)', () => {
    const evidence = spelled().evidence();
    // The venue's record says the second fill hit O3 ("+2.00005e4"), ahead of O2 ("20000.50"), which rested first.
    for (const r of evidence.events) {
      if (r.client === 'admin' && r.event.type === 'fill' && r.event.orderId === 'O2') {
        r.event.orderId = 'O3';
        r.event.clientOrderId = 'm2';
        r.stream = 'account:maker';
        r.seq = 1000;
      }
    }
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'maker fill T2 hit order O3 (maker, m2) (price spelled "+2.00005e4") while order O2 (bystander, b1) (spelled "20000.50", the same 20000.5) rested there since before it',
    ]);
  });

  it('catches two levels at one price on a book (a venue that keys levels by spelling)', () => {
    const evidence = spelled().evidence();
    const deltas = evidence.events.filter((r) => r.client === 'taker' && r.event.type === 'book_delta');
    const second = deltas[1];
    if (second.event.type === 'book_delta') (second.event as { price: unknown }).price = '20000.50';
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      `taker's book SANDBOX.BTC-USD sell holds two levels at 20000.5: 20000.5 and "20000.50"`,
    ]);
  });
});
