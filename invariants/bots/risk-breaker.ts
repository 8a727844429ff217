import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { MarkAction } from '../../src/domains/bots/bot-action.ts';
import type { ClientRequest } from '../../src/domains/trading/protocol/protocol-messages.ts';
import {
  type BotRecord,
  type BotsEvidence,
  botViolation,
  isBot,
  sameRequest,
  TRADING_REQUESTS,
  wireSkewOf,
  withinSkew,
} from './support/bots-evidence.ts';

const NAME = 'bots.risk-breaker';

/**
 * A volatility event (a mark move beyond the subject's risk limit, sent as a spike) trips the
 * subject's circuit breaker: once the subject has received the spike's mark, it sends no new
 * order and every state it reports is halted, in that boot and every later one (the halt
 * survives a restart), until an operator's `resume` intent is accepted.
 *
 * Over a process link the wire and the state reads are recorded outside the subject
 * (evidence.extra.wireSkewMs): an order or a state recorded within that skew after the spike's
 * receipt may have been sent or read before the subject saw it, and is not judged, unless the
 * order is one the subject had already sent before (the same type and client order id): a
 * retry after the spike is always judged. In process the skew is 0.
 */
export const botsRiskBreaker: Invariant<BotsEvidence> = {
  name: NAME,
  description:
    'once the subject has seen a volatility spike it halts, sends no order, and stays halted across restarts',
  counts: 'spikes seen by the subject',
  check(evidence: BotsEvidence, tally?: CheckTally): Violation[] {
    // The txn of each spike the venue applied.
    const spikes = new Map<number, number>();
    for (const op of evidence.history) {
      const action = op.action as MarkAction;
      if (
        action.kind === 'mark' &&
        action.spike === true &&
        op.reply?.status === 'ok' &&
        op.reply.txn !== undefined
      )
        spikes.set(op.reply.txn, op.step);
    }
    const skew = wireSkewOf(evidence);
    let tripped: { record: BotRecord; step: number } | undefined;
    let seen = 0;
    // Every order request sent so far (by boot), to tell a retry from a first attempt.
    const sentBefore: { boot: number; request: ClientRequest }[] = [];
    const out: Violation[] = [];
    for (const record of evidence.events) {
      const racing = tripped !== undefined && withinSkew(skew, tripped.record.time, record.time);
      if (tripped === undefined) {
        if ((isBot(record, 'sent') || isBot(record, 'mode_refused')) && skew > 0)
          sentBefore.push({ boot: record.event.boot, request: record.event.request });
        if (isBot(record, 'received') && record.event.message.type === 'event') {
          const message = record.event.message;
          const step = spikes.get(message.txn);
          if (message.event.type === 'mark_price' && step !== undefined) {
            tripped = { record, step };
            seen++;
          }
        }
        continue;
      }
      if (isBot(record, 'intent') && record.event.intent.type === 'resume' && record.event.ack.accepted) {
        tripped = undefined;
        continue;
      }
      const wire = isBot(record, 'sent') || isBot(record, 'mode_refused') ? record.event : undefined;
      const order = wire !== undefined && TRADING_REQUESTS.has(wire.request.type);
      const retry =
        wire !== undefined &&
        sentBefore.some((s) => s.boot === wire.boot && sameRequest(s.request, wire.request));
      if (order && !sentForResume(evidence.events, record) && (!racing || retry)) {
        out.push(
          botViolation(
            NAME,
            `the subject sent an order (boot ${(record.event as { boot: number }).boot}) after it had seen the volatility spike of step ${tripped.step}`,
            [tripped.record, record],
            [tripped.step],
          ),
        );
        tally?.count(seen);
        return out;
      }
      if (isBot(record, 'state') && !record.event.state.halted && !racing) {
        out.push(
          botViolation(
            NAME,
            `after the volatility spike of step ${tripped.step} the subject reports it is not halted (boot ${record.event.boot}, ${record.event.why} state)`,
            [tripped.record, record],
            [tripped.step],
          ),
        );
        tally?.count(seen);
        return out;
      }
    }
    tally?.count(seen);
    return out;
  },
};

/**
 * Whether an order went out while the subject handled an operator's `resume` (an intent's
 * orders are sent within its handling, so before the intent's record, at the same time).
 */
function sentForResume(events: readonly BotRecord[], order: BotRecord): boolean {
  for (let i = order.gseq; i < events.length; i++) {
    const next = events[i];
    if (next.time !== order.time) return false;
    if (next.client !== 'subject') continue;
    if (isBot(next, 'sent') || isBot(next, 'received') || isBot(next, 'mode_refused') || isBot(next, 'log'))
      continue;
    return isBot(next, 'intent') && next.event.intent.type === 'resume' && next.event.ack.accepted;
  }
  return false;
}
