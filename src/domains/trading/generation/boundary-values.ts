import fc from 'fast-check';
import type { Side } from '../protocol/exchange-input.ts';
import { bandTicks, cleanDecimal, type InstrumentGrid, priceAt, qtyAt } from './instrument-grid.ts';
import { leanOneof } from './lean-oneof.ts';
import { plainDecimal } from './number-spellings.ts';

/**
 * Prices and quantities are drawn as abstract choices and resolved against the instrument
 * (and, for prices, the mark of the moment) only when a command runs: the same choice then
 * means "the band top" whatever the mark has become, and shrinking moves choices toward the
 * plain near-the-mark values that come first.
 */

/** Named quantities at or around the instrument's limits, and junk a broken client might send. */
export const QTY_POINTS = [
  'lot',
  'min',
  'max',
  'max-minus-lot',
  'min-as-string',
  'max-plus-lot',
  'just-below-min',
  'zero',
  'negative',
  'off-lot',
  'lot-and-a-half',
  'NaN',
  'Infinity',
  'abc',
  'null',
  'empty',
  'huge',
] as const;
export type QtyPoint = (typeof QTY_POINTS)[number];

export type QtyChoice = { kind: 'lots'; lots: number } | { kind: 'point'; point: QtyPoint };

/** Named prices relative to the current mark and band, and junk. */
export const PRICE_POINTS = [
  'band-low',
  'band-high',
  'band-low-as-string',
  'below-band',
  'above-band',
  'off-tick',
  'just-off-tick',
  'far-above',
  'zero',
  'negative',
  'NaN',
  'Infinity',
  'abc',
  'null',
  'huge',
] as const;
export type PricePoint = (typeof PRICE_POINTS)[number];

/**
 * `near`: ticks from the mark. `touch`: ticks of aggressiveness from the best opposite order
 * (0 joins it, positive trades through it, negative rests just behind it).
 */
export type PriceChoice =
  | { kind: 'near'; ticks: number }
  | { kind: 'touch'; ticks: number }
  | { kind: 'point'; point: PricePoint };

/** The best opposite price (in ticks) an order of `side` would meet, when the book has one. */
export interface Touch {
  side: Side;
  ticks: number;
}

const VALID_QTY_EDGES: readonly QtyPoint[] = ['lot', 'min', 'max', 'max-minus-lot', 'min-as-string'];
const INVALID_QTY_EDGES: readonly QtyPoint[] = [
  'max-plus-lot',
  'just-below-min',
  'zero',
  'negative',
  'off-lot',
  'lot-and-a-half',
];
const QTY_JUNK: readonly QtyPoint[] = ['NaN', 'Infinity', 'abc', 'null', 'empty', 'huge'];

const VALID_PRICE_EDGES: readonly PricePoint[] = ['band-low', 'band-high', 'band-low-as-string'];
const INVALID_PRICE_EDGES: readonly PricePoint[] = [
  'below-band',
  'above-band',
  'off-tick',
  'just-off-tick',
  'far-above',
];
const PRICE_JUNK: readonly PricePoint[] = ['zero', 'negative', 'NaN', 'Infinity', 'abc', 'null', 'huge'];

const lots = (n: fc.Arbitrary<number>): fc.Arbitrary<QtyChoice> =>
  n.map((l): QtyChoice => ({ kind: 'lots', lots: l }));
const qtyPoints = (points: readonly QtyPoint[]): fc.Arbitrary<QtyChoice> =>
  fc.constantFrom(...points).map((point): QtyChoice => ({ kind: 'point', point }));
const pricePoints = (points: readonly PricePoint[]): fc.Arbitrary<PriceChoice> =>
  fc.constantFrom(...points).map((point): PriceChoice => ({ kind: 'point', point }));

/**
 * Mostly valid sizes (a few lots, which leave partial fills; tens of lots, whose sums show
 * float dust such as 0.1 + 0.2 ETH; a share of the maximum), a good share of exact limits,
 * and a smaller share of invalid edges and junk.
 */
export const qtyChoiceArb: fc.Arbitrary<QtyChoice> = leanOneof(
  { weight: 30, arbitrary: lots(fc.integer({ min: 1, max: 20 })) },
  { weight: 15, arbitrary: lots(fc.integer({ min: 1, max: 9 }).map((n) => n * 10)) },
  { weight: 15, arbitrary: lots(fc.integer({ min: 21, max: 1000 })) },
  { weight: 22, arbitrary: qtyPoints(VALID_QTY_EDGES) },
  { weight: 10, arbitrary: qtyPoints(INVALID_QTY_EDGES) },
  { weight: 8, arbitrary: qtyPoints(QTY_JUNK) },
);

/** Only sizes the venue should accept: what a command uses when it needs an order to rest. */
export const validQtyChoiceArb: fc.Arbitrary<QtyChoice> = leanOneof(
  { weight: 6, arbitrary: lots(fc.integer({ min: 1, max: 20 })) },
  { weight: 3, arbitrary: lots(fc.integer({ min: 1, max: 9 }).map((n) => n * 10)) },
  { weight: 2, arbitrary: lots(fc.integer({ min: 21, max: 1000 })) },
  { weight: 2, arbitrary: qtyPoints(['lot', 'min', 'max-minus-lot']) },
);

/** A few ticks around the mark: both sides land there, so orders cross and rest in turn. */
const nearTicks = fc.integer({ min: -10, max: 10 });

