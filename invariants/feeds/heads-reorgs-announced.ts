import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import { type HeadRecord, headFeeds, headNumber } from './support/feeds-records.ts';
import { linkExcuses } from './support/link-chaos-excuses.ts';
import { violation } from './support/violation.ts';

const NAME = 'heads.reorgs-announced';

/**
 * Per subscription, heads form one chain: a head whose parent height the subscriber holds
 * links to that head by parentHash. So heads never go backwards except through a reorg, and a
 * reorg is announced: the new branch is sent from the fork point up, its first head naming a
 * head the subscriber already has as parent. A proxy that only forwards heads above the old
 * tip leaves the next head pointing at a parent the subscriber never saw. A reorg whose fork
 * point lies below the subscription's first head cannot link to anything it holds: not judged.
 * Excused only where
 * the link's chaos destroyed or reordered pushes.
 */
export const headsReorgsAnnounced: Invariant<FeedsEvidence> = {
  name: NAME,
  description:
    'heads never go backwards except through an announced reorg: each head links to the one held below it',
  counts: 'links',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const excuses = linkExcuses(evidence);
    let checked = 0;
    for (const feed of headFeeds(evidence)) {
      const chaos = excuses(feed.client);
      const held = new Map<number, { hash: string; rec: HeadRecord }>();
      let last: number | undefined;
      let first: number | undefined;
      for (const rec of feed.records) {
        const number = headNumber(rec.event.head);
        if (number === undefined) continue;
        const hash = String(rec.event.head.hash);
        const parent = held.get(number - 1);
        const same = held.get(number)?.hash === hash;
        if (!same && last !== undefined) {
          if (parent !== undefined) {
            checked++;
            if (parent.hash !== String(rec.event.head.parentHash) && !chaos.reordered()) {
              out.push(
                violation(
                  NAME,
                  `${feed.client} subscription ${feed.subscription} (step ${feed.step}): head #${number} names parent ${String(rec.event.head.parentHash).slice(0, 10)}, but the subscriber holds #${number - 1} as ${parent.hash.slice(0, 10)}: a reorg went unannounced`,
                  [parent.rec, rec],
                  [feed.step],
                ),
              );
            }
          } else if (number <= last && first !== undefined && number - 1 >= first) {
            checked++;
            const lost = chaos.destroyed(`sub:${feed.subscription}#${number - 1}`) || chaos.reordered();
            if (!lost)
              out.push(
                violation(
                  NAME,
                  `${feed.client} subscription ${feed.subscription} (step ${feed.step}): heads went back from #${last} to #${number} without linking to a head the subscriber holds`,
                  [rec],
                  [feed.step],
                ),
              );
          }
        }
        if (!same) {
          for (const above of [...held.keys()]) if (above > number) held.delete(above);
          held.set(number, { hash, rec });
        }
        last = number;
        first ??= number;
      }
    }
    tally?.count(checked);
    return out;
  },
};
