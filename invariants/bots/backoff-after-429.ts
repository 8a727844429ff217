import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { type BotsEvidence, botViolation, isBot, UNCOUNTED_REQUESTS } from './support/bots-evidence.ts';

const NAME = 'bots.backoff-after-429';

/**
 * After a 429 the subject waits the retry-after the venue asked for: from the moment it
 * received the answer until that many ms have passed, it sends nothing the venue counts
 * (login and ping are not rate limited), on any connection of that boot.
 */
export const botsBackoffAfter429: Invariant<BotsEvidence> = {
  name: NAME,
  description: 'after a 429 the subject sends nothing rate limited until its retry-after has passed',
  counts: '429 answers',
  check(evidence: BotsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    let holds: { until: number; boot: number; record: (typeof evidence.events)[number]; ms: number }[] = [];
    let seen = 0;
    for (const record of evidence.events) {
      if (isBot(record, 'received')) {
        const message = record.event.message;
        if (message.type === 'response' && !message.ok && message.error.code === 'rate_limited') {
          seen++;
          const ms = message.error.retryAfterMs ?? 0;
          holds.push({ until: record.time + ms, boot: record.event.boot, record, ms });
        }
        continue;
      }
      if (!isBot(record, 'sent') || UNCOUNTED_REQUESTS.has(record.event.request.type)) continue;
      holds = holds.filter((h) => h.until > record.time);
      const hold = holds.find((h) => h.boot === record.event.boot);
      if (hold === undefined) continue;
      out.push(
        botViolation(
          NAME,
          `the subject sent ${record.event.request.type} ${Math.max(0, record.time - hold.record.time)} ms after a 429 that asked it to wait ${hold.ms} ms`,
          [hold.record, record],
        ),
      );
      holds = holds.filter((h) => h !== hold);
    }
    tally?.count(seen);
    return out;
  },
};
