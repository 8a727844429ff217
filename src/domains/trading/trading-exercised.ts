import { type SurfaceId, surfaceId } from '../../core/coverage/surface-registry.ts';
import { faultRecordsOf } from '../../core/faults/fault-record.ts';
import type { RecordedEvent, RunEvidence } from '../../core/model/evidence.ts';
import { isRejectReason } from './protocol/reject-reason.ts';
import type { TradingClientEvent } from './trading-client-event.ts';
import type { OrderTransition } from './trading-surface.ts';

type Status = 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'expired';

/**
 * The surface one run exercised: the action kinds it sent (with their order types, self-trade
 * and reconnect modes), the faults that fired (not merely armed), every event type any client received,
 * every reject reason (from events and from refused requests), why orders were cancelled or
 * expired, why the client retried, and the order-state moves. Linear in the run's size: it runs after every run.
 */
export function tradingExercised(evidence: RunEvidence): SurfaceId[] {
  const ids = new Set<SurfaceId>();
  for (const op of evidence.history) {
    const kind = (op.action as { kind?: unknown } | undefined)?.kind;
    if (typeof kind === 'string' && kind !== 'fault') ids.add(surfaceId('action', kind));
    const action = op.action as { kind?: unknown; stp?: unknown; mode?: unknown; orderType?: unknown };
    if (kind === 'place' && typeof action.stp === 'string') ids.add(surfaceId('stp', action.stp));
    if (kind === 'place' && typeof action.orderType === 'string')
      ids.add(surfaceId('order-type', action.orderType));
    if (kind === 'reconnect' && typeof action.mode === 'string') ids.add(surfaceId('reconnect', action.mode));
    if (op.reply?.status === 'fail' && isRejectReason(op.reply.code))
      ids.add(surfaceId('reject', op.reply.code));
  }
  for (const record of faultRecordsOf(evidence.extra)) ids.add(surfaceId('fault', record.kind));
  const events = evidence.events as RecordedEvent<TradingClientEvent>[];
  for (const rec of events) {
    const type = rec.event?.type;
    if (typeof type === 'string') ids.add(surfaceId('event', type));
    const e = rec.event;
    if (e?.type === 'order_rejected' && isRejectReason(e.reason)) ids.add(surfaceId('reject', e.reason));
    if (e?.type === 'order_cancelled') ids.add(surfaceId('cancel-reason', e.reason));
    if (e?.type === 'order_expired') ids.add(surfaceId('expire-reason', e.reason));
    if (e?.type === 'session_retry') ids.add(surfaceId('retry', e.reason));
  }
  for (const transition of orderTransitions(events)) ids.add(surfaceId('transition', transition));
  return [...ids];
}

/**
 * Order-state moves from the order events, each event once (several clients may see the same
 * account stream: the first copy of each stream#seq counts), in the venue's order (txn).
 */
function orderTransitions(events: readonly RecordedEvent<TradingClientEvent>[]): Set<OrderTransition> {
  const seen = new Set<string>();
  const orderEvents = events.filter((rec) => {
    if (typeof rec.txn !== 'number' || !rec.stream.startsWith('account:')) return false;
    const key = `${rec.stream}#${rec.seq}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  orderEvents.sort((a, b) => (a.txn as number) - (b.txn as number) || a.gseq - b.gseq);
  const status = new Map<string, Status>();
  const moves = new Set<OrderTransition>();
  const move = (orderId: string, to: Status | 'replaced'): void => {
    const from = status.get(orderId);
    if (from !== 'open' && from !== 'partially_filled') return;
    moves.add(`${from}->${to}` as OrderTransition);
    if (to !== 'replaced') status.set(orderId, to);
  };
  for (const rec of orderEvents) {
    const e = rec.event;
    switch (e.type) {
      case 'order_accepted':
        if (!status.has(e.orderId)) {
          status.set(e.orderId, 'open');
          moves.add('new->open');
        }
        break;
      case 'order_rejected':
        if (e.request === 'place') moves.add('new->rejected');
        break;
      case 'fill':
        move(e.orderId, e.remainingQty > 0 ? 'partially_filled' : 'filled');
        break;
      case 'order_cancelled':
        move(e.orderId, 'cancelled');
        break;
      case 'order_expired':
        move(e.orderId, 'expired');
        break;
      case 'order_replaced':
        move(e.orderId, 'replaced');
        break;
      case 'order_triggered':
        if (status.get(e.orderId) === 'open') moves.add('open->triggered');
        break;
      default:
        break;
    }
  }
  return moves;
}
