import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { adminRecord } from './support/admin-record.ts';
import {
  ADMIN_CLIENT,
  accountOfClient,
  eventsByClient,
  is,
  isOrderEvent,
  type OrderEventRecord,
  type RecordOf,
} from './support/events.ts';
import { orderOfReply, requestOps, type TradingOperation } from './support/history.ts';
import { sameNumber } from './support/numbers.ts';
import { violation } from './support/violation.ts';

const NAME = 'retries.execute-once';

type Place = Extract<TradingAction, { kind: 'place' }>;
type Amend = Extract<TradingAction, { kind: 'cancel' | 'replace' }>;

/** A client order id of the step's attempts: the one sent, or one made from it (`<id>-r<n>`). */
function attemptOf(ids: ReadonlySet<string>, clientOrderId: unknown): boolean {
  if (typeof clientOrderId !== 'string') return false;
  if (ids.has(clientOrderId)) return true;
  for (const id of ids) if (clientOrderId.startsWith(`${id}-r`)) return true;
  return false;
}

/**
 * What the venue's record says about its memory of orders: resets per account stream, and when
 * each order finished counted venue-wide, so that an order can be told forgotten (a reset since,
 * or `retainFinishedOrders` more orders finished since it did: docs/exchange.md, "Memory limits").
 */
interface VenueMemory {
  /** Whether the venue still remembered the order of `first` when `later` was accepted. */
  remembered(first: OrderEventRecord, later: OrderEventRecord): boolean;
}

function venueMemory(evidence: TradingEvidence): VenueMemory {
  const retain = evidence.extra?.config?.retainFinishedOrders ?? Number.POSITIVE_INFINITY;
  const resets = new Map<string, number[]>();
  const finishedAt = new Map<string, number>();
  /** Finished orders counted when each order was accepted. */
  const finishedBefore = new Map<string, number>();
  let finished = 0;
  for (const rec of adminRecord(evidence.events)) {
    if (is(rec, 'reset')) {
      const list = resets.get(rec.stream) ?? [];
      list.push(rec.txn ?? 0);
      resets.set(rec.stream, list);
      continue;
    }
    if (!isOrderEvent(rec)) continue;
    const e = rec.event;
    if (e.type === 'order_accepted') {
      if (!finishedBefore.has(e.orderId)) finishedBefore.set(e.orderId, finished);
      continue;
    }
    const ends =
      e.type === 'order_cancelled' ||
      e.type === 'order_expired' ||
      (e.type === 'fill' && !(e.remainingQty > 1e-12));
    if (ends && !finishedAt.has(e.orderId)) finishedAt.set(e.orderId, ++finished);
  }
  return {
    remembered(first, later) {
      const from = first.txn ?? 0;
      const to = later.txn ?? 0;
      if ((resets.get(first.stream) ?? []).some((txn) => txn > from && txn < to)) return false;
      const ended = finishedAt.get(first.event.orderId);
      const before = finishedBefore.get(later.event.orderId);
      return ended === undefined || before === undefined || before - ended < retain;
    },
  };
}

/**
 * The first run of effects the venue had to tell apart (nothing forgotten between them: no reset
 * of the account, no order aged out) holding more than one; else the first effect alone.
 */
function firstRepeatedRun(effects: readonly OrderEventRecord[], memory: VenueMemory): OrderEventRecord[] {
  const runs: OrderEventRecord[][] = [];
  for (const [i, rec] of effects.entries()) {
    if (i === 0 || !memory.remembered(effects[i - 1], rec)) runs.push([rec]);
    else runs[runs.length - 1].push(rec);
  }
  return runs.find((run) => run.length > 1) ?? effects.slice(0, 1);
}

