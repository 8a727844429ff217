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
  needs: 'failover' | 'reorg' | 'breaker' | 'routing' | 'clients' | 'metrics' | 'logs' | 'control' | 'load';
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
  'breaker_opens_early',
  'logs_ignore_topics',
  'notification_to_wrong_session',
  'kill_silently_misses',
  'answer_dropped_under_load',
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
  {
    name: 'breaker_opens_early',
    summary: 'a breaker opens one consecutive failure before the configured threshold',
    invariant: 'breaker.opens',
    needs: 'breaker',
  },
  {
    name: 'logs_ignore_topics',
    summary:
      'a logs subscription is placed upstream with its address alone, so logs with other topics reach the subscriber',
    invariant: 'logs.match-filter',
    needs: 'logs',
  },
  {
    name: 'notification_to_wrong_session',
    summary:
      "a feed shared by several clients sends every subscriber's pushes down the first subscriber's connection",
    invariant: 'subscriptions.isolated',
    needs: 'clients',
  },
  {
    name: 'kill_silently_misses',
    summary:
      'a kill of an upstream answers ok and kills nothing (a kill that silently failed gives false confidence)',
    invariant: 'upstream.controls-applied',
    needs: 'control',
  },
  {
    name: 'answer_dropped_under_load',
    summary:
      'with three or more client calls in flight at once, the proxy drops the answer to the one that completes',
    invariant: 'requests.answered',
    needs: 'load',
  },
];

export function isFeedsBugName(name: string): name is FeedsBugName {
  return (FEEDS_BUG_NAMES as readonly string[]).includes(name);
}
