import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { FEEDS_CAPABILITIES as CAP } from '../../src/domains/feeds/feeds-capabilities.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import { transitionsByUpstream } from './support/breaker-timeline.ts';
import { clockSlackMs } from './support/clock-slack.ts';
import { truthOf } from './support/feeds-records.ts';
import { violation } from './support/violation.ts';

const NAME = 'breaker.recovers';

/**
 * The liveness partner of breaker.recovery-timeout (a breaker that never half-opens keeps that
 * rule for ever): an open breaker half-opens once its recovery timeout has passed, and a
 * half-open one settles (closed or open again) within the proxy's request timeout. At the end
 * of the run no breaker is still open long past its timeout, nor stuck half-open.
 */
export const breakerRecovers: Invariant<FeedsEvidence> = {
  name: NAME,
  description: 'an open breaker half-opens once its recovery timeout has passed, and its probe settles it',
  needs: [CAP.truth],
  counts: 'breaker openings',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const snapshot = truthOf(evidence);
    if (snapshot === undefined) {
      tally?.count(0);
      return out;
    }
    const { breakerRecoveryMs, requestTimeoutMs, headIntervalMs } = snapshot.config;
    const slack = clockSlackMs(evidence);
    let checked = 0;
    for (const [upstream, transitions] of transitionsByUpstream(snapshot)) {
      checked += transitions.filter((t) => t.to === 'open').length;
      const last = transitions[transitions.length - 1];
      if (last === undefined) continue;
      const since = snapshot.at - last.at;
      if (last.to === 'open' && since > breakerRecoveryMs + headIntervalMs + slack)
        out.push(
          violation(
            NAME,
            `${upstream}'s breaker opened at ${last.at} ms and was still open ${since} ms later, at the end of the run: the recovery timeout is ${breakerRecoveryMs} ms`,
          ),
        );
      if (last.to === 'half_open' && since > 2 * requestTimeoutMs + headIntervalMs + slack)
        out.push(
          violation(
            NAME,
            `${upstream}'s breaker half-opened at ${last.at} ms and was still half-open ${since} ms later: its probe never settled it`,
          ),
        );
    }
    tally?.count(checked);
    return out;
  },
};
