import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { FEEDS_CAPABILITIES as CAP } from '../../src/domains/feeds/feeds-capabilities.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import type { FeedsSnapshot, UpstreamTruth } from '../../src/domains/feeds/protocol/feeds-snapshot.ts';
import { clockSlackMs } from './support/clock-slack.ts';
import { type HeadRecord, headFeeds, headNumber, truthOf } from './support/feeds-records.ts';
import { liveSubscriptions } from './support/live-subscriptions.ts';
import { violation } from './support/violation.ts';

const NAME = 'subscriptions.survive-failover';

/**
 * Since when an upstream could serve a feed without a break, or undefined if it cannot at the
 * end: alive, well short of the lag threshold, not late, not told to fail, not paused, its
 * breaker closed. Any change of its life or of its breaker restarts the clock.
 */
function healthySince(upstream: UpstreamTruth, snapshot: FeedsSnapshot): number | undefined {
  const status = upstream.status;
  const lastPause = [...upstream.life].reverse().find((e) => e.event === 'paused' || e.event === 'resumed');
  const ok =
    status.alive &&
    status.lagBlocks < snapshot.config.lagThresholdBlocks &&
    status.lagMs === 0 &&
    status.failNext === 0 &&
    lastPause?.event !== 'paused';
  if (!ok) return undefined;
  const breaker = snapshot.proxy.breakerTransitions.filter((t) => t.upstream === status.name);
  const last = breaker[breaker.length - 1];
  if (last !== undefined && last.to !== 'closed') return undefined;
  let since = Number.NEGATIVE_INFINITY;
  for (const e of upstream.life) since = Math.max(since, e.at);
  for (const t of breaker) since = Math.max(since, t.at);
  for (const crash of snapshot.proxy.crashes)
    since = Math.max(since, crash.restartedAt ?? Number.POSITIVE_INFINITY);
  return since;
}

/**
 * Liveness, the partner of the gap and duplicate rules (a feed that stops passes both): while
 * some upstream is healthy, every newHeads subscription a client still holds keeps getting
 * heads. When an upstream has been healthy (alive, caught up, breaker closed) since failoverSloMs
 * + two head intervals before the truth was read (the run waits that out at its end), every
 * live feed has received the head the network minted then, or a later one.
 * A subscription the proxy dropped on failover, or moved and never fed again, fails here.
 */
export const subscriptionsSurviveFailover: Invariant<FeedsEvidence> = {
  name: NAME,
  description:
    'a subscription survives failover within the SLO: heads keep coming while some upstream is healthy',
  needs: [CAP.truth],
  counts: 'live subscriptions',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const snapshot = truthOf(evidence);
    if (snapshot === undefined) {
      tally?.count(0);
      return out;
    }
    const config = snapshot.config;
    const expectAt = snapshot.at - config.failoverSloMs - 2 * config.headIntervalMs - clockSlackMs(evidence);
    // Some upstream could serve throughout the last SLO window: every feed should be served from it.
    if (
      !snapshot.upstreams.some((u) => (healthySince(u, snapshot) ?? Number.POSITIVE_INFINITY) <= expectAt)
    ) {
      tally?.count(0);
      return out;
    }
    let expected: number | undefined;
    for (const block of snapshot.network.canonical) if (block.mintedAt <= expectAt) expected = block.number;
    const feeds = new Map<string, HeadRecord[]>();
    for (const feed of headFeeds(evidence)) feeds.set(`${feed.client}/${feed.subscription}`, feed.records);
    let checked = 0;
    for (const live of liveSubscriptions(evidence)) {
      if (live.action.channel !== 'newHeads' || expected === undefined) continue;
      if (live.since > expectAt - config.headIntervalMs) continue;
      checked++;
      const records = feeds.get(`${live.client}/${live.id}`) ?? [];
      let best: number | undefined;
      let bestRec: HeadRecord | undefined;
      for (const rec of records) {
        const n = headNumber(rec.event.head);
        if (n !== undefined && (best === undefined || n > best)) {
          best = n;
          bestRec = rec;
        }
      }
      if (best !== undefined && best >= expected) continue;
      const last = bestRec === undefined ? 'no head at all' : `#${best} last (at ${bestRec.time} ms)`;
      out.push(
        violation(
          NAME,
          `${live.client} subscription ${live.id} (step ${live.step}) got ${last}, but head #${expected} was minted at ${expectAt} ms or before and an upstream was healthy: the feed stopped (truth read at ${snapshot.at} ms, SLO ${config.failoverSloMs} ms)`,
          bestRec ? [bestRec] : [],
          [live.step],
        ),
      );
    }
    tally?.count(checked);
    return out;
  },
};
