import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { adminRecord, groupByTxn } from './support/admin-record.ts';
import {
  ADMIN_CLIENT,
  accountOfStream,
  is,
  type RecordOf,
  symbolOfStream,
  traderClients,
} from './support/events.ts';
import { instrumentGrids } from './support/instrument-grid.ts';
import { sameNumber, show } from './support/numbers.ts';
import { eventsOfType, runIndex } from './support/run-index.ts';
import { violation } from './support/violation.ts';

const NAME = 'ledger.equity';
const TOLERANCE = 1e-6;

/**
 * Equity is cash plus every position valued at the current mark, and available is equity less
 * what is held back. Checked on the final snapshot, and on every balance a trader received
 * against the positions and marks the admin had seen by the end of that balance's input (the
 * venue sends positions, then balances, at the end of an input).
 */
export const ledgerEquity: Invariant<TradingEvidence> = {
  name: NAME,
  description: 'equity = cash + sum(position x mark) and available = equity - (reserved + positionMargin)',
  needs: [CAP.accounts, CAP.margin],
  counts: 'balances',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const config = evidence.extra?.config;
    const grids = instrumentGrids(config);
    const configuredMark = (symbol: string): number | undefined => grids.get(symbol)?.markPrice;

    // Balances to check, by txn: what the traders received, or the admin's copy for accounts no trader follows.
    const traders = new Set(traderClients(evidence.events, evidence.projections));
    const traderAccounts = new Set<string>();
    // From the run index: the streams each client got events on, and the balance events.
    const index = runIndex(evidence);
    for (const [client, streams] of index.clientStreams) {
      if (!traders.has(client as string)) continue;
      for (const stream of streams) {
        const account = accountOfStream(stream);
        if (account !== undefined) traderAccounts.add(account);
      }
    }
    const balances = new Map<number, RecordOf<'balance'>[]>();
    const checked = new Map<string, Set<number>>();
    for (const rec of eventsOfType(index, 'balance')) {
      if (typeof rec.stream !== 'string' || typeof rec.txn !== 'number') continue;
      const account = accountOfStream(rec.stream);
      if (account === undefined) continue;
      const fromTrader = traders.has(rec.client);
      if (!fromTrader && !(rec.client === ADMIN_CLIENT && !traderAccounts.has(account))) continue;
      // One report per distinct message, even if it reached several clients.
      let seqs = checked.get(rec.stream);
      if (seqs === undefined) {
        seqs = new Set();
        checked.set(rec.stream, seqs);
      }
      if (seqs.has(rec.seq)) continue;
      seqs.add(rec.seq);
      const list = balances.get(rec.txn) ?? [];
      list.push(rec);
      balances.set(rec.txn, list);
    }

    const positions = new Map<string, Map<string, { qty: number; rec: RecordOf<'position'> }>>();
    const marks = new Map<string, { price: number; rec?: RecordOf<'mark_price'> }>();
    const markOf = (symbol: string) => {
      const known = marks.get(symbol);
      if (known !== undefined) return known;
      const start = configuredMark(symbol);
      return start === undefined ? undefined : { price: start };
    };
    for (const group of groupByTxn(adminRecord(evidence.events))) {
      for (const rec of group) {
        if (is(rec, 'position')) {
          const account = accountOfStream(rec.stream);
          if (account === undefined) continue;
          const held = positions.get(account) ?? new Map();
          held.set(rec.event.symbol, { qty: rec.event.qty, rec });
          positions.set(account, held);
        } else if (is(rec, 'mark_price') && rec.stream.startsWith('market:')) {
          marks.set(rec.event.symbol, { price: rec.event.price, rec });
        } else if (is(rec, 'reset')) {
          const account = accountOfStream(rec.stream);
          const symbol = symbolOfStream(rec.stream);
          if (account !== undefined) positions.delete(account);
          if (symbol !== undefined && rec.stream.startsWith('market:')) marks.delete(symbol);
        }
      }
      for (const rec of balances.get(group[0].txn as number) ?? []) {
        const account = accountOfStream(rec.stream)!;
        const b = rec.event;
        const held = positions.get(account);
        let valued = 0;
        let unknownMark = false;
        for (const [symbol, { qty }] of held ?? []) {
          if (qty === 0) continue;
          const mark = markOf(symbol);
          if (mark === undefined) {
            unknownMark = true;
            continue;
          }
          const multiplier = grids.get(symbol)?.contractMultiplier ?? 1;
          valued += qty * mark.price * multiplier;
        }
        if (unknownMark) continue;
        tally?.count();
        const expected = b.cash + valued;
        if (!sameNumber(b.equity, expected, TOLERANCE)) {
          // The terms of the sum and the events behind them, written for the report only.
          const terms: string[] = [];
          const involved: (RecordOf<'position'> | RecordOf<'mark_price'> | undefined)[] = [];
          for (const [symbol, { qty, rec: posRec }] of held ?? []) {
            const mark = qty === 0 ? undefined : markOf(symbol);
            if (mark === undefined) continue;
            const multiplier = grids.get(symbol)?.contractMultiplier ?? 1;
            terms.push(
              `${show(qty)} x ${show(mark.price)}${multiplier === 1 ? '' : ` x ${show(multiplier)}`}`,
            );
            involved.push(posRec, mark.rec);
          }
          const sum = terms.length === 0 ? '' : ` + ${terms.join(' + ')}`;
          out.push(
            violation(
              NAME,
              `${rec.client} balance on ${rec.stream} (seq ${rec.seq}, txn ${rec.txn}): equity ${show(b.equity)} != cash ${show(b.cash)}${sum} = ${show(expected)}`,
              [...involved, rec],
            ),
          );
        } else if (!sameNumber(b.available, b.equity - b.reserved - b.positionMargin, TOLERANCE)) {
          out.push(
            violation(
              NAME,
              `${rec.client} balance on ${rec.stream} (seq ${rec.seq}, txn ${rec.txn}): available ${show(b.available)} != equity ${show(b.equity)} - reserved ${show(b.reserved)} - positionMargin ${show(b.positionMargin)}`,
              [rec],
            ),
          );
        }
      }
    }

    const snapshotMarks = new Map<string, number>();
    for (const inst of evidence.snapshot?.instruments ?? []) snapshotMarks.set(inst.symbol, inst.markPrice);
    for (const a of evidence.snapshot?.accounts ?? []) {
      tally?.count();
      let expected = a.cash;
      const terms: string[] = [];
      for (const p of a.positions ?? []) {
        const mark = snapshotMarks.get(p.symbol) ?? configuredMark(p.symbol) ?? Number.NaN;
        const multiplier = grids.get(p.symbol)?.contractMultiplier ?? 1;
        expected += p.qty * mark * multiplier;
        terms.push(`${show(p.qty)} x ${show(mark)}${multiplier === 1 ? '' : ` x ${show(multiplier)}`}`);
      }
      if (!sameNumber(a.equity, expected, TOLERANCE)) {
        const sum = terms.length === 0 ? '' : ` + ${terms.join(' + ')}`;
        out.push(
          violation(
            NAME,
            `final snapshot account ${a.id}: equity ${show(a.equity)} != cash ${show(a.cash)}${sum} = ${show(expected)}`,
          ),
        );
      }
      if (!sameNumber(a.available, a.equity - (a.reserved + a.positionMargin), TOLERANCE)) {
        out.push(
          violation(
            NAME,
            `final snapshot account ${a.id}: available ${show(a.available)} != equity ${show(a.equity)} - (reserved ${show(a.reserved)} + positionMargin ${show(a.positionMargin)})`,
          ),
        );
      }
    }
    return out;
  },
};
