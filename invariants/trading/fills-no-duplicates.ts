import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { eventsByClient, is, type RecordOf } from './support/events.ts';
import { violation } from './support/violation.ts';

const NAME = 'fills.no-duplicates';

/**
 * A fill is news once: no client receives two fills of the same order and trade on an account
 * stream, whatever seq the second one comes under (a client that counted both would double its
 * position).
 */
export const fillsNoDuplicates: Invariant<TradingEvidence> = {
  name: NAME,
  description: 'no client receives the same (orderId, tradeId) fill twice on an account stream',
  needs: [CAP.txnIds],
  counts: 'fills',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    for (const [client, events] of eventsByClient(evidence.events)) {
      const seen = new Map<string, RecordOf<'fill'>>();
      for (const rec of events) {
        if (!is(rec, 'fill') || !rec.stream.startsWith('account:')) continue;
        tally?.count();
        const key = `${rec.stream}|${rec.event.orderId}|${rec.event.tradeId}`;
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, rec);
          continue;
        }
        out.push(
          violation(
            NAME,
            `${client} received fill ${rec.event.tradeId} of ${rec.event.orderId} on ${rec.stream} twice: seq ${first.seq} and seq ${rec.seq}`,
            [first, rec],
          ),
        );
      }
    }
    return out;
  },
};
