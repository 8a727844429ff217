import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import {
  ADMIN_CLIENT,
  accountOfClient,
  accountOfStream,
  endsOrder,
  eventsByClient,
  is,
  isOrderEvent,
  type OrderEventRecord,
  type RecordOf,
  type TradingRecord,
} from './support/events.ts';
import { orderOfReply, requestOps, type TradingOperation } from './support/history.ts';
import { EPSILON, sameNumber, show } from './support/numbers.ts';
import { orderLabel } from './support/order-label.ts';
import { violation } from './support/violation.ts';

/** An open order of the final snapshot. */
type OrderSnapshot = TradingEvidence['snapshot']['orders'][number];

const NAME = 'durability.acknowledged-kept';

const RESTING = new Set(['open', 'partially_filled']);
const FINISHED = new Set(['filled', 'cancelled', 'expired']);

/** Order ids may be handed out again after a restart that lost inputs: the client order id tells them apart. */
const keyOf = (account: string, orderId: string, clientOrderId: string | undefined): string =>
  `${account}|${orderId}|${clientOrderId ?? ''}`;

interface OrderHistory {
  account: string;
  orderId: string;
  clientOrderId: string;
  accepted?: OrderEventRecord;
  end?: OrderEventRecord;
  lastFill?: RecordOf<'fill'>;
  lastReplace?: RecordOf<'order_replaced'>;
}

function describe(rec: OrderEventRecord): string {
  return rec.event.type === 'fill' ? `fill ${rec.event.tradeId}` : rec.event.type;
}

/**
 * What the venue acknowledged survives a crash. Judged by the venue's own record (the admin's
 * events, which its link never loses) against the final snapshot's open orders:
 * - an order an ok reply described as resting (open or partially filled) that the venue never
 *   ended (no cancel, expiry, last fill or reset of its account on the record, nor on a
 *   trader's stream or in a later reply) is still open at the end;
 * - an order the record ended through an acknowledged input (a cancel, a cancel-all, the
 *   trade of an acknowledged place) is not open at the end;
 * - an open order shows at least the fills, and the price and quantity of the last replace,
 *   that acknowledged inputs gave it.
 * Orders are matched by account, order id and client order id.
 */
