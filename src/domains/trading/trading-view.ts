import type { OrderStatus } from './protocol/exchange-event.ts';
import type { Side } from './protocol/exchange-input.ts';

/** One order as a client believes it to be, from its own events. */
export interface ViewOrder {
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  price: number | null;
  qty: number;
  filledQty: number;
  status: OrderStatus;
}

/**
 * A trading client's view of the world, folded from its events: its orders, balance and
 * positions (private streams), and the marks and L2 books it sees (public streams).
 */
export interface TradingView {
  client: string;
  account: string | null;
  orders: Record<string, ViewOrder>;
  balance: {
    cash: number;
    reserved: number;
    positionMargin: number;
    equity: number;
    available: number;
  } | null;
  positions: Record<string, number>;
  marks: Record<string, number>;
  books: Record<string, { bids: Record<string, number>; asks: Record<string, number> }>;
  /** Last seq seen on each stream. */
  seqs: Record<string, number>;
}
