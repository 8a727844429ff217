import type { Property } from '../../src/core/model/property.ts';
import { tradingActions } from '../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';

/**
 * Trading with every fault the target supports mixed into the same sequence: frames lost,
 * late, doubled, reordered or broken; connections cut, half-open or flapping; forged 429s and
 * 5xx answers; the venue crashing and restarting from its journal, pausing, its clock jumping;
 * and fills on a trader's orders while it is cut off. The client must heal (backoff, retry
 * under the same client order id, catch up), and the venue must lose and double nothing.
 */
export const chaosRecovery: Property<TradingAction> = {
  name: 'chaos-recovery',
  description:
    'Under network, response, process and clock faults the client heals and nothing acknowledged is lost or executed twice',
  tags: [
    'process.crash_restart',
    'connection.half_open',
    'frame.drop',
    'reconnect',
    'resync',
    'retry:no_reply',
    'retry:unavailable',
    'retry:rate_limited',
    'place',
    'cancel',
    'fill',
  ],
  actions: (context) =>
    tradingActions(context, {
      faultPercent: 30,
      // Besides the faults mixed in, a background nemesis strikes every 10 actions.
      nemesisEvery: 10,
      weights: { storm: 2, foreign: 2, duplicate_id: 2, reconnect: 2 },
    }),
  faults: 'all',
  sometimes: 'enabled',
  invariants: [
    'book.not-crossed',
    'orders.quantities',
    'orders.lifecycle',
    'funds.conservation',
    'funds.reserves',
    'trades.both-sides',
    'projection.converges',
    'streams.gapless',
    'requests.one-response',
    'idempotency.client-order-id',
    'isolation.private-streams',
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
    'events.content',
  ],
  settings: { maxActions: 40, requestTimeoutMs: 1000, quietMs: 50 },
};
