import { FEEDS_INVARIANT_NAMES } from '../../invariants/feeds/index.ts';
import type { Property } from '../../src/core/model/property.ts';
import type { FeedsAction } from '../../src/domains/feeds/feeds-action.ts';
import { feedsActions } from '../../src/domains/feeds/generation/feeds-actions-arbitrary.ts';

/**
 * Failover: while subscribers subscribe and call, the operator kills and restarts upstreams,
 * makes them lag (blocks behind, or late), pause, drop the proxy's connections, or answer
 * errors (which opens their breakers). Feeds move to another upstream without a gap, a
 * duplicate or a silence longer than the SLO; breakers open, wait their recovery timeout and
 * probe; routing keeps to its strategy; every kill is verified.
 */
export const feedsFailover: Property<FeedsAction> = {
  name: 'feeds-failover',
  description:
    'Upstreams die, lag, pause, disconnect and fail calls: feeds fail over gaplessly within the SLO and breakers behave',
  tags: ['kill', 'restart', 'lag', 'fail', 'pause', 'disconnect', 'failover', 'breaker'],
  actions: (context) =>
    feedsActions(context, {
      configure: true,
      upstream: 3,
      controls: ['kill', 'restart', 'lag', 'fail', 'fail', 'pause', 'disconnect'],
      call: 5,
    }),
  invariants: FEEDS_INVARIANT_NAMES,
  settings: { maxActions: 30, quietMs: 50 },
};
