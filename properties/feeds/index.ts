import type { Property } from '../../src/core/model/property.ts';
import type { FeedsAction } from '../../src/domains/feeds/feeds-action.ts';
import { feedsChaos } from './feeds-chaos.ts';
import { feedsClean } from './feeds-clean.ts';
import { feedsFailover } from './feeds-failover.ts';
import { feedsReorg } from './feeds-reorg.ts';

export { feedsChaos, feedsClean, feedsFailover, feedsReorg };

/** Every feeds property; the first is the clean workload a campaign runs first. */
export const FEEDS_PROPERTIES: readonly Property<FeedsAction>[] = [
  feedsClean,
  feedsFailover,
  feedsReorg,
  feedsChaos,
];
