import type { Property } from '../../src/core/model/property.ts';
import { tradingActions } from '../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';

/**
 * Orders alone: places of every type, cancels and replaces aimed at live, finished, foreign
 * and unknown orders, in flips, storms and races. Every order must move only through legal
 * statuses, with quantities that add up and flags (tif, post-only, fok) that hold.
 */
export const orderLifecycle: Property<TradingAction> = {
  name: 'order-lifecycle',
  description: 'Places, cancels and replaces (raced, stormed, misdirected) keep every order lifecycle legal',
  tags: [
    'place',
    'cancel',
    'replace',
    'order_accepted',
    'order_rejected',
    'fill',
    'order_cancelled',
    'order_replaced',
    'order_expired',
    'unknown_order',
    'order_not_open',
    'not_order_owner',
    'duplicate_client_order_id',
    'replace_no_change',
    'replace_qty_not_above_filled',
    'post_only_would_cross',
    'qty_not_lot_multiple',
    'qty_above_max',
    'qty_not_a_number',
    'price_off_tick',
    'price_out_of_band',
    'price_required',
  ],
  actions: (context) =>
    tradingActions(context, {
      weights: {
        place: 30,
        cancel: 12,
        replace: 10,
        flip: 5,
        competing_cancels: 5,
        cancel_race: 5,
        storm: 6,
        sweep: 4,
        self_trade: 2,
        duplicate_id: 3,
        foreign: 4,
        cancel_all: 0,
        set_mark: 0,
        reconnect: 0,
      },
    }),
  invariants: [
    'orders.lifecycle',
    'orders.quantities',
    'orders.flags',
    'book.depth-matches-orders',
    'book.best-price',
    'numbers.spellings-agree',
    'requests.valid-accepted',
    'requests.refusals-justified',
    'matching.happens',
    'events.content',
  ],
  settings: { maxActions: 40, requestTimeoutMs: 1000, quietMs: 50 },
};
