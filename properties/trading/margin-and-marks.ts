import type { Property } from '../../src/core/model/property.ts';
import { tradingActions } from '../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';

/**
 * The admin moves marks by up to 6% against open positions and away from resting orders,
 * while traders push toward their leverage and position limits. Cash must be conserved,
 * reserves must match open orders, equity must follow the mark, and no trade may leave the band.
 */
export const marginAndMarks: Property<TradingAction> = {
  name: 'margin-and-marks',
  description: 'Mark jumps and orders at the leverage limits keep funds, reserves and equity exact',
  tags: [
    'set_mark',
    'place',
    'cancel',
    'replace',
    'cancel_all',
    'mark_price',
    'balance',
    'position',
    'order_cancelled',
    'band',
    'insufficient_funds',
    'insufficient_margin',
    'max_position',
    'price_out_of_band',
  ],
  actions: (context) =>
    tradingActions(context, {
      weights: {
        place: 30,
        cancel: 6,
        replace: 5,
        flip: 0,
        competing_cancels: 0,
        cancel_race: 6,
        storm: 2,
        sweep: 8,
        self_trade: 0,
        duplicate_id: 0,
        foreign: 0,
        cancel_all: 4,
        set_mark: 15,
        reconnect: 0,
      },
    }),
  invariants: [
    'funds.conservation',
    'funds.reserves',
    'ledger.equity',
    'trades.within-band',
    'book.depth-matches-orders',
    'book.best-price',
    'requests.answered',
    'requests.valid-accepted',
    'requests.refusals-justified',
    'events.content',
  ],
  settings: { maxActions: 40, requestTimeoutMs: 1000, quietMs: 50 },
};
