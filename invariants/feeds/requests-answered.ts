import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { CALL_KINDS, type FeedsAction } from '../../src/domains/feeds/feeds-action.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import type { FeedsConfig } from '../../src/domains/feeds/protocol/feeds-config.ts';
import { clockSlackMs } from './support/clock-slack.ts';
import { truthOf } from './support/feeds-records.ts';
import { firstFaultAt } from './support/link-chaos-excuses.ts';
import { violation } from './support/violation.ts';

const NAME = 'requests.answered';

const REQUESTS = new Set<FeedsAction['kind']>(['subscribe', 'unsubscribe', ...CALL_KINDS, 'upstream']);

/** On a real clock, the margin a loaded machine gets on top of the proxy's own worst case. */
const REAL_CLOCK_MARGIN_MS = 1_000;

/**
 * The longest a request may wait for its answer with no fault acting on a link: every upstream
 * tried once, each up to its request timeout, after a failover that may take its SLO (a
 * subscribe waits for its feed to be placed). Undefined when the run's configuration is unknown.
 */
export function answerBoundMs(config: FeedsConfig | undefined): number | undefined {
  if (config === undefined) return undefined;
  return config.upstreams * config.requestTimeoutMs + config.failoverSloMs + config.reconnectDelayMs;
}

/**
 * Silence must fail: with no fault acting on a client link, every request is answered (a
 * result or an error: a proxy with no upstream left says so, it does not go quiet). On a
 * virtual clock that is all (no machine is slow). On a real clock the answer must also come
 * within the proxy's own worst case (`answerBoundMs`: every upstream tried up to its timeout,
 * after a failover within its SLO) plus a second's margin for a loaded machine; a request left
 * unanswered there is the same violation.
 */
export const requestsAnswered: Invariant<FeedsEvidence> = {
  name: NAME,
  description:
    'with no fault acting on a client link, every request is answered, within a bound on a real clock',
  counts: 'requests',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const virtual = evidence.extra?.virtualTime === true;
    const bound = virtual
      ? undefined
      : (answerBoundMs(truthOf(evidence)?.config) ?? Number.POSITIVE_INFINITY) +
        clockSlackMs(evidence) +
        REAL_CLOCK_MARGIN_MS;
    const faultFrom = firstFaultAt(evidence);
    let checked = 0;
    for (const op of evidence.history ?? []) {
      const action = op.action as FeedsAction;
      if (!REQUESTS.has(action?.kind)) continue;
      const completed = op.completedAt ?? Number.POSITIVE_INFINITY;
      if (faultFrom <= completed) continue;
      checked++;
      if (op.reply?.status === 'info') {
        out.push(
          violation(
            NAME,
            `step ${op.step} (${action.kind} by ${op.client}) was never answered with no fault acting: ${op.reply.reason}`,
            [],
            [op.step],
          ),
        );
        continue;
      }
      if (bound === undefined || op.completedAt === undefined) continue;
      const took = op.completedAt - op.invokedAt;
      if (took > bound)
        out.push(
          violation(
            NAME,
            `step ${op.step} (${action.kind} by ${op.client}) was answered after ${took} ms with no fault acting; the proxy's bound is ${bound} ms`,
            [],
            [op.step],
          ),
        );
    }
    tally?.count(checked);
    return out;
  },
};
