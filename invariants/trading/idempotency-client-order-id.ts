import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { adminRecord, orderOwners } from './support/admin-record.ts';
import { is, isOrderEvent, type TradingRecord } from './support/events.ts';
import { instrumentGrids, lotsOf, qtyOfLots } from './support/instrument-grid.ts';
import { show } from './support/numbers.ts';
import { runIndex } from './support/run-index.ts';
import { violation } from './support/violation.ts';

const NAME = 'idempotency.client-order-id';

interface Use {
  orderId: string;
  cid: string;
  symbol: string;
  qty: number;
  filled: number;
  accepted: TradingRecord;
  /** The venue-wide count of finished orders when this one finished. */
  finishedAt?: number;
}

/**
 * A client order id makes a retried request harmless: per account, an id is accepted once (it
 * frees up only after a reset, or once the venue has forgotten the finished order), and the
 * orders sharing an id are never filled beyond the quantity one of them asked for.
 */
export const idempotencyClientOrderId: Invariant<TradingEvidence> = {
  name: NAME,
  description: 'per account a clientOrderId is accepted once; duplicates never fill beyond one order',
  counts: 'orders',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const grids = instrumentGrids(evidence.extra?.config);
    const retain = evidence.extra?.config?.retainFinishedOrders ?? Number.POSITIVE_INFINITY;
    const record = adminRecord(evidence.events);
    const owners = orderOwners(record);
    // account -> clientOrderId -> orders accepted under it since the last reset.
    const ids = new Map<string, Map<string, Use[]>>();
    const byOrder = new Map<string, Use>();
    const groups: { account: string; cid: string; uses: Use[] }[] = [];
    let finished = 0;

    // The admin's order events and resets with their accounts (the run index).
    for (const { rec, account } of runIndex(evidence).adminAccountEvents) {
      if (is(rec, 'reset')) {
        ids.delete(account);
        continue;
      }
      if (!isOrderEvent(rec) || owners.get(rec.event.orderId) !== account) continue;
      const e = rec.event;
      if (e.type === 'order_accepted') {
        const known = byOrder.get(e.orderId);
        if (known !== undefined) {
          // The same event again (one frame seen twice) says nothing new; another acceptance of
          // an order id already taken, under a client id still remembered, is a second order.
          if (known.accepted.stream === rec.stream && known.accepted.seq === rec.seq) continue;
          const remembered = known.finishedAt === undefined || finished - known.finishedAt < retain;
          if (remembered && known.cid === e.clientOrderId) {
            out.push(
              violation(
                NAME,
                `client order id ${e.clientOrderId} of ${account} accepted twice: ${known.orderId} (txn ${known.accepted.txn}) and again as ${e.orderId} (txn ${rec.txn})`,
                [known.accepted, rec],
              ),
            );
          }
          continue;
        }
        let perAccount = ids.get(account);
        if (perAccount === undefined) {
          perAccount = new Map();
          ids.set(account, perAccount);
        }
        const use: Use = {
          orderId: e.orderId,
          cid: e.clientOrderId,
          symbol: e.symbol,
          qty: lotsOf(grids, e.symbol, e.qty),
          filled: 0,
          accepted: rec,
        };
        byOrder.set(e.orderId, use);
        tally?.count();
        // Still remembered: open, or finished less than `retain` finished orders ago.
        const earlier = perAccount.get(e.clientOrderId) ?? [];
        const live = earlier.filter((u) => u.finishedAt === undefined || finished - u.finishedAt < retain);
        if (live.length === 0) {
          const uses = [use];
          perAccount.set(e.clientOrderId, uses);
          groups.push({ account, cid: e.clientOrderId, uses });
          continue;
        }
        const first = live[0];
        out.push(
          violation(
            NAME,
            `client order id ${e.clientOrderId} of ${account} accepted twice: ${first.orderId} (txn ${first.accepted.txn}) and ${e.orderId} (txn ${rec.txn})`,
            [first.accepted, rec],
          ),
        );
        earlier.push(use);
        continue;
      }
      const use = byOrder.get(e.orderId);
      if (use === undefined) continue;
      if (e.type === 'fill') use.filled += lotsOf(grids, use.symbol, e.qty);
      const ends =
        e.type === 'order_cancelled' ||
        e.type === 'order_expired' ||
        (e.type === 'fill' && !(e.remainingQty > 1e-12));
      if (ends && use.finishedAt === undefined) {
        finished++;
        use.finishedAt = finished;
      }
    }

    for (const { account, cid, uses } of groups) {
      if (uses.length < 2) continue;
      const symbol = uses[0].symbol;
      const total = uses.reduce((sum, u) => sum + u.filled, 0);
      const largest = Math.max(...uses.map((u) => u.qty));
      if (total > largest) {
        out.push(
          violation(
            NAME,
            `client order id ${cid} of ${account} filled ${show(qtyOfLots(grids, symbol, total))} in total across ${uses.map((u) => u.orderId).join(', ')}, above the ${show(qtyOfLots(grids, symbol, largest))} one order asked for`,
            uses.map((u) => u.accepted),
          ),
        );
      }
    }
    return out;
  },
};
