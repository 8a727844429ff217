import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { FEEDS_CAPABILITIES as CAP } from '../../src/domains/feeds/feeds-capabilities.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import { PLAIN_METHODS } from '../../src/domains/feeds/protocol/feeds-methods.ts';
import { stateAt, transitionsByUpstream } from './support/breaker-timeline.ts';
import { clockSlackMs } from './support/clock-slack.ts';
import { truthOf } from './support/feeds-records.ts';
import { upstreamChaos } from './support/upstream-chaos.ts';
import { violation } from './support/violation.ts';

const NAME = 'breaker.opens';

/**
 * The breaker opens after the configured failures, not before and not never: a closed breaker
 * opens only with `breakerFailureThreshold` consecutive failures counted (a half-open one only
 * on a failed probe); and an upstream that answered that many plain calls in a row with an
 * error, while its breaker was closed, has an open breaker by the time the last error reached
 * the proxy (its answer time plus the upstream's latency). That second half is not judged for
 * answers that crossed a faulted upstream link or reached a paused proxy (the proxy saw them
 * late, or not at all: a timeout is a failure too, and counts later).
 */
export const breakerOpens: Invariant<FeedsEvidence> = {
  name: NAME,
  description: 'a breaker opens after the configured consecutive failures: never sooner, never missing',
  needs: [CAP.truth],
  counts: 'breaker transitions and failure streaks',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const snapshot = truthOf(evidence);
    if (snapshot === undefined) {
      tally?.count(0);
      return out;
    }
    const threshold = snapshot.config.breakerFailureThreshold;
    const byUpstream = transitionsByUpstream(snapshot);
    let checked = 0;
    for (const t of snapshot.proxy.breakerTransitions) {
      if (t.to !== 'open') continue;
      checked++;
      if (t.from === 'closed' && (t.reason !== 'failures' || t.failures < threshold))
        out.push(
          violation(
            NAME,
            `${t.upstream}'s breaker opened at ${t.at} ms after ${t.failures} consecutive failure(s) (${t.reason}); the threshold is ${threshold}`,
          ),
        );
      if (t.from === 'half_open' && t.reason !== 'probe_failed')
        out.push(
          violation(
            NAME,
            `${t.upstream}'s breaker went from half-open to open at ${t.at} ms without a failed probe (${t.reason})`,
          ),
        );
    }
    const plain = new Set<string>(PLAIN_METHODS);
    const slack = clockSlackMs(evidence);
    const chaos = upstreamChaos(evidence);
    for (const upstream of snapshot.upstreams) {
      const name = upstream.status.name;
      const transitions = byUpstream.get(name) ?? [];
      const latency = upstream.status.latencyMs;
      const answers = upstream.calls
        .filter((c) => c.answeredAt !== undefined && c.outcome !== undefined)
        .map((c) => ({
          at: (c.answeredAt as number) + latency,
          error: c.outcome === 'error',
          plain: plain.has(c.method),
        }))
        .sort((a, b) => a.at - b.at);
      let streak: number[] = [];
      const crashes = snapshot.proxy.crashes.map((c) => c.at);
      for (const answer of answers) {
        // A restarted proxy counts afresh.
        if (streak.length > 0 && crashes.some((at) => at >= streak[0] && at <= answer.at)) streak = [];
        if (stateAt(transitions, answer.at) !== 'closed') {
          streak = [];
          continue;
        }
        if (!answer.error) {
          streak = [];
          continue;
        }
        if (!answer.plain) continue;
        streak.push(answer.at);
        if (streak.length < threshold) continue;
        const from = streak[0];
        // A fault on this upstream's link, or a paused proxy, changes when (and whether) the
        // proxy saw these answers: the streak proves nothing then.
        if (chaos.linkFaulted(name, answer.at) || chaos.proxyHeld(from, answer.at)) {
          streak = [];
          continue;
        }
        checked++;
        const to = answer.at + 2 + slack;
        const opened = transitions.some((t) => t.to === 'open' && t.at >= from - 1 - slack && t.at <= to);
        if (!opened)
          out.push(
            violation(
              NAME,
              `${name} answered ${streak.length} plain calls in a row with an error (${from}..${answer.at} ms) while its breaker was closed, and the breaker did not open (threshold ${threshold})`,
            ),
          );
        streak = [];
      }
    }
    tally?.count(checked);
    return out;
  },
};
