import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import { type HeadRecord, headFeeds, headNumber } from './support/feeds-records.ts';
import { linkExcuses } from './support/link-chaos-excuses.ts';
import { violation } from './support/violation.ts';

const NAME = 'heads.no-duplicates';

/**
 * Per subscription, a head the subscriber holds (same number, same hash, not replaced by a
 * reorg since) is never sent again, whatever failover or resubscribe happened in between. A
 * reorg that goes back to block n forgets what was held above n, so a branch coming back is
 * not a duplicate. Excused only as often as the link's chaos doubled pushes to that client.
 */
export const headsNoDuplicates: Invariant<FeedsEvidence> = {
  name: NAME,
  description: 'per subscription, no head is delivered twice (a duplicate after a resubscribe is suppressed)',
  counts: 'heads',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const excuses = linkExcuses(evidence);
    let checked = 0;
    for (const feed of headFeeds(evidence)) {
      const chaos = excuses(feed.client);
      const held = new Map<number, { hash: string; rec: HeadRecord }>();
      for (const rec of feed.records) {
        const number = headNumber(rec.event.head);
        if (number === undefined) continue;
        checked++;
        const hash = String(rec.event.head.hash);
        const before = held.get(number);
        if (before !== undefined && before.hash === hash) {
          if (!chaos.doubled())
            out.push(
              violation(
                NAME,
                `${feed.client} subscription ${feed.subscription} (step ${feed.step}): head #${number} ${hash.slice(0, 10)} delivered twice`,
                [before.rec, rec],
                [feed.step],
              ),
            );
          continue;
        }
        for (const above of [...held.keys()]) if (above > number) held.delete(above);
        held.set(number, { hash, rec });
      }
    }
    tally?.count(checked);
    return out;
  },
};
