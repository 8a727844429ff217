import fc from 'fast-check';
import { type OrderTarget, TRADERS, type Trader } from '../trading-action.ts';
import { recordOf } from './mapped-tuple.ts';
import type { PredictedOrder, TradingModel } from './trading-model.ts';
import { weightedConstants } from './weighted-constants.ts';

/**
 * Which order a cancel or replace should name. Mostly one the model predicts live (that is
 * where the venue's state changes), sometimes a finished one (order_not_open), another
 * trader's (must be refused) or one never placed (unknown_order).
 */
export type TargetMode = 'live' | 'dead' | 'foreign' | 'unknown';

export interface TargetChoice {
  mode: TargetMode;
  /** Index into the candidates, taken modulo their number. */
  pick: number;
  byOrderId: boolean;
}

export const pickArb = fc.nat(9999);

export const byOrderIdArb: fc.Arbitrary<boolean> = weightedConstants([
  { weight: 7, value: false },
  { weight: 3, value: true },
]);

export const targetChoiceArb: fc.Arbitrary<TargetChoice> = recordOf(
  [
    weightedConstants<TargetMode>([
      { weight: 85, value: 'live' },
      { weight: 6, value: 'dead' },
      { weight: 5, value: 'foreign' },
      { weight: 4, value: 'unknown' },
    ]),
    pickArb,
    byOrderIdArb,
  ],
  ([mode, pick, byOrderId]) => ({ mode, pick, byOrderId }),
);

export function pickFrom<T>(items: readonly T[], pick: number): T | undefined {
  return items.length === 0 ? undefined : items[pick % items.length];
}

export function targetOf(order: PredictedOrder, byOrderId: boolean): OrderTarget {
  return { step: order.step, clientOrderId: order.clientOrderId, byOrderId };
}

/** A trader other than `owner`, chosen by `pick`. */
export function otherTrader(owner: Trader, pick: number): Trader {
  const others = TRADERS.filter((t) => t !== owner);
  return others[pick % others.length];
}

/**
 * A target nothing was ever placed under: the id of the current step, which is not a place.
 * `step` is -1 because no step placed it, and it can only be named by client order id.
 */
export function neverPlaced(model: TradingModel): OrderTarget {
  return { step: -1, clientOrderId: model.nextClientOrderId(), byOrderId: false };
}

export interface ResolvedTarget {
  client: Trader;
  target: OrderTarget;
  /** The order named, when there is one. */
  order?: PredictedOrder;
}

/**
 * Whether the kind of order a choice asks for exists yet. Commands wait for it (fast-check
 * skips a command whose precondition fails) rather than fall back to something else.
 */
export function targetAvailable(model: Readonly<TradingModel>, mode: TargetMode): boolean {
  switch (mode) {
    case 'live':
      return model.orders.some((o) => o.live);
    case 'dead':
      return model.orders.some((o) => !o.live);
    case 'foreign':
      return model.orders.length > 0;
    case 'unknown':
      return true;
  }
}

/** Resolves a choice against the model, falling back to whatever exists when the wanted kind does not. */
export function chooseTarget(model: TradingModel, choice: TargetChoice): ResolvedTarget {
  const live = model.liveOrders();
  const dead = model.orders.filter((o) => !o.live);
  const deadAccepted = dead.filter((o) => o.accepted);
  const order =
    choice.mode === 'live'
      ? (pickFrom(live, choice.pick) ?? pickFrom(deadAccepted, choice.pick) ?? pickFrom(dead, choice.pick))
      : choice.mode === 'dead'
        ? (pickFrom(deadAccepted, choice.pick) ?? pickFrom(dead, choice.pick) ?? pickFrom(live, choice.pick))
        : choice.mode === 'foreign'
          ? (pickFrom(live, choice.pick) ?? pickFrom(model.orders, choice.pick))
          : undefined;
  if (!order) return { client: TRADERS[choice.pick % TRADERS.length], target: neverPlaced(model) };
  const client = choice.mode === 'foreign' ? otherTrader(order.client, choice.pick >> 4) : order.client;
  return { client, target: targetOf(order, choice.byOrderId), order };
}