const asNumber = (x: unknown): number | undefined => {
  const n = typeof x === 'string' && x.trim() !== '' ? Number(x) : x;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/**
 * A retried request takes effect at most once. For every step the client sent again
 * (session_retry), the venue's record (the admin's events) holds at most one order accepted
 * for the step's place, counting every client order id its attempts used (the original, and
 * ids made from it as `<id>-r<n>`), while the venue remembers it (a retry that reaches the venue
 * after a reset, or after the first order was forgotten, is a new order by the venue's rules),
 * and at most one cancel or replace of the step's order (again counted between resets: after
 * one, a retried cancel acts on the order a retried place made anew).
 * Effects are the step's when they come after it was sent, before the client's next request of
 * the same kind on the same ids, and not under the txn another step's reply names.
 */
export const retriesExecuteOnce: Invariant<TradingEvidence> = {
  name: NAME,
  description:
    'a retried request executes at most once: one order per retried place, one effect per retried cancel or replace',
  counts: 'retried requests',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const byClient = eventsByClient(evidence.events);
    // The retries each client announced, by the step they retried, in the order they came.
    const retriesOf = new Map<string, Map<unknown, RecordOf<'session_retry'>[]>>();
    for (const [client, records] of byClient) {
      for (const rec of records) {
        if (!is(rec, 'session_retry')) continue;
        let steps = retriesOf.get(client);
        if (steps === undefined) {
          steps = new Map();
          retriesOf.set(client, steps);
        }
        const list = steps.get(rec.event.step);
        if (list === undefined) steps.set(rec.event.step, [rec]);
        else list.push(rec);
      }
    }
    const ops = requestOps(evidence);
    if (retriesOf.size === 0) return out;
    const memory = venueMemory(evidence);
    const replyTxn = new Map<number, number>();
    for (const op of ops) {
      const reply = op.reply;
      if (reply !== undefined && reply.status !== 'info' && typeof reply.txn === 'number')
        replyTxn.set(reply.txn, op.step);
    }
    const admin = (byClient.get(ADMIN_CLIENT) ?? []).filter(isOrderEvent);
    const mine = (rec: OrderEventRecord, op: TradingOperation, until: number): boolean => {
      const other = typeof rec.txn === 'number' ? replyTxn.get(rec.txn) : undefined;
      return rec.time >= op.invokedAt && rec.time < until && (other === undefined || other === op.step);
    };

    for (const op of ops) {
      const retries = retriesOf.get(op.client)?.get(op.step) ?? [];
      if (retries.length === 0) continue;
      tally?.count();
      const stream = `account:${accountOfClient(op.client, evidence.events)}`;
      const later = ops.filter(
        (o) => o.client === op.client && o.step > op.step && o.invokedAt >= op.invokedAt,
      );
      const action = op.action;
      let what: string;
      let effects: OrderEventRecord[];
      if (action?.kind === 'place') {
        if (typeof action.clientOrderId !== 'string') continue;
        const ids = new Set<string>([action.clientOrderId]);
        for (const r of retries)
          if (typeof r.event.clientOrderId === 'string') ids.add(r.event.clientOrderId);
        const next = later.find(
          (o) => o.action?.kind === 'place' && attemptOf(ids, (o.action as Place).clientOrderId),
        );
        const until = next?.invokedAt ?? Number.POSITIVE_INFINITY;
        const seen = new Set<string>();
        const accepted = admin.filter((rec) => {
          const e = rec.event;
          if (e.type !== 'order_accepted' || rec.stream !== stream || !attemptOf(ids, e.clientOrderId))
            return false;
          const key = `${e.orderId}|${e.clientOrderId}`;
          if (seen.has(key) || !mine(rec, op, until)) return false;
          seen.add(key);
          return true;
        });
        effects = firstRepeatedRun(accepted, memory);
        what = `place ${action.clientOrderId}`;
      } else if (action?.kind === 'cancel' || action?.kind === 'replace') {
        const target = action.target;
        const orderIds = new Set<string>();
        const placed = ops.find((o) => o.step === target?.step);
        const byId = placed === undefined ? undefined : orderOfReply(placed);
        if (byId !== undefined) orderIds.add(byId.orderId);
        for (const rec of admin) {
          if (
            rec.stream === stream &&
            rec.event.type === 'order_accepted' &&
            rec.event.clientOrderId === target?.clientOrderId
          )
            orderIds.add(rec.event.orderId);
        }
        const next = later.find(
          (o) =>
            o.action?.kind === action.kind &&
            (o.action as Amend).target?.clientOrderId === target?.clientOrderId,
        );
        const until = next?.invokedAt ?? Number.POSITIVE_INFINITY;
        const price = action.kind === 'replace' ? asNumber(action.price) : undefined;
        const qty = action.kind === 'replace' ? asNumber(action.qty) : undefined;
        const amended = admin.filter((rec) => {
          const e = rec.event;
          if (rec.stream !== stream || !orderIds.has(e.orderId) || !mine(rec, op, until)) return false;
          if (action.kind === 'cancel') return e.type === 'order_cancelled' && e.reason === 'user';
          return (
            e.type === 'order_replaced' &&
            (price === undefined || (e.price !== null && sameNumber(e.price, price))) &&
            (qty === undefined || sameNumber(e.qty, qty))
          );
        });
        // A retry reaching the venue after a reset acts on the order a retried place made anew.
        effects = firstRepeatedRun(amended, memory);
        what = `${action.kind} of ${target?.clientOrderId}`;
      } else continue;

      if (effects.length <= 1) continue;
      const list = effects
        .map((rec) =>
          rec.event.type === 'order_accepted'
            ? `${rec.event.orderId} (${rec.event.clientOrderId}) at txn ${rec.txn}`
            : `${rec.event.type} of ${rec.event.orderId} at txn ${rec.txn}`,
        )
        .join(', ');
      out.push(
        violation(
          NAME,
          `step ${op.step} was retried ${retries.length} times and executed ${effects.length} times (${what} by ${op.client}): ${list}`,
          [...retries, ...effects],
          [op.step],
        ),
      );
    }
    return out;
  },
};
