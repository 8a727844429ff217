import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { brief, firstDifference } from './support/first-difference.ts';
import { violation } from './support/violation.ts';

const NAME = 'durability.journal-replay';

/**
 * What the venue journaled is what it did: the state rebuilt by replaying its journal into a
 * fresh engine equals the live final state. Times and wire seqs are left out (a replay has its
 * own clock, and seqs a host injected are not journaled). Without a journal snapshot there is
 * nothing to compare.
 */
export const durabilityJournalReplay: Invariant<TradingEvidence> = {
  name: NAME,
  description: 'the state replayed from the journal equals the live final snapshot',
  needs: [CAP.journal, CAP.snapshot],
  counts: 'journal replays',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const replayed = evidence.extra?.journalSnapshot;
    if (replayed === undefined || replayed === null) return [];
    tally?.count();
    const d = firstDifference(evidence.snapshot, replayed, {
      ignore: ['time', 'streams'],
      first: ['orders', 'accounts', 'books', 'instruments', 'txn'],
    });
    if (d === undefined) return [];
    let message = `journal replay differs from the live state at ${d.path}: live ${brief(d.left)}, replay ${brief(d.right)}`;
    if (d.path.startsWith('orders')) {
      // Which orders exist on one side only says more than the first differing field.
      const ids = (orders: { orderId: string }[] | undefined): string[] =>
        (orders ?? []).map((o) => o.orderId);
      const live = ids(evidence.snapshot?.orders);
      const again = ids(replayed.orders);
      const onlyLive = live.filter((id) => !again.includes(id));
      const onlyReplay = again.filter((id) => !live.includes(id));
      if (onlyLive.length > 0 || onlyReplay.length > 0) {
        message = `journal replay differs from the live state in open orders: only live [${onlyLive.join(', ')}], only in the replay [${onlyReplay.join(', ')}]`;
      }
    }
    return [violation(NAME, message)];
  },
};
