import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PRICE_POINTS,
  type PricePoint,
  priceValues,
  QTY_POINTS,
  type QtyPoint,
  qtyValues,
  resolvePrice,
  resolveQty,
} from '../../../../src/domains/trading/generation/boundary-values.ts';
import { gridOf, type InstrumentGrid } from '../../../../src/domains/trading/generation/instrument-grid.ts';
import { defaultExchangeConfig } from '../../../../src/domains/trading/protocol/exchange-config.ts';
import { Engine } from '../../../../src/exchange/engine/engine.ts';

const config = defaultExchangeConfig();
const grids = config.instruments.filter((i) => i.symbol.startsWith('SANDBOX.')).map(gridOf);

/** What a fresh engine answers to one limit buy by the maker. */
function verdict(grid: InstrumentGrid, price: unknown, qty: unknown): string {
  const engine = new Engine({ config: defaultExchangeConfig() });
  const out = engine.apply(
    {
      op: 'place',
      account: 'maker',
      symbol: grid.symbol,
      side: 'buy',
      type: 'limit',
      price,
      qty,
      clientOrderId: 'c',
    },
    1,
  );
  return out.response.ok ? 'ok' : out.response.reason;
}

const QTY_VERDICTS: Record<QtyPoint, string> = {
  lot: 'ok',
  min: 'ok',
  max: 'ok',
  'max-minus-lot': 'ok',
  'min-as-string': 'ok',
  'max-plus-lot': 'qty_above_max',
  'just-below-min': 'qty_not_lot_multiple',
  zero: 'qty_zero',
  negative: 'qty_negative',
  'off-lot': 'qty_not_lot_multiple',
  'lot-and-a-half': 'qty_not_lot_multiple',
  NaN: 'qty_not_finite',
  Infinity: 'qty_not_finite',
  abc: 'qty_not_a_number',
  null: 'qty_not_a_number',
  empty: 'qty_not_a_number',
  huge: 'qty_above_max',
};

const PRICE_VERDICTS: Record<PricePoint, string> = {
  'band-low': 'ok',
  'band-high': 'ok',
  'band-low-as-string': 'ok',
  'below-band': 'price_out_of_band',
  'above-band': 'price_out_of_band',
  'off-tick': 'price_off_tick',
  'just-off-tick': 'price_off_tick',
  'far-above': 'price_out_of_band',
  zero: 'price_not_positive',
  negative: 'price_not_positive',
  NaN: 'price_not_finite',
  Infinity: 'price_not_finite',
  abc: 'price_not_a_number',
  null: 'price_required',
  huge: 'price_out_of_band',
};

describe('boundary pools', () => {
  it.each(grids.map((g) => [g.symbol, g] as const))(
    'every quantity point lands where it is meant to (%s)',
    (_, grid) => {
      const price = resolvePrice(grid, grid.markTicks, { kind: 'near', ticks: -1 });
      for (const point of QTY_POINTS) {
        expect([point, verdict(grid, price, resolveQty(grid, { kind: 'point', point }))]).toEqual([
          point,
          QTY_VERDICTS[point],
        ]);
      }
    },
  );

  it.each(grids.map((g) => [g.symbol, g] as const))(
    'every price point lands where it is meant to (%s)',
    (_, grid) => {
      const qty = resolveQty(grid, { kind: 'point', point: 'lot' });
      for (const point of PRICE_POINTS) {
        expect([
          point,
          verdict(grid, resolvePrice(grid, grid.markTicks, { kind: 'point', point }), qty),
        ]).toEqual([point, PRICE_VERDICTS[point]]);
      }
    },
  );

  it('puts the band edges where the venue does after a mark move', () => {
    const btc = grids[0];
    const mark = 20600 / btc.config.tickSize;
    expect(resolvePrice(btc, mark, { kind: 'point', point: 'band-low' })).toBe(19570);
    expect(resolvePrice(btc, mark, { kind: 'point', point: 'band-high' })).toBe(21630);
  });

  it('prices near the touch join, cross or rest just behind the best opposite order', () => {
    const eth = grids[1];
    const touch = { side: 'buy' as const, ticks: 100_050 };
    expect(resolvePrice(eth, eth.markTicks, { kind: 'touch', ticks: 0 }, touch)).toBe(1000.5);
    expect(resolvePrice(eth, eth.markTicks, { kind: 'touch', ticks: 2 }, touch)).toBe(1000.52);
    expect(
      resolvePrice(eth, eth.markTicks, { kind: 'touch', ticks: -1 }, { side: 'sell', ticks: 100_050 }),
    ).toBe(1000.51);
  });

  it('weights: mostly valid values, a good share of exact limits, a smaller share of junk', () => {
    const btc = grids[0];
    const qtys = fc.sample(qtyValues(btc), { seed: 5, numRuns: 4000 });
    const prices = fc.sample(priceValues(btc), { seed: 5, numRuns: 4000 });
    const share = (xs: unknown[], p: (x: unknown) => boolean) => xs.filter(p).length / xs.length;
    const limits = share(qtys, (q) => q === 0.001 || q === 5);
    const junkQty = share(qtys, (q) => typeof q !== 'number' || !Number.isFinite(q) || q <= 0 || q > 5);
    const validPrice = share(
      prices,
      (p) => typeof p === 'number' && p >= 19000 && p <= 21000 && (p * 2) % 1 === 0,
    );
    expect(limits).toBeGreaterThan(0.1);
    expect(junkQty).toBeGreaterThan(0.05);
    expect(junkQty).toBeLessThan(0.25);
    expect(validPrice).toBeGreaterThan(0.75);
  });
});
