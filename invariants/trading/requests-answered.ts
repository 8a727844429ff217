import type { Violation } from '../../src/core/model/invariant.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { is, type TradingRecord } from './support/events.ts';
import { isFaultStep, type TradingOperation } from './support/history.ts';
import { type Inspection, ScopeTally, scopedInvariant } from './support/scope.ts';
import { violation } from './support/violation.ts';

const NAME = 'requests.answered';

const REQUESTS = new Set(['place', 'cancel', 'replace', 'cancel_all', 'set_mark']);

/**
 * Silence must fail: with no fault acting, every request is answered. An attempt that got no
 * answer (the final reply is `info`, or the client retried it for `no_reply`) is a violation
 * when nothing excuses it: no fault step was sent before the request completed, its client was
 * not cut by a reconnect it asked for while the request was out, and either the run's clock
 * is virtual (in-process: no machine is slow, `extra.virtualTime`) or the venue answered a
 * later request of the same client before this one timed out (answers come in order on one
 * connection, so this one was skipped, not slow). Anything else is skipped and counted.
 */
export const requestsAnswered = scopedInvariant(
  NAME,
  'with no fault acting, every request is answered (no timeout, no retry for want of an answer)',
  (evidence: TradingEvidence): Inspection => {
    const out: Violation[] = [];
    const tally = new ScopeTally();
    const history = (evidence?.history ?? []).filter(
      (op): op is TradingOperation => typeof op === 'object' && op !== null,
    );
    let faultFrom = Number.POSITIVE_INFINITY;
    for (const op of history) if (isFaultStep(op.action)) faultFrom = Math.min(faultFrom, op.invokedAt);
    const noReply = new Map<number, TradingRecord[]>();
    const cuts = new Map<string, number[]>();
    for (const rec of evidence?.events ?? []) {
      if (is(rec, 'session_retry') && rec.event.reason === 'no_reply') {
        const list = noReply.get(rec.event.step) ?? [];
        list.push(rec);
        noReply.set(rec.event.step, list);
      } else if (is(rec, 'session_disconnected') && rec.event.reason === 'requested') {
        const list = cuts.get(rec.client) ?? [];
        list.push(rec.time);
        cuts.set(rec.client, list);
      }
    }
    const virtual = evidence?.extra?.virtualTime === true;
    const requests = history.filter((op) =>
      REQUESTS.has((op.action as { kind?: string } | null)?.kind ?? ''),
    );
    let afterFault = 0;
    let slowClock = 0;
    let reconnected = 0;
    for (const op of requests) {
      const completed = op.completedAt ?? Number.POSITIVE_INFINITY;
      if (faultFrom <= completed) {
        afterFault++;
        continue;
      }
      const retries = (noReply.get(op.step) ?? []).filter((r) => r.client === op.client);
      const info = op.reply?.status === 'info';
      tally.checked++;
      if (!info && retries.length === 0) continue;
      if ((cuts.get(op.client) ?? []).some((t) => t >= op.invokedAt && t <= completed)) {
        reconnected++;
        continue;
      }
      const silentAt = Math.min(completed, ...retries.map((r) => r.time));
      const overtaken = requests.find(
        (other) =>
          other.client === op.client &&
          other.step > op.step &&
          other.invokedAt >= op.invokedAt &&
          (other.reply?.status === 'ok' || other.reply?.status === 'fail') &&
          (other.completedAt ?? Number.POSITIVE_INFINITY) < silentAt,
      );
      if (!virtual && overtaken === undefined) {
        slowClock++;
        continue;
      }
      const kind = (op.action as { kind?: string }).kind;
      const how = info
        ? `its final reply is info (${(op.reply as { reason?: string }).reason ?? 'no reason'})`
        : `the client retried it ${retries.length} time(s) for want of an answer`;
      const why = overtaken
        ? `; the venue answered the later step ${overtaken.step} of ${op.client} first`
        : ' on a virtual clock';
      out.push(
        violation(
          NAME,
          `step ${op.step} (${kind} by ${op.client}) was never answered with no fault acting: ${how}${why}`,
          retries,
          [op.step, ...(overtaken ? [overtaken.step] : [])],
        ),
      );
    }
    if (afterFault > 0) tally.skip(`${afterFault} requests completed after a fault step was sent`);
    if (reconnected > 0) tally.skip(`${reconnected} unanswered requests cut by a reconnect of their client`);
    if (slowClock > 0)
      tally.skip(
        `${slowClock} unanswered requests on a real clock with no later answer to show they were skipped`,
      );
    return { violations: out, scope: tally.result() };
  },
);
