import type { Operation } from '../../../src/core/model/evidence.ts';
import type { TradingEvidence } from '../../../src/domains/trading/trading-evidence.ts';

export type TradingOperation = TradingEvidence['history'][number];

/** The order a reply describes (place, cancel, replace), if it is an `ok` order result. */
export interface OrderReply {
  orderId: string;
  clientOrderId?: string;
  status?: string;
}

/**
 * Fault steps are chaos the run injected, not requests to the venue (their `kind` is `fault`,
 * which the trading action union does not name): invariants over requests skip them.
 */
export function isFaultStep(action: unknown): boolean {
  return (action as { kind?: unknown } | null | undefined)?.kind === 'fault';
}

/** The history without fault steps and without malformed entries. */
export function requestOps(evidence: TradingEvidence): TradingOperation[] {
  return (evidence.history ?? []).filter(
    (op): op is TradingOperation => typeof op === 'object' && op !== null && !isFaultStep(op.action),
  );
}

/** The order of an `ok` reply whose result is `{ kind: 'order', order }`. */
export function orderOfReply(op: Operation<unknown, unknown>): OrderReply | undefined {
  const reply = op?.reply;
  if (reply?.status !== 'ok') return undefined;
  const order = (reply.result as { order?: Partial<OrderReply> } | null | undefined)?.order;
  if (typeof order?.orderId !== 'string') return undefined;
  return {
    orderId: order.orderId,
    ...(typeof order.clientOrderId === 'string' ? { clientOrderId: order.clientOrderId } : {}),
    ...(typeof order.status === 'string' ? { status: order.status } : {}),
  };
}
