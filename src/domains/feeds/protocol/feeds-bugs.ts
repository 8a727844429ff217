/**
 * The bugs the reference proxy can be built with, each off by default, each a small switch
 * that a real proxy could ship. `invariant` names the feeds invariant expected to catch it;
 * `needs` is what a run must do to provoke it. The invariant names are the feeds domain's
 * (invariants/feeds); the domain's planted-bug test proves each pairing.
 */
export interface FeedsPlantedBug {
  name: FeedsBugName;
  summary: string;
  invariant: string;
  needs: 'failover' | 'reorg' | 'breaker' | 'routing' | 'clients' | 'metrics';
}

export const FEEDS_BUG_NAMES = [
  'gap_on_failover',
  'duplicate_head_after_resubscribe',
  'subscription_lost_on_failover',
  'log_delivered_twice',
  'breaker_never_half_opens',
  'breaker_ignores_recovery_timeout',
  'responses_to_wrong_client',
  'reorg_not_announced',
  'routing_ignores_strategy',
  'metrics_miss_errors',
] as const;
export type FeedsBugName = (typeof FEEDS_BUG_NAMES)[number];

export const FEEDS_PLANTED_BUGS: readonly FeedsPlantedBug[] = [
  {
    name: 'gap_on_failover',
    summary:
      'a subscription moved to another upstream resumes at its head without backfilling the blocks missed',
    invariant: 'heads.gapless',
    needs: 'failover',
  },
  {
    name: 'duplicate_head_after_resubscribe',
    summary: 'after a resubscribe the proxy forwards heads the subscriber already has',
    invariant: 'heads.no-duplicates',
    needs: 'failover',
  },
  {
    name: 'subscription_lost_on_failover',
    summary: 'subscriptions on an upstream that fails are dropped instead of moved',
    invariant: 'subscriptions.survive-failover',
    needs: 'failover',
  },
  {
    name: 'log_delivered_twice',
    summary: 'the logs backfill after a failover overlaps what was delivered and nothing suppresses it',
    invariant: 'logs.delivered-once',
    needs: 'failover',
  },
  {
    name: 'breaker_never_half_opens',
    summary: 'an open breaker stays open: the upstream is never probed again',
    invariant: 'breaker.recovers',
    needs: 'breaker',
  },
  {
    name: 'breaker_ignores_recovery_timeout',
    summary: 'an open breaker probes its upstream at once instead of after the recovery timeout',
    invariant: 'breaker.recovery-timeout',
    needs: 'breaker',
  },
  {
    name: 'responses_to_wrong_client',
    summary:
      'pending calls are keyed by request id alone, so two clients using the same id get each other answers',
    invariant: 'responses.match-requests',
    needs: 'clients',
  },
  {
    name: 'reorg_not_announced',
    summary: 'on a reorg the proxy forwards only heads above the old tip and no removed logs',
    invariant: 'heads.reorgs-announced',
    needs: 'reorg',
  },
  {
    name: 'routing_ignores_strategy',
    summary: 'plain calls always go to the first healthy upstream whatever the strategy',
    invariant: 'routing.follows-strategy',
    needs: 'routing',
  },
  {
    name: 'metrics_miss_errors',
    summary: 'calls answered with an error are left out of the proxy error counters',
    invariant: 'metrics.agree-with-clients',
    needs: 'metrics',
  },
];

export function isFeedsBugName(name: string): name is FeedsBugName {
  return (FEEDS_BUG_NAMES as readonly string[]).includes(name);
}
