import { FEEDS_INVARIANT_NAMES } from '../../invariants/feeds/index.ts';
import type { Property } from '../../src/core/model/property.ts';
import type { FeedsAction } from '../../src/domains/feeds/feeds-action.ts';
import { feedsActions } from '../../src/domains/feeds/generation/feeds-actions-arbitrary.ts';

/**
 * Reorgs: the network reorgs, or one upstream forks onto a private branch (and rejoins the
 * network at its next block), while feeds fail over between upstreams on different branches.
 * Subscribers see heads go back only through an announced reorg that links to a head they
 * hold, and removed logs taken back before the new branch's logs; nothing twice.
 */
export const feedsReorg: Property<FeedsAction> = {
  name: 'feeds-reorg',
  description:
    'Network reorgs and private forks, with failovers across branches: every reorg is announced, nothing delivered twice',
  tags: ['reorg', 'fork', 'kill', 'head', 'log'],
  actions: (context) =>
    feedsActions(context, {
      configure: true,
      upstream: 3,
      controls: ['reorg', 'reorg', 'reorg', 'kill', 'restart', 'disconnect'],
    }),
  invariants: FEEDS_INVARIANT_NAMES,
  settings: { maxActions: 30, quietMs: 50 },
};
