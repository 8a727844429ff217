import type { OrderType, Side, TimeInForce, TradingType } from './exchange-input.ts';
import type { RejectReason } from './reject-reason.ts';

/**
 * Every state change the engine makes is told as an event on a stream. Streams:
 * - `account:<id>`: one account's private events (orders, fills, balances, positions);
 * - `market:<symbol>`: public trades, mark prices and halts;
 * - `book:<symbol>`: public L2 deltas.
 * Each stream numbers its events 1, 2, 3... with no gaps, forever (a reset does not restart it).
 * Prices and quantities are decimal numbers, exact to the instrument's tick and lot.
 */
export type OrderStatus = 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'expired';
/** `band`: the order rested outside the price band after the mark moved. */
export type CancelReason = 'user' | 'cancel_all' | 'self_trade' | 'band';
/** What was left of an order that may not rest: ioc, fok or market. */
export type ExpireReason = 'ioc' | 'fok' | 'market';
export type Liquidity = 'maker' | 'taker';

export interface OrderAcceptedEvent {
  type: 'order_accepted';
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  orderType: OrderType;
  tif: TimeInForce;
  /** null for market and stop_market orders; the limit price of a stop_limit. */
  price: number | null;
  qty: number;
  /** Stop orders only: the last-trade price that triggers them. */
  stopPrice?: number;
}

/**
 * A stop order triggered: a trade reached its stop price, and from here on it is the order
 * `orderType` names (a stop_market a market order, a stop_limit a limit order at `price`),
 * taking liquidity now and, for a gtc limit, resting with the priority of this moment.
 */
export interface OrderTriggeredEvent {
  type: 'order_triggered';
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  /** What the stop became. */
  orderType: TradingType;
  tif: TimeInForce;
  /** The limit price of a stop_limit; null for a stop_market. */
  price: number | null;
  stopPrice: number;
  qty: number;
  /** The trade that reached the stop price, and its price. */
  triggerTradeId: string;
  triggerPrice: number;
}

export interface OrderRejectedEvent {
  type: 'order_rejected';
  request: 'place' | 'cancel' | 'replace';
  reason: RejectReason;
  clientOrderId?: string;
  orderId?: string;
  symbol?: string;
}

export interface FillEvent {
  type: 'fill';
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  tradeId: string;
  price: number;
  qty: number;
  liquidity: Liquidity;
  /** Cumulative filled quantity of the order after this fill. */
  filledQty: number;
  remainingQty: number;
}

export interface OrderCancelledEvent {
  type: 'order_cancelled';
  orderId: string;
  clientOrderId: string;
  symbol: string;
  reason: CancelReason;
  filledQty: number;
  /** Quantity that was still open and is now withdrawn. */
  cancelledQty: number;
}

export interface OrderReplacedEvent {
  type: 'order_replaced';
  orderId: string;
  clientOrderId: string;
  symbol: string;
  price: number;
  qty: number;
  filledQty: number;
  remainingQty: number;
  /** True when the order kept its place in the queue (same price, quantity not increased). */
  priorityKept: boolean;
}

export interface OrderExpiredEvent {
  type: 'order_expired';
  orderId: string;
  clientOrderId: string;
  symbol: string;
  reason: ExpireReason;
  filledQty: number;
  expiredQty: number;
}

export interface BalanceEvent {
  type: 'balance';
  cash: number;
  /** Margin held for open orders beyond what the current positions already need. */
  reserved: number;
  positionMargin: number;
  /** cash + sum of position x mark. */
  equity: number;
  available: number;
}

export interface PositionEvent {
  type: 'position';
  symbol: string;
  qty: number;
  markPrice: number;
  unrealizedPnl: number;
}

export interface TradeEvent {
  type: 'trade';
  tradeId: string;
  symbol: string;
  price: number;
  qty: number;
  takerSide: Side;
}

export interface MarkPriceEvent {
  type: 'mark_price';
  symbol: string;
  price: number;
  /** The price band that now applies: limit prices and every trade stay within it. */
  bandLow: number;
  bandHigh: number;
}

export interface InstrumentStatusEvent {
  type: 'instrument_status';
  symbol: string;
  halted: boolean;
}

export interface BookDeltaEvent {
  type: 'book_delta';
  symbol: string;
  side: Side;
  price: number;
  /** New total resting quantity at this level; 0 removes the level. */
  qty: number;
}

export interface ResetEvent {
  type: 'reset';
}

export type PrivateEvent =
  | OrderAcceptedEvent
  | OrderRejectedEvent
  | FillEvent
  | OrderCancelledEvent
  | OrderReplacedEvent
  | OrderExpiredEvent
  | OrderTriggeredEvent
  | BalanceEvent
  | PositionEvent
  | ResetEvent;

export type PublicEvent = TradeEvent | MarkPriceEvent | InstrumentStatusEvent | BookDeltaEvent | ResetEvent;
export type ExchangeEvent = PrivateEvent | PublicEvent;
export type ExchangeEventType = ExchangeEvent['type'];

export const EVENT_TYPES: readonly ExchangeEventType[] = [
  'order_accepted',
  'order_rejected',
  'fill',
  'order_cancelled',
  'order_replaced',
  'order_expired',
  'order_triggered',
  'balance',
  'position',
  'trade',
  'mark_price',
  'instrument_status',
  'book_delta',
  'reset',
];

/** An event as it leaves the engine: which stream, its number there, and which input caused it. */
export interface EventEnvelope<E extends ExchangeEvent = ExchangeEvent> {
  stream: string;
  seq: number;
  /** The engine's input counter: every journaled input gets the next txn. Gives a total order across streams. */
  txn: number;
  /** The input's time, in ms (virtual or wall clock, as the host supplies). */
  time: number;
  event: E;
}

export const accountStream = (account: string): string => `account:${account}`;
export const marketStream = (symbol: string): string => `market:${symbol}`;
export const bookStream = (symbol: string): string => `book:${symbol}`;
