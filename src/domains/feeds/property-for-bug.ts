import type { FeedsPlantedBug } from './protocol/feeds-bugs.ts';

/**
 * The feeds property whose runs provoke what a planted bug needs: upstream failures (failover,
 * breakers, controls) come from `feeds-failover`, reorgs from `feeds-reorg`, and the rest (two
 * clients on one feed, filtered logs, calls in flight at once, routing, metrics) from the plain
 * workload of `feeds-clean`.
 */
export function feedsPropertyForBug(bug: Pick<FeedsPlantedBug, 'needs'>): string {
  switch (bug.needs) {
    case 'failover':
    case 'breaker':
    case 'control':
      return 'feeds-failover';
    case 'reorg':
      return 'feeds-reorg';
    default:
      return 'feeds-clean';
  }
}
