import fc from 'fast-check';
import type { SelfTradePrevention, Side } from '../protocol/exchange-input.ts';
import type { OrderTarget, PlaceAction, Trader } from '../trading-action.ts';
import { type QtyChoice, resolveQty, validQtyChoiceArb } from './boundary-values.ts';
import { lotsOf, priceAt } from './instrument-grid.ts';
import { recordOf } from './mapped-tuple.ts';
import {
  type OrderKind,
  passiveTicks,
  resolveSymbol,
  type SymbolChoice,
  sandboxSymbolArb,
  sideArb,
  traderArb,
} from './order-fields.ts';
import { targetOf } from './order-targets.ts';
import type { Emit } from './plan-command.ts';
import type { PredictedOrder, TradingModel } from './trading-model.ts';

/** Pieces the commands are built from: whole requests, and the order a scenario revolves around. */

export interface PlaceFields {
  client: Trader;
  gapMs: number;
  symbol: string;
  side: Side;
  kind: OrderKind;
  price?: unknown;
  qty: unknown;
  clientOrderId: string;
  stp?: SelfTradePrevention;
}

/** A place request; market orders carry no price, and unset options are left out. */
export function placeAction(f: PlaceFields): PlaceAction {
  // Field by field, in this order (the order a request is written in): no spread objects.
  const action: PlaceAction = {
    kind: 'place',
    client: f.client,
    gapMs: f.gapMs,
    symbol: f.symbol,
    side: f.side,
    orderType: f.kind.orderType,
  } as PlaceAction;
  if (f.kind.tif) action.tif = f.kind.tif;
  if (f.kind.orderType === 'limit') action.price = f.price;
  action.qty = f.qty;
  action.clientOrderId = f.clientOrderId;
  if (f.stp) action.stp = f.stp;
  return action;
}

/**
 * The order a scenario works on: one the model knows, or one the scenario just placed (or would
 * have placed, when the shrinker dropped that place: it is then named by its unused client id).
 */
export interface Anchor {
  client: Trader;
  symbol: string;
  side: Side;
  priceTicks: number;
  /** Quantity still open, in lots (at least one). */
  lots: number;
  place: PlaceAction;
  order?: PredictedOrder;
}

export function anchorOf(model: TradingModel, order: PredictedOrder): Anchor {
  return {
    client: order.client,
    symbol: order.symbol,
    side: order.side,
    priceTicks: order.priceTicks ?? model.mark(order.symbol),
    lots: Math.max(1, (order.lots ?? 1) - order.filledLots),
    place: order.place,
    order,
  };
}

export function anchorTarget(anchor: Anchor, byOrderId: boolean): OrderTarget {
  if (anchor.order) return targetOf(anchor.order, byOrderId);
  return { step: -1, clientOrderId: anchor.place.clientOrderId, byOrderId: false };
}

/** A valid order meant to rest, for scenarios that need one when the book has none. */
export interface RestingSeed {
  trader: Trader;
  symbol: SymbolChoice;
  side: Side;
  offset: number;
  qty: QtyChoice;
}

export const restingSeedArb: fc.Arbitrary<RestingSeed> = recordOf(
  [traderArb, sandboxSymbolArb, sideArb, fc.nat(5), validQtyChoiceArb],
  ([trader, symbol, side, offset, qty]) => ({ trader, symbol, side, offset, qty }),
);

/** Places a limit gtc order just behind the touch, so that it rests. */
export function placeResting(
  model: TradingModel,
  emit: Emit,
  seed: RestingSeed,
  gapMs: number,
  at?: { symbol: string; ticks: number; client?: Trader },
): Anchor {
  const symbol = at?.symbol ?? resolveSymbol(model, seed.symbol);
  const grid = model.grid(symbol);
  const ticks = at?.ticks ?? passiveTicks(model, symbol, seed.side, seed.offset);
  const place = placeAction({
    client: at?.client ?? seed.trader,
    gapMs,
    symbol,
    side: seed.side,
    kind: { orderType: 'limit', tif: 'gtc' },
    price: priceAt(grid, ticks),
    qty: resolveQty(grid, seed.qty),
    clientOrderId: model.nextClientOrderId(),
  });
  if (emit(place)) return anchorOf(model, model.orders[model.orders.length - 1]);
  const lots = lotsOf(grid, place.qty) ?? 1;
  return { client: place.client, symbol, side: seed.side, priceTicks: ticks, lots, place };
}

/** A live order picked from the book, or else a fresh resting one; with the gap left for the next action. */
export function liveOrSeed(
  model: TradingModel,
  emit: Emit,
  pick: number,
  seed: RestingSeed,
  gapMs: number,
): { anchor: Anchor; gapMs: number } {
  const live = model.liveOrders();
  if (live.length > 0) return { anchor: anchorOf(model, live[pick % live.length]), gapMs };
  return { anchor: placeResting(model, emit, seed, gapMs), gapMs: 0 };
}
