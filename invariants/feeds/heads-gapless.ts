import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import { headFeeds, headNumber } from './support/feeds-records.ts';
import { linkExcuses } from './support/link-chaos-excuses.ts';
import { violation } from './support/violation.ts';

const NAME = 'heads.gapless';

/**
 * Per subscription, heads come without a gap, across failovers too: after head n the next one
 * is at most n + 1 (a reorg may go lower: heads.reorgs-announced judges that). A failover that
 * skips blocks must backfill them. A gap is excused only where the link's chaos destroyed or
 * held back exactly those heads (the fault records' labels).
 */
export const headsGapless: Invariant<FeedsEvidence> = {
  name: NAME,
  description: 'per subscription, heads arrive without a gap, across failovers (a gap is backfilled)',
  counts: 'heads',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const excuses = linkExcuses(evidence);
    let checked = 0;
    for (const feed of headFeeds(evidence)) {
      const chaos = excuses(feed.client);
      let last: number | undefined;
      let lastRec = feed.records[0];
      // Heights received so far: one that came early (reordered) is no gap later.
      const seen = new Set<number>();
      for (const rec of feed.records) {
        const number = headNumber(rec.event.head);
        if (number === undefined) continue;
        checked++;
        if (last !== undefined && number > last + 1) {
          const missing: number[] = [];
          for (let n = last + 1; n < number; n++) if (!seen.has(n)) missing.push(n);
          const excused = missing.every(
            (n) => chaos.destroyed(`sub:${feed.subscription}#${n}`) || chaos.reordered(),
          );
          if (missing.length > 0 && !excused)
            out.push(
              violation(
                NAME,
                `${feed.client} subscription ${feed.subscription} (step ${feed.step}): head #${number} came after #${last}; heads ${missing.join(', ')} never arrived`,
                [lastRec, rec],
                [feed.step],
              ),
            );
        }
        last = number;
        lastRec = rec;
        seen.add(number);
      }
    }
    tally?.count(checked);
    return out;
  },
};
