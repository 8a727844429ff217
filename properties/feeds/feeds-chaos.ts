import { FEEDS_INVARIANT_NAMES } from '../../invariants/feeds/index.ts';
import type { Property } from '../../src/core/model/property.ts';
import type { FeedsAction } from '../../src/domains/feeds/feeds-action.ts';
import {
  FEEDS_LINK_FAULT_KINDS,
  FEEDS_PROCESS_FAULT_KINDS,
  feedsActions,
} from '../../src/domains/feeds/generation/feeds-actions-arbitrary.ts';

/**
 * Chaos on the subscribers' links to the proxy (frames dropped, delayed, doubled, reordered;
 * connections closed or left half-open), the proxy's process killed and restarted or paused
 * (in-process), mixed with upstream failures. The client notices a dead
 * link, reconnects and resubscribes; the invariants excuse exactly what the fault records say
 * the link destroyed, doubled or reordered, and nothing the proxy did.
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
  // The proxy's process faults apply in-process only; over sockets the campaign leaves them out.
  faults: [...FEEDS_LINK_FAULT_KINDS, ...FEEDS_PROCESS_FAULT_KINDS],
  sometimes: 'enabled',
  invariants: FEEDS_INVARIANT_NAMES,
  settings: { maxActions: 30, quietMs: 50 },
};