export const durabilityAcknowledgedKept: Invariant<TradingEvidence> = {
  name: NAME,
  description:
    'no acknowledged input is lost: acknowledged orders, cancels, fills and replaces survive a crash',
  needs: [CAP.snapshot],
  counts: 'orders',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const orders = evidence.snapshot?.orders;
    if (!Array.isArray(orders)) return out;
    const open = new Map<string, OrderSnapshot>();
    for (const o of orders)
      if (o && typeof o.orderId === 'string') open.set(keyOf(o.account, o.orderId, o.clientOrderId), o);

    const ops = requestOps(evidence);
    // The acknowledged inputs, by the txn their ok reply names.
    const ackByTxn = new Map<number, TradingOperation>();
    for (const op of ops) {
      const reply = op.reply;
      if (reply?.status === 'ok' && typeof reply.txn === 'number' && !ackByTxn.has(reply.txn))
        ackByTxn.set(reply.txn, op);
    }
    const crashes = (Array.isArray(evidence.extra?.crashes) ? evidence.extra.crashes : []).filter(
      (c) => typeof c?.step === 'number',
    );
    const across = (step: number): string => {
      const crash = crashes.find((c) => c.step > step);
      return crash === undefined ? '' : ` after the crash at step ${crash.step}`;
    };

    // Orders the venue said ended, in any client's record or in a reply: a venue that restarted
    // from a shorter journal reuses seqs, so a resumed admin can miss what the traders saw.
    const ended = new Set<string>();
    for (const [client, events] of eventsByClient(evidence.events)) {
      if (client === ADMIN_CLIENT) continue;
      for (const rec of events) {
        if (!isOrderEvent(rec) || !endsOrder(rec)) continue;
        const account = accountOfStream(rec.stream);
        if (account !== undefined) ended.add(keyOf(account, rec.event.orderId, rec.event.clientOrderId));
      }
    }
    for (const op of ops) {
      const order = orderOfReply(op);
      if (order !== undefined && FINISHED.has(order.status ?? ''))
        ended.add(keyOf(accountOfClient(op.client, evidence.events), order.orderId, order.clientOrderId));
    }

    const followed = new Set<string>();
    const resets = new Map<string, TradingRecord[]>();
    const histories = new Map<string, OrderHistory>();
    for (const rec of eventsByClient(evidence.events).get(ADMIN_CLIENT) ?? []) {
      const account = accountOfStream(rec.stream);
      if (account === undefined) continue;
      followed.add(account);
      if (is(rec, 'reset')) {
        const list = resets.get(account);
        if (list === undefined) resets.set(account, [rec]);
        else list.push(rec);
        continue;
      }
      if (!isOrderEvent(rec)) continue;
      const e = rec.event;
      const key = keyOf(account, e.orderId, e.clientOrderId);
      let h = histories.get(key);
      if (h === undefined) {
        h = { account, orderId: e.orderId, clientOrderId: e.clientOrderId };
        histories.set(key, h);
      }
      if (e.type === 'order_accepted') h.accepted ??= rec;
      else if (e.type === 'fill') h.lastFill = rec as RecordOf<'fill'>;
      else if (e.type === 'order_replaced') h.lastReplace = rec as RecordOf<'order_replaced'>;
      if (endsOrder(rec)) {
        h.end ??= rec;
        ended.add(key);
      }
    }

    // Resting orders an ok reply vouched for.
    for (const op of ops) {
      const order = orderOfReply(op);
      if (order === undefined || !RESTING.has(order.status ?? '')) continue;
      const account = accountOfClient(op.client, evidence.events);
      if (!followed.has(account)) continue;
      tally?.count();
      const action = op.action as { clientOrderId?: unknown } | undefined;
      const cid =
        order.clientOrderId ?? (typeof action?.clientOrderId === 'string' ? action.clientOrderId : undefined);
      const key = keyOf(account, order.orderId, cid);
      if (open.has(key) || ended.has(key)) continue;
      const h = histories.get(key);
      const since = h?.accepted?.gseq ?? Number.NEGATIVE_INFINITY;
      if ((resets.get(account) ?? []).some((r) => r.gseq > since)) continue;
      const txn =
        op.reply?.status === 'ok' && typeof op.reply.txn === 'number' ? ` (txn ${op.reply.txn})` : '';
      out.push(
        violation(
          NAME,
          `${orderLabel(order.orderId, account, cid)} was acknowledged ${order.status} at step ${op.step}${txn} but is missing from the final snapshot${across(op.step)}; the venue's record never ended it`,
          [h?.accepted],
          [op.step],
        ),
      );
    }

    const ackOf = (rec: OrderEventRecord | undefined) =>
      rec === undefined || typeof rec.txn !== 'number' ? undefined : ackByTxn.get(rec.txn);
    for (const [key, h] of histories) {
      const now = open.get(key);
      if (now === undefined) continue;
      tally?.count();
      const label = orderLabel(h.orderId, h.account, h.clientOrderId);
      // Ended by an acknowledged input, yet open again.
      const endAck = ackOf(h.end);
      if (h.end !== undefined && endAck !== undefined) {
        out.push(
          violation(
            NAME,
            `${label} ended with ${describe(h.end)} at txn ${h.end.txn}, acknowledged at step ${endAck.step} (${endAck.action?.kind}), but is open again in the final snapshot${across(endAck.step)}`,
            [h.accepted, h.end],
            [endAck.step],
          ),
        );
        continue;
      }
      const fillAck = ackOf(h.lastFill);
      if (
        h.lastFill !== undefined &&
        fillAck !== undefined &&
        now.filledQty < h.lastFill.event.filledQty - EPSILON
      ) {
        out.push(
          violation(
            NAME,
            `${label} was filled ${show(h.lastFill.event.filledQty)} by fill ${h.lastFill.event.tradeId} at txn ${h.lastFill.txn} (step ${fillAck.step} acknowledged), but the final snapshot shows filledQty ${show(now.filledQty)}${across(fillAck.step)}`,
            [h.lastFill],
            [fillAck.step],
          ),
        );
        continue;
      }
      const replaceAck = ackOf(h.lastReplace);
      const r = h.lastReplace?.event;
      if (
        r !== undefined &&
        replaceAck !== undefined &&
        !(sameNumber(now.qty, r.qty) && samePrice(now.price, r.price))
      ) {
        out.push(
          violation(
            NAME,
            `${label} was replaced to ${show(r.qty)} @ ${show(r.price)} at txn ${h.lastReplace?.txn} (step ${replaceAck.step} acknowledged), but the final snapshot shows ${show(now.qty)} @ ${show(now.price)}${across(replaceAck.step)}`,
            [h.lastReplace],
            [replaceAck.step],
          ),
        );
      }
    }
    return out;
  },
};

function samePrice(a: number | null, b: number | null): boolean {
  if (typeof a === 'number' && typeof b === 'number') return sameNumber(a, b);
  return a === b;
}
