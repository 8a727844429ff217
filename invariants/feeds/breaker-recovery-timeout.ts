import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { FEEDS_CAPABILITIES as CAP } from '../../src/domains/feeds/feeds-capabilities.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import { stateAt, transitionsByUpstream } from './support/breaker-timeline.ts';
import { truthOf } from './support/feeds-records.ts';
import { violation } from './support/violation.ts';

const NAME = 'breaker.recovery-timeout';

/**
 * An open breaker lets a probe through only after its recovery timeout: it half-opens no
 * sooner than `breakerRecoveryMs` after it opened, and while it is open no call is routed to
 * its upstream.
 */
export const breakerRecoveryTimeout: Invariant<FeedsEvidence> = {
  name: NAME,
  description:
    'an open breaker half-opens (lets a probe through) only after its recovery timeout, and routes nothing meanwhile',
  needs: [CAP.truth],
  counts: 'breaker openings and routed calls',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const snapshot = truthOf(evidence);
    if (snapshot === undefined) {
      tally?.count(0);
      return out;
    }
    const recoveryMs = snapshot.config.breakerRecoveryMs;
    const byUpstream = transitionsByUpstream(snapshot);
    let checked = 0;
    for (const [upstream, transitions] of byUpstream) {
      let openedAt: number | undefined;
      for (const t of transitions) {
        if (t.to === 'open') {
          openedAt = t.at;
          continue;
        }
        if (t.reason === 'proxy_restart') openedAt = undefined;
        if (t.from === 'open' && t.to === 'half_open') {
          checked++;
          if (openedAt !== undefined && t.at < openedAt + recoveryMs)
            out.push(
              violation(
                NAME,
                `${upstream}'s breaker opened at ${openedAt} ms and half-opened at ${t.at} ms, ${t.at - openedAt} ms later: the recovery timeout is ${recoveryMs} ms`,
              ),
            );
        }
      }
    }
    for (const decision of snapshot.proxy.routing) {
      if (decision.chosen === undefined) continue;
      checked++;
      const state = stateAt(byUpstream.get(decision.chosen) ?? [], decision.at);
      if (state === 'open')
        out.push(
          violation(
            NAME,
            `a ${decision.purpose} (${decision.method}) was routed to ${decision.chosen} at ${decision.at} ms while its breaker was open`,
          ),
        );
    }
    tally?.count(checked);
    return out;
  },
};
