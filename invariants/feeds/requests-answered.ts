import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { CALL_KINDS, type FeedsAction } from '../../src/domains/feeds/feeds-action.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import { firstFaultAt } from './support/link-chaos-excuses.ts';
import { violation } from './support/violation.ts';

const NAME = 'requests.answered';

const REQUESTS = new Set<FeedsAction['kind']>(['subscribe', 'unsubscribe', ...CALL_KINDS, 'upstream']);

/**
 * Silence must fail: with no fault acting on a client link, every request is answered (a
 * result or an error: a proxy with no upstream left says so, it does not go quiet). Counted on
 * a virtual clock only, where no machine is slow; on a real clock an unanswered request proves
 * nothing by itself, and the run reports it checked nothing.
 */
export const requestsAnswered: Invariant<FeedsEvidence> = {
  name: NAME,
  description: 'with no fault acting on a client link, every request is answered (no timeout)',
  counts: 'requests',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    if (evidence.extra?.virtualTime !== true) {
      tally?.count(0);
      return out;
    }
    const faultFrom = firstFaultAt(evidence);
    let checked = 0;
    for (const op of evidence.history ?? []) {
      const action = op.action as FeedsAction;
      if (!REQUESTS.has(action?.kind)) continue;
      const completed = op.completedAt ?? Number.POSITIVE_INFINITY;
      if (faultFrom <= completed) continue;
      checked++;
      if (op.reply?.status !== 'info') continue;
      out.push(
        violation(
          NAME,
          `step ${op.step} (${action.kind} by ${op.client}) was never answered with no fault acting: ${op.reply.reason}`,
          [],
          [op.step],
        ),
      );
    }
    tally?.count(checked);
    return out;
  },
};
