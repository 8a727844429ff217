import fc from 'fast-check';
import type { OrderType, SelfTradePrevention, Side, TimeInForce } from '../protocol/exchange-input.ts';
import { TRADERS, type Trader } from '../trading-action.ts';
import { bandTicks } from './instrument-grid.ts';
import { leanOneof } from './lean-oneof.ts';
import { recordOf } from './mapped-tuple.ts';
import type { TradingModel } from './trading-model.ts';
import { weightedConstants } from './weighted-constants.ts';

/** The small fields of a request, drawn with the biases of the adversarial mix. */

export const traderArb: fc.Arbitrary<Trader> = fc.constantFrom(...TRADERS);

export const sideArb: fc.Arbitrary<Side> = fc.constantFrom<Side>('buy', 'sell');

export const opposite = (side: Side): Side => (side === 'buy' ? 'sell' : 'buy');

/** Mostly back to back (0 is the same instant, which makes races), sometimes a visible pause. */
export const gapArb: fc.Arbitrary<number> = leanOneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 3 }) },
  { weight: 2, arbitrary: fc.integer({ min: 10, max: 200 }) },
);

export interface OrderKind {
  orderType: OrderType;
  /** Omitted sometimes, to exercise the venue's defaults. */
  tif?: TimeInForce;
}

const kind = (orderType: OrderType, tif?: TimeInForce): OrderKind =>
  tif ? { orderType, tif } : { orderType };

export const orderKindArb: fc.Arbitrary<OrderKind> = weightedConstants([
  { weight: 45, value: kind('limit', 'gtc') },
  { weight: 5, value: kind('limit') },
  { weight: 10, value: kind('limit', 'ioc') },
  { weight: 10, value: kind('limit', 'fok') },
  { weight: 10, value: kind('limit', 'post_only') },
  { weight: 8, value: kind('market', 'ioc') },
  { weight: 2, value: kind('market') },
  { weight: 6, value: kind('market', 'fok') },
  // Not allowed for market orders: invalid_request.
  { weight: 2, value: kind('market', 'gtc') },
]);

/** Orders meant to take liquidity: what a sweep or a crossing order is sent as. */
export const takerKindArb: fc.Arbitrary<OrderKind> = weightedConstants([
  { weight: 3, value: kind('limit', 'ioc') },
  { weight: 2, value: kind('limit', 'gtc') },
  { weight: 2, value: kind('limit', 'fok') },
  { weight: 3, value: kind('market', 'ioc') },
  { weight: 1, value: kind('market', 'fok') },
  // Marketable by construction, so the venue must refuse it: post_only_would_cross.
  { weight: 1, value: kind('limit', 'post_only') },
]);

/** Mostly the venue default, otherwise each mode. */
export const stpArb: fc.Arbitrary<SelfTradePrevention | undefined> = weightedConstants<
  SelfTradePrevention | undefined
>([
  { weight: 7, value: undefined },
  { weight: 1, value: 'cancel_newest' },
  { weight: 1, value: 'cancel_oldest' },
  { weight: 1, value: 'cancel_both' },
]);

/** Every mode equally, the default included: what the self-trade command uses. */
export const everyStpArb: fc.Arbitrary<SelfTradePrevention | undefined> = fc.constantFrom(
  undefined,
  'cancel_newest',
  'cancel_oldest',
  'cancel_both',
);

/** A sandbox symbol by index, or rarely a symbol the traders must be refused. */
export interface SymbolChoice {
  forbidden: boolean;
  index: number;
}

export const symbolChoiceArb: fc.Arbitrary<SymbolChoice> = recordOf(
  [
    weightedConstants([
      { weight: 97, value: false },
      { weight: 3, value: true },
    ]),
    fc.nat(99),
  ],
  ([forbidden, index]) => ({ forbidden, index }),
);

export const sandboxSymbolArb: fc.Arbitrary<SymbolChoice> = recordOf(
  [fc.constant(false), fc.nat(99)],
  ([forbidden, index]) => ({ forbidden, index }),
);

export function resolveSymbol(model: TradingModel, choice: SymbolChoice): string {
  const pool =
    choice.forbidden && model.forbiddenSymbols.length > 0 ? model.forbiddenSymbols : model.sandboxSymbols;
  return pool[choice.index % pool.length];
}

/**
 * A price that should rest rather than trade: `offset` ticks behind the better of the mark and
 * the current touch, kept inside the band.
 */
export function passiveTicks(model: TradingModel, symbol: string, side: Side, offset: number): number {
  const mark = model.mark(symbol);
  const band = bandTicks(model.grid(symbol), mark);
  const against = model.bestTicks(symbol, opposite(side));
  const ticks =
    side === 'buy'
      ? (against === undefined ? mark : Math.min(mark, against - 1)) - offset
      : (against === undefined ? mark : Math.max(mark, against + 1)) + offset;
  return Math.min(band.high, Math.max(band.low, ticks));
}
