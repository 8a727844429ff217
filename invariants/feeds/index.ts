import type { Invariant } from '../../src/core/model/invariant.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import { breakerOpens } from './breaker-opens.ts';
import { breakerRecovers } from './breaker-recovers.ts';
import { breakerRecoveryTimeout } from './breaker-recovery-timeout.ts';
import { headsGapless } from './heads-gapless.ts';
import { headsNoDuplicates } from './heads-no-duplicates.ts';
import { headsReorgsAnnounced } from './heads-reorgs-announced.ts';
import { logsDeliveredOnce } from './logs-delivered-once.ts';
import { logsMatchFilter } from './logs-match-filter.ts';
import { metricsAgreeWithClients } from './metrics-agree-with-clients.ts';
import { requestsAnswered } from './requests-answered.ts';
import { responsesMatchRequests } from './responses-match-requests.ts';
import { routingFollowsStrategy } from './routing-follows-strategy.ts';
import { subscriptionsIsolated } from './subscriptions-isolated.ts';
import { subscriptionsSurviveFailover } from './subscriptions-survive-failover.ts';
import { upstreamControlsApplied } from './upstream-controls-applied.ts';

export {
  breakerOpens,
  breakerRecovers,
  breakerRecoveryTimeout,
  headsGapless,
  headsNoDuplicates,
  headsReorgsAnnounced,
  logsDeliveredOnce,
  logsMatchFilter,
  metricsAgreeWithClients,
  requestsAnswered,
  responsesMatchRequests,
  routingFollowsStrategy,
  subscriptionsIsolated,
  subscriptionsSurviveFailover,
  upstreamControlsApplied,
};

/** Every feeds invariant: what a feeds run must keep, each in its own file. */
export const FEEDS_INVARIANTS: readonly Invariant<FeedsEvidence>[] = [
  headsGapless,
  headsNoDuplicates,
  headsReorgsAnnounced,
  subscriptionsSurviveFailover,
  logsMatchFilter,
  logsDeliveredOnce,
  responsesMatchRequests,
  subscriptionsIsolated,
  breakerOpens,
  breakerRecoveryTimeout,
  breakerRecovers,
  routingFollowsStrategy,
  metricsAgreeWithClients,
  requestsAnswered,
  upstreamControlsApplied,
];

/** Every feeds invariant's name, in catalog order. */
export const FEEDS_INVARIANT_NAMES: readonly string[] = FEEDS_INVARIANTS.map((i) => i.name);
