import { FEEDS_INVARIANT_NAMES } from '../../invariants/feeds/index.ts';
import type { Property } from '../../src/core/model/property.ts';
import type { FeedsAction } from '../../src/domains/feeds/feeds-action.ts';
import {
  FEEDS_LINK_FAULT_KINDS,
  FEEDS_PROCESS_FAULT_KINDS,
  feedsActions,
} from '../../src/domains/feeds/generation/feeds-actions-arbitrary.ts';

/**
 * Chaos on the subscribers' links to the proxy and on one upstream's link to it (frames
 * dropped, delayed, doubled, reordered; connections closed or left half-open), the proxy's
 * process killed and restarted or paused, mixed with upstream failures. The client notices a
 * dead link, reconnects and resubscribes; the invariants excuse exactly what the fault records
 * say a subscriber's link destroyed, doubled or reordered, and nothing the proxy did (nor what
 * an upstream's link did: the proxy must heal that itself).
 */
export const feedsChaos: Property<FeedsAction> = {
  name: 'feeds-chaos',
  description:
    'Link faults on the subscribers plus upstream failures: clients heal, and the proxy loses or doubles nothing itself',
  tags: ['frame.drop', 'frame.duplicate', 'connection.half_open', 'resubscribed', 'kill', 'reorg'],
  actions: (context) =>
    feedsActions(context, {
      configure: true,
      upstream: 2,
      controls: ['kill', 'restart', 'lag', 'fail', 'reorg', 'disconnect'],
      faults: 3,
    }),
  // The proxy's process faults act on the reference proxy in process and inside the ws target's server.
  faults: [...FEEDS_LINK_FAULT_KINDS, ...FEEDS_PROCESS_FAULT_KINDS],
  sometimes: 'enabled',
  invariants: FEEDS_INVARIANT_NAMES,
  settings: { maxActions: 30, quietMs: 50 },
};
