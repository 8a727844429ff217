import { FEEDS_INVARIANT_NAMES } from '../../invariants/feeds/index.ts';
import type { Property } from '../../src/core/model/property.ts';
import type { FeedsAction } from '../../src/domains/feeds/feeds-action.ts';
import { feedsActions } from '../../src/domains/feeds/generation/feeds-actions-arbitrary.ts';

/**
 * A clean workload: several subscribers subscribe to heads and to filtered logs, unsubscribe,
 * and make plain calls (some with params the proxy must refuse) at a constant or bursty pace,
 * against a proxy whose routing strategy and breaker each run draws. No upstream is touched
 * and no link is faulted: every feed is gapless, every call answered, every metric exact.
 */
export const feedsClean: Property<FeedsAction> = {
  name: 'feeds-clean',
  description:
    'Subscriptions and calls from several clients at once, nothing failing: every feed and answer is exact',
  tags: ['subscribe', 'unsubscribe', 'eth_blockNumber', 'eth_getBlockByNumber', 'eth_getLogs', 'head', 'log'],
  actions: (context) => feedsActions(context, { configure: true }),
  // Nothing touches the upstreams here: the rules about breakers opening and controls applied
  // would have nothing to check (the failover property checks them).
  invariants: FEEDS_INVARIANT_NAMES.filter(
    (name) => !['breaker.opens', 'breaker.recovers', 'upstream.controls-applied'].includes(name),
  ),
  settings: { maxActions: 30, quietMs: 50 },
  // Per call type: in process the latencies are the virtual link and upstream delays (a few ms);
  // over loopback sockets they are wall clock.
  slos: [
    { action: 'eth_blockNumber', minSuccessRate: 0.99, minSamples: 50 },
    { action: 'eth_getLogs', minSuccessRate: 0.95, minSamples: 50 },
    { action: 'subscribe', minSuccessRate: 0.99, minSamples: 50 },
    { action: 'eth_blockNumber', percentile: 99, maxMs: 40, transports: ['inproc'] },
    { action: 'eth_getBlockByNumber', percentile: 99, maxMs: 40, transports: ['inproc'] },
    { action: 'eth_getLogs', percentile: 99, maxMs: 40, transports: ['inproc'] },
    { action: 'eth_blockNumber', percentile: 99, maxMs: 250, transports: ['ws'] },
    { action: 'eth_getLogs', percentile: 99, maxMs: 250, transports: ['ws'] },
  ],
};
