import type { Property } from '../../src/core/model/property.ts';
import { tradingActions } from '../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';

/**
 * Traders cross their own resting orders under each prevention mode (cancel_newest,
 * cancel_oldest, cancel_both), by new orders, sweeps and crossing replaces. No account may
 * ever trade with itself, and whatever prevention cancels must be told as such.
 */
export const selfTradePrevention: Property<TradingAction> = {
  name: 'self-trade-prevention',
  description: 'A trader crossing its own orders, under every stp mode, never trades with itself',
  tags: [
    'place',
    'replace',
    'cancel',
    'cancel_newest',
    'cancel_oldest',
    'cancel_both',
    'self_trade',
    'fill',
    'trade',
    'order_cancelled',
    'order_expired',
  ],
  actions: (context) =>
    tradingActions(context, {
      weights: {
        place: 20,
        cancel: 5,
        replace: 5,
        flip: 0,
        competing_cancels: 0,
        cancel_race: 3,
        storm: 3,
        sweep: 8,
        self_trade: 30,
        duplicate_id: 0,
        foreign: 0,
        cancel_all: 2,
        set_mark: 0,
        reconnect: 0,
      },
    }),
  invariants: [
    'trades.no-self-trade',
    'orders.lifecycle',
    'orders.flags',
    'book.not-crossed',
    'book.depth-matches-orders',
    'tape.matches-fills',
    'stp.cancels-named-order',
    'matching.happens',
  ],
  settings: { maxActions: 40, requestTimeoutMs: 1000, quietMs: 50 },
};
