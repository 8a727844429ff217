import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { FEEDS_CAPABILITIES as CAP } from '../../src/domains/feeds/feeds-capabilities.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import { upstreamName } from '../../src/domains/feeds/protocol/feeds-config.ts';
import type { RoutingDecision } from '../../src/domains/feeds/protocol/routing-decision.ts';
import { truthOf } from './support/feeds-records.ts';
import { violation } from './support/violation.ts';

/** The upstream the declared strategy picks from the decision's own candidates. */
function expectedChoice(decision: RoutingDecision, upstreams: readonly string[]): string | undefined {
  const eligible = decision.eligible;
  if (eligible.length === 0) return undefined;
  switch (decision.strategy) {
    case 'priority':
      return eligible[0];
    case 'round-robin': {
      const n = upstreams.length;
      const cursor = decision.cursor ?? 0;
      for (let k = 0; k < n; k++) {
        const candidate = upstreams[(cursor + k) % n];
        if (eligible.includes(candidate)) return candidate;
      }
      return undefined;
    }
    case 'fastest': {
      const means = decision.meanLatencyMs ?? {};
      let best: string | undefined;
      for (const name of eligible)
        if (best === undefined || (means[name] ?? 0) < (means[best] ?? 0)) best = name;
      return best;
    }
  }
}

const NAME = 'routing.follows-strategy';

/**
 * Every routing choice the proxy made (plain calls, subscriptions placed or moved, backfills)
 * is the one its declared strategy makes from the same candidates: priority takes the first
 * eligible upstream; round-robin the first eligible at or after its cursor; fastest the lowest
 * mean latency (an unmeasured upstream counting as 0, ties to priority order). A choice is
 * always an eligible upstream, and a call is refused only when none is.
 */
export const routingFollowsStrategy: Invariant<FeedsEvidence> = {
  name: NAME,
  description:
    'routing follows the declared selection strategy (fastest, round-robin, priority) among eligible upstreams',
  needs: [CAP.truth],
  counts: 'routing decisions',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const snapshot = truthOf(evidence);
    if (snapshot === undefined) {
      tally?.count(0);
      return out;
    }
    const upstreams = Array.from({ length: snapshot.config.upstreams }, (_, i) => upstreamName(i));
    let checked = 0;
    for (const decision of snapshot.proxy.routing) {
      checked++;
      const expected = expectedChoice(decision, upstreams);
      if (decision.chosen === expected) continue;
      const why =
        decision.chosen !== undefined && !decision.eligible.includes(decision.chosen)
          ? `${decision.chosen} was not eligible`
          : `${decision.strategy} picks ${expected ?? 'none'} from eligible [${decision.eligible.join(', ')}]${decision.meanLatencyMs ? ` (mean latencies ${JSON.stringify(decision.meanLatencyMs)})` : ''}${decision.cursor !== undefined ? ` (cursor ${decision.cursor})` : ''}`;
      out.push(
        violation(
          NAME,
          `at ${decision.at} ms a ${decision.purpose} (${decision.method}, attempt ${decision.attempt}) went to ${decision.chosen ?? 'no upstream'}: ${why}`,
        ),
      );
    }
    tally?.count(checked);
    return out;
  },
};
