import type { Property } from '../../src/core/model/property.ts';
import { tradingActions } from '../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';

/**
 * Stop orders among ordinary trading: stops placed just ahead of the last trade (and at it,
 * behind it, or with broken stop prices, which must be refused), trades aimed at their stop
 * prices (exactly at them, past them in a gap, one tick short), cancels before the trigger,
 * sweeps and mark moves. Every stop must trigger exactly when the last trade reaches it, once,
 * never before its acceptance, and then act as its market or limit counterpart.
 */
export const stopOrders: Property<TradingAction> = {
  name: 'stop-orders',
  description:
    'Stops near the last trade and trades that cross them: each triggers exactly when reached, once, after acceptance, then acts as its counterpart',
  tags: [
    'place',
    'cancel',
    'set_mark',
    'order_accepted',
    'order_triggered',
    'order_rejected',
    'fill',
    'order_cancelled',
    'order_expired',
    'trade',
    'stop_would_trigger',
    'stop_price_required',
    'stop_price_not_a_number',
    'stop_price_not_finite',
    'stop_price_not_positive',
    'stop_price_off_tick',
    'stop_price_out_of_band',
    'open->triggered',
  ],
  actions: (context) =>
    tradingActions(context, {
      weights: {
        place: 14,
        cancel: 4,
        replace: 3,
        flip: 0,
        competing_cancels: 0,
        cancel_race: 3,
        storm: 0,
        requeue: 0,
        sweep: 6,
        self_trade: 2,
        duplicate_id: 0,
        foreign: 0,
        cancel_all: 2,
        set_mark: 4,
        reconnect: 0,
        stop: 24,
        stop_cancel: 4,
        stop_cross: 24,
      },
    }),
  invariants: [
    'stops.trigger-on-last-trade',
    'stops.trigger-once',
    'stops.trigger-after-accept',
    'stops.act-as-counterpart',
    'book.not-crossed',
    'orders.quantities',
    'orders.lifecycle',
    'funds.conservation',
    'funds.reserves',
    'trades.both-sides',
    'trades.no-self-trade',
    'trades.within-band',
    'projection.converges',
    'streams.gapless',
    'requests.one-response',
    'ledger.equity',
    'tape.matches-fills',
    'book.resync-consistent',
    'idempotency.client-order-id',
    'isolation.private-streams',
    'requests.answered',
    'durability.journal-replay',
  ],
  settings: { maxActions: 40, requestTimeoutMs: 1000, quietMs: 50 },
};
