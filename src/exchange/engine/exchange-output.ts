import type { EventEnvelope, OrderStatus } from '../../domains/trading/protocol/exchange-event.ts';
import type { RejectReason } from '../../domains/trading/protocol/reject-reason.ts';

export interface OrderResult {
  orderId: string;
  clientOrderId: string;
  status: OrderStatus;
  price: number | null;
  qty: number;
  filledQty: number;
  remainingQty: number;
  /** Stop orders only: their stop price, and whether a trade has triggered them yet. */
  stopPrice?: number;
  triggered?: boolean;
}

export type EngineResult =
  | { kind: 'order'; order: OrderResult }
  | { kind: 'cancel_all'; cancelled: number }
  | { kind: 'mark'; symbol: string; price: number }
  | { kind: 'status'; symbols: string[]; halted: boolean }
  | { kind: 'reset' };

export type EngineResponse =
  | { ok: true; result: EngineResult }
  | { ok: false; reason: RejectReason; detail?: string };

/** What one input produced: the reply to the caller and the events for the streams. */
export interface EngineOutput {
  /**
   * 0 when the input changed nothing and is not journaled. Trading rejects always emit an
   * `order_rejected` event (so they get a txn); admin rejects and cancel_all with an unknown
   * symbol change nothing and do not.
   */
  txn: number;
  response: EngineResponse;
  events: EventEnvelope[];
}
