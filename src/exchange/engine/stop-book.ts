import type { NumberSpelling, StopTriggerOrder } from '../../domains/trading/protocol/exchange-config.ts';
import type { RejectReason } from '../../domains/trading/protocol/reject-reason.ts';
import type { InstrumentState, OrderState } from './engine-state.ts';
import { type AtomsOrReject, validatePrice } from './validate-amounts.ts';

/**
 * The stop orders of one instrument that have not triggered yet (docs/exchange.md, "Stop
 * orders"). A buy stop triggers when a trade prints at or above its stop price, a sell stop at
 * or below it. Stops wait here, off the book, in the order they were accepted; each leaves at
 * its trigger or its cancel. Held stops are open orders, so margin and maxPosition bound them.
 */
export class StopBook {
  /** In order of acceptance (order number), oldest first. */
  private readonly waiting: OrderState[] = [];

  get size(): number {
    return this.waiting.length;
  }

  add(order: OrderState): void {
    const list = this.waiting;
    let i = list.length;
    while (i > 0 && list[i - 1].num > order.num) i--;
    list.splice(i, 0, order);
  }

  remove(order: OrderState): void {
    const i = this.waiting.indexOf(order);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  /** The waiting stops, oldest first; callers must not change the list. */
  list(): readonly OrderState[] {
    return this.waiting;
  }

  clear(): void {
    this.waiting.length = 0;
  }

  /**
   * The stops a trade at `price` triggers, in the venue's precedence, taken out of the book
   * (left in when `keep`: the stop_triggers_twice bug). `reaches` decides whether the price
   * triggers a stop (the rule, or a planted bug's version of it).
   */
  triggeredBy(
    price: number,
    order: StopTriggerOrder,
    reaches: (stop: OrderState, price: number) => boolean,
    keep = false,
  ): OrderState[] {
    const hit: OrderState[] = [];
    const left: OrderState[] = [];
    for (const stop of this.waiting) (reaches(stop, price) ? hit : left).push(stop);
    if (hit.length === 0) return hit;
    if (!keep) {
      this.waiting.length = 0;
      for (const stop of left) this.waiting.push(stop);
    }
    if (order === 'stop_price') {
      // The stop price the market passed first: the farthest from this trade's price.
      hit.sort((a, b) => Math.abs(b.stopPrice - price) - Math.abs(a.stopPrice - price) || a.num - b.num);
    }
    return hit;
  }
}

/** Whether a trade at `price` reaches a stop's stop price: at or above for a buy, at or below for a sell. */
export function stopReached(stop: OrderState, price: number): boolean {
  return stop.isBuy ? price >= stop.stopPrice : price <= stop.stopPrice;
}

const STOP_REASON: Partial<Record<RejectReason, RejectReason>> = {
  price_required: 'stop_price_required',
  price_not_a_number: 'stop_price_not_a_number',
  price_not_finite: 'stop_price_not_finite',
  price_not_positive: 'stop_price_not_positive',
  price_off_tick: 'stop_price_off_tick',
  price_out_of_band: 'stop_price_out_of_band',
};

/**
 * A stop price is checked like a limit price (missing, not a number, not finite, not positive,
 * off tick, outside the band), each failure under its stop_price_* reason.
 */
export function validateStopPrice(
  value: unknown,
  inst: InstrumentState,
  spellings?: ReadonlySet<NumberSpelling>,
): AtomsOrReject {
  const p = validatePrice(value, inst, spellings);
  return typeof p === 'string' ? (STOP_REASON[p] ?? p) : p;
}

export function isStopType(type: unknown): type is 'stop_market' | 'stop_limit' {
  return type === 'stop_market' || type === 'stop_limit';
}

/** Orders with a limit price: limit, and stop_limit (its price is the limit it trades at). */
export function hasLimit(type: string): boolean {
  return type === 'limit' || type === 'stop_limit';
}

/** Orders that trade as market orders: market, and a triggered stop_market. */
export function marketLike(type: unknown): boolean {
  return type === 'market' || type === 'stop_market';
}
