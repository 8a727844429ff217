import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { type BotsEvidence, botViolation, isBot } from './support/bots-evidence.ts';

const NAME = 'bots.intent-leads-to-order';

/** How long a calm subject may take to send the order an intent asks for. */
export const INTENT_ORDER_WITHIN_MS = 1000;
/** How long before an intent the run must have been calm (a fault armed earlier may still act). */
export const CALM_BEFORE_MS = 5000;

/**
 * The liveness partner of the safety rules: a subject that refuses everything keeps them all.
 * In calm conditions (no fault, kill or restart in the 5 s before nor in the second after, no
 * venue mode refusing anything, no volatility spike so far nor within that second), an enter or a grid intent the
 * subject accepted while it was not halted leads to an order on the wire within a second.
 */
export const botsIntentLeadsToOrder: Invariant<BotsEvidence> = {
  name: NAME,
  description: 'in calm conditions, an accepted enter or grid intent leads to an order within a second',
  counts: 'intents followed',
  check(evidence: BotsEvidence, tally?: CheckTally): Violation[] {
    // When the run stirred: faults, kills and restarts, spikes (by when they were sent).
    const stirs: number[] = [];
    // Stretches in which a venue mode refused something, from the mode that began one to the calm one that ended it.
    const refusing: [number, number][] = [];
    let refusingSince: number | undefined;
    for (const op of evidence.history) {
      const a = op.action;
      if (a.kind === 'fault' || a.kind === 'restart' || (a.kind === 'mark' && a.spike === true))
        stirs.push(op.invokedAt);
      if (a.kind !== 'venue_mode') continue;
      const on = Object.values(a.modes).some(Boolean);
      if (on && refusingSince === undefined) refusingSince = op.invokedAt;
      if (!on && refusingSince !== undefined) {
        refusing.push([refusingSince, op.invokedAt]);
        refusingSince = undefined;
      }
    }
    if (refusingSince !== undefined) refusing.push([refusingSince, Number.POSITIVE_INFINITY]);
    const spikes = evidence.history.filter((op) => op.action.kind === 'mark' && op.action.spike === true);
    // When the subject itself received each spike's mark (on its own lane's clock, which over a
    // process link is not the one the actions were invoked on).
    const spikeTxns = new Set(
      spikes.flatMap((op) => (op.reply?.status === 'ok' && op.reply.txn !== undefined ? [op.reply.txn] : [])),
    );
    const spikesSeenAt = evidence.events
      .filter(
        (r) =>
          isBot(r, 'received') &&
          r.event.message.type === 'event' &&
          r.event.message.event.type === 'mark_price' &&
          spikeTxns.has(r.event.message.txn),
      )
      .map((r) => r.time);
    const calmAround = (t: number): boolean =>
      !stirs.some((at) => at >= t - CALM_BEFORE_MS && at <= t + INTENT_ORDER_WITHIN_MS) &&
      !refusing.some(([from, to]) => from <= t + INTENT_ORDER_WITHIN_MS && to >= t) &&
      // A spike so far or within the intent's order window: the breaker may trip before the order is due.
      !spikes.some((op) => op.invokedAt <= t + INTENT_ORDER_WITHIN_MS) &&
      !spikesSeenAt.some((at) => at <= t + INTENT_ORDER_WITHIN_MS);
    const out: Violation[] = [];
    const ids = new Set<string>();
    let followed = 0;
    const events = evidence.events;
    // An intent's orders may go out while the subject handles it, before its record: they
    // are looked for from the subject's previous intent on.
    let previousIntent = 0;
    for (let i = 0; i < events.length; i++) {
      const record = events[i];
      if (!isBot(record, 'intent')) continue;
      const since = previousIntent;
      previousIntent = record.gseq;
      const { intent, ack, boot } = record.event;
      const retry = ids.has(intent.id);
      ids.add(intent.id);
      if (retry || !ack.accepted || (intent.type !== 'enter' && intent.type !== 'set_grid')) continue;
      if (!calmAround(record.time)) continue;
      const after = events[i + 1];
      if (after !== undefined && isBot(after, 'state') && after.event.state.halted) continue;
      followed++;
      // Called off before its order was due: a cancel or a new grid came first.
      const superseded = events.find(
        (r) =>
          r.gseq > record.gseq &&
          isBot(r, 'intent') &&
          r.event.ack.accepted &&
          (r.event.intent.type === 'cancel' || r.event.intent.type === 'set_grid'),
      );
      const deadline = Math.min(
        record.time + INTENT_ORDER_WITHIN_MS,
        superseded === undefined ? Number.POSITIVE_INFINITY : superseded.time,
      );
      const order = events.find((r) => {
        if (r.gseq <= since || r.time > record.time + INTENT_ORDER_WITHIN_MS) return false;
        if (!(isBot(r, 'sent') || isBot(r, 'mode_refused')) || r.event.boot !== boot) return false;
        const request = r.event.request;
        if (request.type !== 'place') return false;
        if (intent.type !== 'enter') return true;
        return (
          request.side === intent.side &&
          Number(request.qty) === intent.qty &&
          (intent.price === undefined || Number(request.price) === intent.price)
        );
      });
      if (order === undefined && superseded !== undefined && superseded.time <= deadline) {
        followed--;
        continue;
      }
      if (order === undefined)
        out.push(
          botViolation(
            NAME,
            `the subject accepted ${intent.type} ${intent.id} in calm conditions and sent no order for it within ${INTENT_ORDER_WITHIN_MS} ms`,
            [record],
          ),
        );
    }
    tally?.count(followed);
    return out;
  },
};
