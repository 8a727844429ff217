import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { adminRecord } from './support/admin-record.ts';
import { is, type TradingRecord } from './support/events.ts';
import { unfundedAcceptances } from './support/funded-acceptance.ts';
import { atoms, cashDecimalsOf, instrumentGrids } from './support/instrument-grid.ts';
import { show } from './support/numbers.ts';
import { marginOf, worstCase } from './support/oracle-formulas.ts';
import { violation } from './support/violation.ts';

const NAME = 'funds.reserves';

/**
 * What an account holds back is a function of its state: per instrument, the margin of the
 * worst case (all open buys or all open sells filled) at the mark, over its leverage. The
 * final snapshot's reserved and positionMargin must equal that recomputation, in cash atoms
 * rounded up as docs/exchange.md states (support/oracle-formulas.ts), and reserved is never
 * negative. Along the way, an order that added exposure is never accepted into a negative
 * `available` (see funded-acceptance.ts).
 */
export const fundsReserves: Invariant<TradingEvidence> = {
  name: NAME,
  description:
    'reserved and positionMargin equal the margin model recomputed from positions, open orders and marks',
  needs: [CAP.accounts, CAP.margin, CAP.snapshot],
  counts: 'accounts',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const config = evidence.extra?.config;
    const snapshot = evidence.snapshot;
    if (config === undefined || snapshot === undefined) return out;
    const grids = instrumentGrids(config);
    const cashScale = 10 ** cashDecimalsOf(config);
    const marks = new Map<string, number>();
    for (const inst of config.instruments ?? []) marks.set(inst.symbol, inst.markPrice);
    for (const inst of snapshot.instruments ?? []) marks.set(inst.symbol, inst.markPrice);

    const record = adminRecord(evidence.events);
    for (const unfunded of unfundedAcceptances(record, grids)) {
      out.push(violation(NAME, unfunded.message, unfunded.events));
    }
    // The last balance each account was sent, so the report points at what a client saw.
    const lastBalance = new Map<string, TradingRecord>();
    for (const rec of record) {
      if (is(rec, 'balance')) lastBalance.set(rec.stream, rec);
    }

    for (const account of snapshot.accounts ?? []) {
      tally?.count();
      const leverage = account.leverage ?? config.accounts.find((a) => a.id === account.id)?.leverage ?? 1;
      let requirement = 0;
      let positionMargin = 0;
      const parts: string[] = [];
      for (const grid of grids.values()) {
        const pos = atoms(account.positions?.find((p) => p.symbol === grid.symbol)?.qty ?? 0, grid.qtyScale);
        let openBuy = 0;
        let openSell = 0;
        for (const o of snapshot.orders ?? []) {
          if (o.account !== account.id || o.symbol !== grid.symbol) continue;
          if (o.side === 'buy') openBuy += atoms(o.remainingQty, grid.qtyScale);
          else openSell += atoms(o.remainingQty, grid.qtyScale);
        }
        if (pos === 0 && openBuy === 0 && openSell === 0) continue;
        const mark = atoms(marks.get(grid.symbol) ?? grid.markPrice, grid.priceScale);
        const need = marginOf(worstCase(pos, openBuy, openSell), mark, grid.cashPerPxQty, leverage);
        const held = marginOf(Math.abs(pos), mark, grid.cashPerPxQty, leverage);
        requirement += need;
        positionMargin += held;
        parts.push(
          `${grid.symbol}: pos ${show(pos / grid.qtyScale)}, open buy ${show(openBuy / grid.qtyScale)}, open sell ${show(openSell / grid.qtyScale)}, mark ${show(mark / grid.priceScale)}`,
        );
      }
      const reserved = requirement - positionMargin;
      const basis = parts.length === 0 ? 'no positions or open orders' : parts.join('; ');
      const events = [lastBalance.get(`account:${account.id}`)];
      const gotReserved = atoms(account.reserved, cashScale);
      const gotMargin = atoms(account.positionMargin, cashScale);
      if (!(gotReserved >= 0)) {
        out.push(
          violation(NAME, `account ${account.id}: reserved ${show(account.reserved)} is negative`, events),
        );
      } else if (gotReserved !== reserved) {
        out.push(
          violation(
            NAME,
            `account ${account.id}: reserved ${show(account.reserved)} != recomputed ${show(reserved / cashScale)} (leverage ${leverage}; ${basis})`,
            events,
          ),
        );
      }
      if (gotMargin !== positionMargin) {
        out.push(
          violation(
            NAME,
            `account ${account.id}: positionMargin ${show(account.positionMargin)} != recomputed ${show(positionMargin / cashScale)} (leverage ${leverage}; ${basis})`,
            events,
          ),
        );
      }
    }
    return out;
  },
};
