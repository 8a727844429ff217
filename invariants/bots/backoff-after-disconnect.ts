import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { type BotRecord, type BotsEvidence, botViolation, isBot } from './support/bots-evidence.ts';

const NAME = 'bots.backoff-after-disconnect';

/** The least a subject waits before it dials again after losing its connection or failing to dial. */
export const MIN_REDIAL_MS = 10;

/**
 * After its connection is cut, or a dial fails, the subject waits at least 10 ms before it
 * dials again (a subject that redials at once hammers a venue that is struggling), and while
 * the venue keeps refusing it the waits do not shrink.
 */
export const botsBackoffAfterDisconnect: Invariant<BotsEvidence> = {
  name: NAME,
  description:
    'after a cut or a failed dial the subject waits at least 10 ms, and no less each time, before it dials again',
  counts: 'redials',
  check(evidence: BotsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    let redials = 0;
    // Per boot: when the last failure happened, and the last wait while the venue kept refusing.
    const failedAt = new Map<number, BotRecord>();
    const lastWait = new Map<number, number>();
    for (const record of evidence.events) {
      if (isBot(record, 'closed') && record.event.by === 'venue') {
        failedAt.set(record.event.boot, record);
        lastWait.delete(record.event.boot);
        continue;
      }
      if (isBot(record, 'dialed')) {
        if (record.event.conn === null) failedAt.set(record.event.boot, record);
        else {
          failedAt.delete(record.event.boot);
          lastWait.delete(record.event.boot);
        }
        continue;
      }
      if (!isBot(record, 'dialing')) continue;
      const failure = failedAt.get(record.event.boot);
      if (failure === undefined) continue;
      redials++;
      const waited = record.time - failure.time;
      const before = lastWait.get(record.event.boot);
      if (waited < MIN_REDIAL_MS) {
        out.push(
          botViolation(
            NAME,
            `the subject dialed again ${waited} ms after ${describe(failure)} (at least ${MIN_REDIAL_MS} ms)`,
            [failure, record],
          ),
        );
      } else if (before !== undefined && waited < before) {
        out.push(
          botViolation(
            NAME,
            `the subject waited ${waited} ms before redialing, less than the ${before} ms it waited before`,
            [failure, record],
          ),
        );
      }
      lastWait.set(record.event.boot, waited);
      failedAt.delete(record.event.boot);
    }
    tally?.count(redials);
    return out;
  },
};

function describe(record: BotRecord): string {
  return isBot(record, 'closed') ? 'its connection was cut' : 'a failed dial';
}
