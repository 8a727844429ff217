import type { OrderStatus } from './exchange-event.ts';
import type { OrderType, Side, TimeInForce } from './exchange-input.ts';

/** The whole engine state as plain data (JSON-safe). Decimals are exact to tick and lot. */
export interface ExchangeSnapshot {
  txn: number;
  time: number;
  instruments: InstrumentSnapshot[];
  accounts: AccountSnapshot[];
  /** Open orders only, in order of id. */
  orders: OrderSnapshot[];
  books: BookSnapshot[];
  /** Last sequence number issued on each stream that has had an event. */
  streams: Record<string, number>;
}

export interface InstrumentSnapshot {
  symbol: string;
  markPrice: number;
  halted: boolean;
  bandLow: number;
  bandHigh: number;
}

export interface PositionSnapshot {
  symbol: string;
  qty: number;
  unrealizedPnl: number;
}

export interface AccountSnapshot {
  id: string;
  leverage: number;
  sandbox: boolean;
  cash: number;
  reserved: number;
  positionMargin: number;
  equity: number;
  available: number;
  positions: PositionSnapshot[];
}

export interface OrderSnapshot {
  orderId: string;
  clientOrderId: string;
  account: string;
  symbol: string;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  price: number | null;
  qty: number;
  filledQty: number;
  remainingQty: number;
  status: OrderStatus;
  /** Queue position key: lower rests ahead of higher at the same price. */
  priority: number;
  /**
   * Stop orders only: the stop price, and whether it has triggered. A stop that has not is
   * open but not on the book (its priority is 0); once triggered it acts as its market or
   * limit counterpart.
   */
  stopPrice?: number;
  triggered?: boolean;
}

/** Levels best first: bids high to low, asks low to high. Each level is [price, total qty, order count]. */
export interface BookSnapshot {
  symbol: string;
  bids: [number, number, number][];
  asks: [number, number, number][];
}
