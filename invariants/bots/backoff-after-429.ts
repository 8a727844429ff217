import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { ClientRequest } from '../../src/domains/trading/protocol/protocol-messages.ts';
import {
  type BotRecord,
  type BotsEvidence,
  botViolation,
  isBot,
  sameRequest,
  UNCOUNTED_REQUESTS,
  wireSkewOf,
  withinSkew,
} from './support/bots-evidence.ts';

const NAME = 'bots.backoff-after-429';

/** One 429 the subject received: until when it must hold back, and the request it answered. */
interface Hold {
  until: number;
  boot: number;
  record: BotRecord;
  ms: number;
  /** The request the 429 answered (by its id on that connection), when it was recorded. */
  answered: ClientRequest | undefined;
}

/**
 * After a 429 the subject waits the retry-after the venue asked for: from the moment it
 * received the answer until that many ms have passed, it sends nothing the venue counts
 * (login and ping are not rate limited), on any connection of that boot.
 *
 * Over a process link the wire is recorded outside the subject (evidence.extra.wireSkewMs): a
 * send recorded within that skew after the 429 may have been written before the subject read
 * it, and is not judged, unless it is the answered request sent again (the same type and
 * client order id), which cannot cross its own answer. In process the skew is 0.
 */
export const botsBackoffAfter429: Invariant<BotsEvidence> = {
  name: NAME,
  description: 'after a 429 the subject sends nothing rate limited until its retry-after has passed',
  counts: '429 answers',
  check(evidence: BotsEvidence, tally?: CheckTally): Violation[] {
    const skew = wireSkewOf(evidence);
    const out: Violation[] = [];
    let holds: Hold[] = [];
    // The last request sent with each id on each connection, to name what a 429 answered.
    const sentById = new Map<string, ClientRequest>();
    let seen = 0;
    for (const record of evidence.events) {
      if (isBot(record, 'received')) {
        const message = record.event.message;
        if (message.type === 'response' && !message.ok && message.error.code === 'rate_limited') {
          seen++;
          const ms = message.error.retryAfterMs ?? 0;
          holds.push({
            until: record.time + ms,
            boot: record.event.boot,
            record,
            ms,
            answered: sentById.get(`${record.event.conn}:${String(message.id)}`),
          });
        }
        continue;
      }
      if (!isBot(record, 'sent')) continue;
      const request = record.event.request;
      sentById.set(`${record.event.conn}:${String(request.id)}`, request);
      if (UNCOUNTED_REQUESTS.has(request.type)) continue;
      holds = holds.filter((h) => h.until > record.time);
      const hold = holds.find(
        (h) =>
          h.boot === record.event.boot &&
          (!withinSkew(skew, h.record.time, record.time) ||
            (h.answered !== undefined && sameRequest(h.answered, request))),
      );
      if (hold === undefined) continue;
      const again = hold.answered !== undefined && sameRequest(hold.answered, request);
      out.push(
        botViolation(
          NAME,
          `the subject sent ${request.type}${again ? ' (the rate-limited request again)' : ''} ${Math.max(0, record.time - hold.record.time)} ms after a 429 that asked it to wait ${hold.ms} ms`,
          [hold.record, record],
        ),
      );
      holds = holds.filter((h) => h !== hold);
    }
    tally?.count(seen);
    return out;
  },
};
