import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import {
  type BotsEvidence,
  botEvents,
  botViolation,
  isBot,
  TRADING_REQUESTS,
} from './support/bots-evidence.ts';

const NAME = 'bots.fail-closed';

/**
 * A subject that starts on a damaged state file refuses to trade on it: in that boot it sends
 * no order (no place, no replace), and every state it reports says it is halted, unless it
 * exited instead. Trading on state it cannot trust is how a restart turns into a loss.
 */
export const botsFailClosed: Invariant<BotsEvidence> = {
  name: NAME,
  description:
    'after a start on a corrupted state file the subject reports halted (or exits) and sends no order',
  counts: 'starts on a corrupted state file',
  check(evidence: BotsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const corrupted = botEvents(evidence, 'started').filter((r) => r.event.corrupted !== null);
    tally?.count(corrupted.length);
    for (const start of corrupted) {
      const boot = start.event.boot;
      const what = `${start.event.corrupted} state file`;
      const traded = evidence.events.find(
        (r) =>
          r.gseq > start.gseq &&
          ((isBot(r, 'sent') && r.event.boot === boot && TRADING_REQUESTS.has(r.event.request.type)) ||
            (isBot(r, 'mode_refused') &&
              r.event.boot === boot &&
              TRADING_REQUESTS.has(r.event.request.type))),
      );
      if (traded !== undefined) {
        out.push(
          botViolation(NAME, `boot ${boot} started on a ${what} and still sent an order`, [start, traded]),
        );
        continue;
      }
      const trusting = botEvents(evidence, 'state').find(
        (r) => r.gseq > start.gseq && r.event.boot === boot && !r.event.state.halted,
      );
      if (trusting !== undefined)
        out.push(
          botViolation(
            NAME,
            `boot ${boot} started on a ${what} and reports it is not halted (${trusting.event.why} state): it trusts state it cannot check`,
            [start, trusting],
          ),
        );
    }
    return out;
  },
};
