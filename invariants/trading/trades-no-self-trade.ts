import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { adminRecord, orderOwners } from './support/admin-record.ts';
import { accountOfStream, is, type RecordOf } from './support/events.ts';
import { show } from './support/numbers.ts';
import { violation } from './support/violation.ts';

const NAME = 'trades.no-self-trade';

/**
 * An account never trades with itself: the maker and the taker of a trade belong to different
 * accounts. An order's account is the stream it was accepted on, so a fill copied to a third
 * account's stream does not blur who traded.
 */
export const tradesNoSelfTrade: Invariant<TradingEvidence> = {
  name: NAME,
  description: "no trade's maker and taker fills belong to the same account",
  needs: [CAP.selfTradePrevention],
  counts: 'trades',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const record = adminRecord(evidence.events);
    const owners = orderOwners(record);
    const fills = new Map<string, { takers: RecordOf<'fill'>[]; makers: RecordOf<'fill'>[] }>();
    for (const rec of record) {
      if (!is(rec, 'fill')) continue;
      const account = accountOfStream(rec.stream);
      const owner = owners.get(rec.event.orderId) ?? account;
      if (account === undefined || owner !== account) continue;
      const entry = fills.get(rec.event.tradeId) ?? { takers: [], makers: [] };
      (rec.event.liquidity === 'taker' ? entry.takers : entry.makers).push(rec);
      fills.set(rec.event.tradeId, entry);
    }
    for (const [tradeId, { takers, makers }] of fills) {
      tally?.count();
      for (const taker of takers) {
        for (const maker of makers) {
          if (taker.stream !== maker.stream) continue;
          const account = accountOfStream(taker.stream);
          out.push(
            violation(
              NAME,
              `trade ${tradeId} (${taker.event.symbol} ${show(taker.event.qty)} @ ${show(taker.event.price)}): maker ${maker.event.orderId} and taker ${taker.event.orderId} are both account ${account}`,
              [maker, taker],
            ),
          );
        }
      }
    }
    return out;
  },
};
