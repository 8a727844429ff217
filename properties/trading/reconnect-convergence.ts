import type { Property } from '../../src/core/model/property.ts';
import { tradingActions } from '../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';

/**
 * Traders drop their connections after fills and catch up by snapshot (resync) or replay
 * (resume). Each stream must stay gapless, no fill may arrive twice, and every client's view
 * must converge on the venue's state.
 */
export const reconnectConvergence: Property<TradingAction> = {
  name: 'reconnect-convergence',
  description: 'Reconnecting after fills, by resync or resume, loses and repeats nothing',
  tags: [
    'reconnect',
    'resync',
    'resume',
    'place',
    'cancel',
    'fill',
    'trade',
    'book_delta',
    'balance',
    'position',
  ],
  actions: (context) =>
    tradingActions(context, {
      weights: {
        place: 25,
        cancel: 6,
        replace: 5,
        flip: 3,
        competing_cancels: 0,
        cancel_race: 6,
        storm: 0,
        sweep: 8,
        self_trade: 2,
        duplicate_id: 0,
        foreign: 0,
        cancel_all: 3,
        set_mark: 3,
        reconnect: 15,
      },
    }),
  invariants: [
    'streams.gapless',
    'fills.no-duplicates',
    'projection.converges',
    'book.resync-consistent',
    'book.depth-matches-orders',
    'book.best-price',
    'tape.matches-fills',
    'requests.answered',
    'events.content',
  ],
  settings: { maxActions: 40, requestTimeoutMs: 1000, quietMs: 50 },
};