export const priceChoiceArb: fc.Arbitrary<PriceChoice> = leanOneof(
  { weight: 40, arbitrary: nearTicks.map((ticks): PriceChoice => ({ kind: 'near', ticks })) },
  {
    weight: 30,
    arbitrary: fc.integer({ min: -3, max: 3 }).map((ticks): PriceChoice => ({ kind: 'touch', ticks })),
  },
  { weight: 12, arbitrary: pricePoints(VALID_PRICE_EDGES) },
  { weight: 10, arbitrary: pricePoints(INVALID_PRICE_EDGES) },
  { weight: 8, arbitrary: pricePoints(PRICE_JUNK) },
);

export const validPriceChoiceArb: fc.Arbitrary<PriceChoice> = nearTicks.map(
  (ticks): PriceChoice => ({
    kind: 'near',
    ticks,
  }),
);

/** A clamp of lots into the instrument's valid range, so "a few lots" stays valid on any config. */
function validLots(grid: InstrumentGrid, n: number): number {
  return Math.min(grid.maxLots, Math.max(grid.minLots, n));
}

export function resolveQty(grid: InstrumentGrid, choice: QtyChoice): unknown {
  if (choice.kind === 'lots') return qtyAt(grid, validLots(grid, choice.lots));
  const { lotSize, minQty } = grid.config;
  switch (choice.point) {
    case 'lot':
      return qtyAt(grid, 1);
    case 'min':
      return qtyAt(grid, grid.minLots);
    case 'max':
      return qtyAt(grid, grid.maxLots);
    case 'max-minus-lot':
      return qtyAt(grid, grid.maxLots - 1);
    case 'min-as-string':
      return plainDecimal(minQty) ?? String(minQty);
    case 'max-plus-lot':
      return qtyAt(grid, grid.maxLots + 1);
    case 'just-below-min':
      // One more decimal than the lot allows: below the minimum and off the lot grid.
      return cleanDecimal(minQty - lotSize / 10, grid.qtyDecimals + 1);
    case 'zero':
      return 0;
    case 'negative':
      return -qtyAt(grid, 1);
    case 'off-lot':
      return cleanDecimal(lotSize / 2, grid.qtyDecimals + 1);
    case 'lot-and-a-half':
      return cleanDecimal(lotSize * 1.5, grid.qtyDecimals + 1);
    case 'NaN':
      return 'NaN';
    case 'Infinity':
      return 'Infinity';
    case 'abc':
      return 'abc';
    case 'null':
      return null;
    case 'empty':
      return '';
    case 'huge':
      return 1e12;
  }
}

export function resolvePrice(
  grid: InstrumentGrid,
  markTicks: number,
  choice: PriceChoice,
  touch?: Touch,
): unknown {
  const band = bandTicks(grid, markTicks);
  const inBand = (ticks: number) => priceAt(grid, Math.min(band.high, Math.max(band.low, ticks)));
  if (choice.kind === 'near') return inBand(markTicks + choice.ticks);
  if (choice.kind === 'touch') {
    if (!touch) return inBand(markTicks + choice.ticks);
    return inBand(touch.ticks + (touch.side === 'buy' ? choice.ticks : -choice.ticks));
  }
  const tick = grid.config.tickSize;
  switch (choice.point) {
    case 'band-low':
      return priceAt(grid, band.low);
    case 'band-high':
      return priceAt(grid, band.high);
    case 'band-low-as-string':
      return plainDecimal(priceAt(grid, band.low)) ?? String(priceAt(grid, band.low));
    case 'below-band':
      return priceAt(grid, band.low - 1);
    case 'above-band':
      return priceAt(grid, band.high + 1);
    case 'off-tick':
      return cleanDecimal(priceAt(grid, markTicks) + tick / 2, grid.priceDecimals + 1);
    case 'just-off-tick':
      return justOffTick(grid, markTicks);
    case 'far-above':
      return priceAt(grid, band.high * 3);
    case 'zero':
      return 0;
    case 'negative':
      return -priceAt(grid, markTicks);
    case 'NaN':
      return 'NaN';
    case 'Infinity':
      return 'Infinity';
    case 'abc':
      return 'abc';
    case 'null':
      return null;
    case 'huge':
      return 1e12;
  }
}

/**
 * A price next to a valid one and off the tick grid by the least a price can be: one unit of the
 * tick's last decimal when the tick is several of them (tick 0.5: 20000.1; tick 5: 20001), else
 * one unit of the next decimal (tick 0.01: 1000.001). Inside the band, so only the grid refuses it.
 */
export function justOffTick(grid: InstrumentGrid, markTicks: number): number {
  const unit = 10 ** -grid.priceDecimals;
  const ticksInUnits = Math.round(grid.config.tickSize / unit);
  const step = ticksInUnits > 1 ? unit : unit / 10;
  const decimals = ticksInUnits > 1 ? grid.priceDecimals : grid.priceDecimals + 1;
  return cleanDecimal(priceAt(grid, markTicks) + step, decimals);
}

/** Concrete quantities for one instrument, with the weights of qtyChoiceArb. */
export function qtyValues(grid: InstrumentGrid): fc.Arbitrary<unknown> {
  return qtyChoiceArb.map((choice) => resolveQty(grid, choice));
}

/** Concrete limit prices for one instrument at a given mark (in ticks), with the weights of priceChoiceArb. */
export function priceValues(
  grid: InstrumentGrid,
  markTicks: number = grid.markTicks,
  touch?: Touch,
): fc.Arbitrary<unknown> {
  return priceChoiceArb.map((choice) => resolvePrice(grid, markTicks, choice, touch));
}
