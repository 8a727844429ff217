import type { Property } from '../../src/core/model/property.ts';
import { tradingActions } from '../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import { SURFACE_COMMAND_WEIGHTS } from '../../src/domains/trading/generation/trading-commands.ts';
import { TRADING_ACTION_KINDS, type TradingAction } from '../../src/domains/trading/trading-action.ts';
import { VENUE_EVENT_TYPES, VENUE_REJECT_REASONS } from '../../src/domains/trading/trading-surface.ts';

/**
 * The full adversarial mix against every trading rule at once: all request kinds, races at
 * the same instant, boundary and junk values, self-trades, retried ids, foreign orders, mark
 * jumps and reconnects, and the rest of the surface (halts, resets, status queries, refused
 * marks, malformed requests, orders at the funding edge). It is the property that should catch
 * every planted bug. It aims at the campaign's venue (`run --config`).
 */
export const tradingVenue: Property<TradingAction> = {
  name: 'trading-venue',
  description:
    'Adversarial trading (races, boundary values, self-trades, duplicate ids, mark jumps, reconnects) keeps every trading invariant',
  tags: [
    // A venue per run is varied-venues' (the configure action).
    ...TRADING_ACTION_KINDS.filter((k) => k !== 'configure'),
    // Stop orders have their own property (stop-orders.ts).
    ...VENUE_EVENT_TYPES.filter((t) => t !== 'order_triggered'),
    ...VENUE_REJECT_REASONS.filter(
      (r) => r !== 'rate_limited' && r !== 'stop_would_trigger' && !r.startsWith('stop_price_'),
    ),
  ],
  actions: (context) => tradingActions(context, { weights: { ...SURFACE_COMMAND_WEIGHTS } }),
  invariants: [
    'book.not-crossed',
    'orders.quantities',
    'orders.lifecycle',
    'orders.flags',
    'book.price-time-priority',
    'funds.conservation',
    'funds.reserves',
    'trades.both-sides',
    'trades.no-self-trade',
    'trades.within-band',
    'projection.converges',
    'streams.gapless',
    'requests.one-response',
    'idempotency.client-order-id',
    'isolation.private-streams',
    'ledger.equity',
    'fills.no-duplicates',
    'durability.journal-replay',
    'durability.acknowledged-kept',
    'reconnect.ghost-fills-found',
    'retries.execute-once',
    'client.backoff',
    'book.depth-matches-orders',
    'book.best-price',
    'book.resync-consistent',
    'tape.matches-fills',
    'numbers.spellings-agree',
    'requests.answered',
    'requests.valid-accepted',
    'requests.refusals-justified',
    'matching.happens',
    'stp.cancels-named-order',
    'events.content',
  ],
  settings: { maxActions: 60, requestTimeoutMs: 1000, quietMs: 50 },
  // A healthy venue answers nearly every request (a reconnect action may cut a few in flight),
  // and quickly over a loopback socket. The bounds are loose on purpose (a shared 2-core CI
  // machine): they catch a venue that stalls or drops requests, not jitter.
  slos: [
    { action: 'place', minSuccessRate: 0.95, minSamples: 200 },
    { action: 'cancel', minSuccessRate: 0.95, minSamples: 200 },
    { action: 'place', percentile: 99, maxMs: 500, transports: ['ws'] },
    { action: 'cancel', percentile: 99, maxMs: 500, transports: ['ws'] },
  ],
};
