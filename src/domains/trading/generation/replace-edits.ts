import fc from 'fast-check';
import {
  type PriceChoice,
  priceChoiceArb,
  type QtyChoice,
  qtyChoiceArb,
  resolvePrice,
  resolveQty,
} from './boundary-values.ts';
import { priceAt, qtyAt } from './instrument-grid.ts';
import { leanOneof } from './lean-oneof.ts';
import { recordOf } from './mapped-tuple.ts';
import { pickArb, pickFrom } from './order-targets.ts';
import type { PredictedOrder, TradingModel } from './trading-model.ts';

/**
 * How a replace changes an order, relative to what the model believes the order is: a small
 * price move (loses priority), a move onto a level where another order already rests (the
 * queue order there is what replace_keeps_priority gets wrong), a size decrease (keeps
 * priority) or increase, or a value from the boundary pools, junk included (a rejected replace
 * must leave the order as it was).
 */
export type PriceEdit =
  | { kind: 'keep' }
  | { kind: 'move'; ticks: number }
  | { kind: 'join'; pick: number }
  | { kind: 'choice'; choice: PriceChoice };

export type QtyEdit =
  | { kind: 'keep' }
  | { kind: 'down'; lots: number }
  | { kind: 'up'; lots: number }
  | { kind: 'choice'; choice: QtyChoice };

export interface ReplaceEdit {
  price: PriceEdit;
  qty: QtyEdit;
}

const nonZeroTicks = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.boolean()).map(([n, up]) => (up ? n : -n));

const priceEditArb: fc.Arbitrary<PriceEdit> = leanOneof(
  { weight: 25, arbitrary: fc.constant<PriceEdit>({ kind: 'keep' }) },
  { weight: 30, arbitrary: nonZeroTicks.map((ticks): PriceEdit => ({ kind: 'move', ticks })) },
  { weight: 20, arbitrary: pickArb.map((pick): PriceEdit => ({ kind: 'join', pick })) },
  { weight: 25, arbitrary: priceChoiceArb.map((choice): PriceEdit => ({ kind: 'choice', choice })) },
);

const qtyEditArb: fc.Arbitrary<QtyEdit> = leanOneof(
  { weight: 30, arbitrary: fc.constant<QtyEdit>({ kind: 'keep' }) },
  { weight: 25, arbitrary: fc.integer({ min: 1, max: 20 }).map((lots): QtyEdit => ({ kind: 'down', lots })) },
  { weight: 20, arbitrary: fc.integer({ min: 1, max: 50 }).map((lots): QtyEdit => ({ kind: 'up', lots })) },
  { weight: 25, arbitrary: qtyChoiceArb.map((choice): QtyEdit => ({ kind: 'choice', choice })) },
);

export const replaceEditArb: fc.Arbitrary<ReplaceEdit> = recordOf(
  [priceEditArb, qtyEditArb],
  ([price, qty]) => ({ price, qty }),
);

/** The new price and quantity a replace sends; undefined fields are left out of the request. */
export function resolveEdit(
  model: TradingModel,
  order: PredictedOrder | undefined,
  edit: ReplaceEdit,
): { price?: unknown; qty?: unknown } {
  // An order on a symbol the venue does not list (refused unknown_symbol) is edited as if on the first.
  const symbol =
    order !== undefined && model.grids.has(order.symbol) ? order.symbol : model.sandboxSymbols[0];
  const grid = model.grid(symbol);
  const mark = model.mark(symbol);
  const ticks = order?.priceTicks ?? mark;
  const lots = order?.lots ?? grid.minLots;
  const out: { price?: unknown; qty?: unknown } = {};
  switch (edit.price.kind) {
    case 'keep':
      break;
    case 'move':
      out.price = priceAt(grid, Math.max(1, ticks + edit.price.ticks));
      break;
    case 'join': {
      const levels = model
        .liveOrders()
        .filter((o) => o !== order && o.symbol === symbol && o.side === order?.side && o.priceTicks !== ticks)
        .map((o) => o.priceTicks)
        .filter((t) => t !== undefined);
      out.price = priceAt(grid, pickFrom(levels, edit.price.pick) ?? ticks + 1);
      break;
    }
    case 'choice':
      out.price = resolvePrice(grid, mark, edit.price.choice, order && model.touch(symbol, order.side));
      break;
  }
  switch (edit.qty.kind) {
    case 'keep':
      break;
    case 'down':
      out.qty = qtyAt(grid, Math.max((order?.filledLots ?? 0) + 1, lots - edit.qty.lots));
      break;
    case 'up':
      out.qty = qtyAt(grid, lots + edit.qty.lots);
      break;
    case 'choice':
      out.qty = resolveQty(grid, edit.qty.choice);
      break;
  }
  return out;
}
