import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { adminRecord, orderOwners } from './support/admin-record.ts';
import { is, isOrderEvent, type TradingRecord } from './support/events.ts';
import { orderLabel } from './support/order-label.ts';
import { runIndex } from './support/run-index.ts';
import { violation } from './support/violation.ts';

const NAME = 'orders.lifecycle';

interface OrderState {
  label: string;
  accepted: TradingRecord;
  /** The event that ended the order (a cancel, an expiry, the last fill, or a reset). */
  end?: TradingRecord;
}

interface CancelAck {
  txn: number;
  step: number;
}

function describe(rec: TradingRecord): string {
  const e = rec.event;
  if (e.type === 'fill') return `fill ${e.tradeId}`;
  return e.type;
}

/** Orders whose cancel the venue confirmed, with the txn of the confirmation. */
function cancelAcks(evidence: TradingEvidence): Map<string, CancelAck> {
  const acks = new Map<string, CancelAck>();
  for (const op of evidence.history ?? []) {
    const reply = op.reply;
    if (op.action?.kind !== 'cancel' || reply?.status !== 'ok' || typeof reply.txn !== 'number') continue;
    const orderId = (reply.result as { order?: { orderId?: unknown } } | undefined)?.order?.orderId;
    if (typeof orderId !== 'string') continue;
    const known = acks.get(orderId);
    if (known === undefined || reply.txn < known.txn) acks.set(orderId, { txn: reply.txn, step: op.step });
  }
  return acks;
}

/**
 * Each order follows the state machine: accepted first, then fills and replaces only while it
 * is open, then at most one end (cancelled, expired, or the fill that leaves nothing), and
 * nothing after that: in particular no fill after its cancel was acknowledged.
 */
export const ordersLifecycle: Invariant<TradingEvidence> = {
  name: NAME,
  description: 'accepted first, fills and replaces only while open, one terminal event, nothing after it',
  counts: 'orders',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const record = adminRecord(evidence.events);
    const owners = orderOwners(record);
    const acks = cancelAcks(evidence);
    const orders = new Map<string, OrderState>();
    const openByAccount = new Map<string, Set<string>>();
    const reported = new Set<string>();

    // The admin's order events and resets with their accounts (the run index).
    for (const { rec, account } of runIndex(evidence).adminAccountEvents) {
      if (is(rec, 'reset')) {
        // A reset drops every open order of the account without an event of its own.
        for (const orderId of openByAccount.get(account) ?? []) {
          const order = orders.get(orderId);
          if (order !== undefined && order.end === undefined) order.end = rec;
        }
        openByAccount.delete(account);
        continue;
      }
      if (!isOrderEvent(rec)) continue;
      const e = rec.event;
      const owner = owners.get(e.orderId);
      if ((owner !== undefined && owner !== account) || reported.has(e.orderId)) continue;
      const order = orders.get(e.orderId);
      const report = (message: string, events: (TradingRecord | undefined)[], steps: number[] = []): void => {
        reported.add(e.orderId);
        out.push(violation(NAME, message, events, steps));
      };
      if (e.type === 'order_accepted') {
        if (order !== undefined) {
          report(`${order.label}: accepted a second time (txn ${rec.txn})`, [order.accepted, rec]);
          continue;
        }
        orders.set(e.orderId, { label: orderLabel(e.orderId, account, e.clientOrderId), accepted: rec });
        let open = openByAccount.get(account);
        if (open === undefined) {
          open = new Set();
          openByAccount.set(account, open);
        }
        open.add(e.orderId);
        continue;
      }
      if (order === undefined) {
        const label = orderLabel(e.orderId, account, e.clientOrderId);
        report(`${label}: ${describe(rec)} at txn ${rec.txn} before any order_accepted`, [rec]);
        continue;
      }
      if (order.end !== undefined) {
        report(
          `${order.label}: ${describe(rec)} at txn ${rec.txn} after it ended with ${describe(order.end)} at txn ${order.end.txn}`,
          [order.accepted, order.end, rec],
        );
        continue;
      }
      const ack = acks.get(e.orderId);
      if (e.type === 'fill' && ack !== undefined && (rec.txn ?? 0) > ack.txn) {
        report(
          `${order.label}: fill ${e.tradeId} at txn ${rec.txn} after its cancel was acknowledged (step ${ack.step}, txn ${ack.txn})`,
          [order.accepted, rec],
          [ack.step],
        );
        continue;
      }
      const ends =
        e.type === 'order_cancelled' ||
        e.type === 'order_expired' ||
        (e.type === 'fill' && !(e.remainingQty > 1e-12));
      if (ends) {
        order.end = rec;
        openByAccount.get(account)?.delete(e.orderId);
      }
    }
    tally?.count(orders.size);
    return out;
  },
};
