import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { adminRecord } from './support/admin-record.ts';
import { is, type RecordOf } from './support/events.ts';
import { sameNumber, show } from './support/numbers.ts';
import { violation } from './support/violation.ts';

const NAME = 'trades.both-sides';

interface TradeParts {
  trades: RecordOf<'trade'>[];
  takers: RecordOf<'fill'>[];
  makers: RecordOf<'fill'>[];
}

/**
 * Every public trade is exactly two private fills, one taker and one maker, with the trade's
 * id, price and quantity and opposite sides; and no fill exists without its public trade.
 */
export const tradesBothSides: Invariant<TradingEvidence> = {
  name: NAME,
  description: 'each trade has exactly one taker and one maker fill that match it; no fill without a trade',
  needs: [CAP.tape],
  counts: 'trades',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const byId = new Map<string, TradeParts>();
    const parts = (tradeId: string): TradeParts => {
      let p = byId.get(tradeId);
      if (p === undefined) {
        p = { trades: [], takers: [], makers: [] };
        byId.set(tradeId, p);
      }
      return p;
    };
    for (const rec of adminRecord(evidence.events)) {
      if (is(rec, 'trade') && rec.stream.startsWith('market:')) parts(rec.event.tradeId).trades.push(rec);
      else if (is(rec, 'fill') && rec.stream.startsWith('account:')) {
        const p = parts(rec.event.tradeId);
        (rec.event.liquidity === 'taker' ? p.takers : p.makers).push(rec);
      }
    }
    for (const [tradeId, { trades, takers, makers }] of byId) {
      tally?.count();
      const all = [...trades, ...takers, ...makers];
      const fillsOn = (fills: RecordOf<'fill'>[]): string => fills.map((f) => f.stream).join(', ');
      if (trades.length === 0) {
        out.push(
          violation(
            NAME,
            `fill(s) of ${tradeId} on ${fillsOn([...takers, ...makers])} without a public trade`,
            all,
          ),
        );
        continue;
      }
      const trade = trades[0].event;
      const what = `trade ${tradeId} (${trade.symbol} ${show(trade.qty)} @ ${show(trade.price)})`;
      if (trades.length > 1) {
        out.push(violation(NAME, `${what} printed ${trades.length} times`, all));
        continue;
      }
      if (takers.length !== 1 || makers.length !== 1) {
        const counts = `${takers.length} taker fill(s)${takers.length > 0 ? ` on ${fillsOn(takers)}` : ''} and ${makers.length} maker fill(s)${makers.length > 0 ? ` on ${fillsOn(makers)}` : ''}`;
        out.push(violation(NAME, `${what} has ${counts}, expected one of each`, all));
        continue;
      }
      const taker = takers[0].event;
      const maker = makers[0].event;
      const problems: string[] = [];
      for (const [role, fill] of [
        ['taker', taker],
        ['maker', maker],
      ] as const) {
        if (!sameNumber(fill.qty, trade.qty)) problems.push(`${role} fill qty ${show(fill.qty)}`);
        if (!sameNumber(fill.price, trade.price)) problems.push(`${role} fill price ${show(fill.price)}`);
        if (fill.symbol !== trade.symbol) problems.push(`${role} fill symbol ${fill.symbol}`);
      }
      if (taker.side !== trade.takerSide)
        problems.push(`taker fill side ${taker.side} but takerSide ${trade.takerSide}`);
      if (maker.side === taker.side) problems.push(`both fills are ${maker.side}s`);
      if (problems.length > 0) out.push(violation(NAME, `${what}: ${problems.join('; ')}`, all));
    }
    return out;
  },
};
