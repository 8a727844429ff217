/** limitbook 3.1.4 typings. */

export type BookSide = 'bid' | 'ask';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type OrderId = number;

export interface NewOrder {
  side: BookSide;
  /** Omitted (or null) for a market order. */
  price?: number | null;
  size: number;
  /** Default GTC. Market orders never rest, whatever their tif. */
  tif?: TimeInForce;
  /** Refuse (ERR_WOULD_TAKE) rather than take liquidity. */
  postOnly?: boolean;
  /** Anything the caller wants kept with the order. */
  tag?: string;
}

export interface Match {
  /** The resting order that was hit. */
  restingId: OrderId;
  price: number;
  size: number;
}

export interface AddResult {
  id: OrderId;
  matches: Match[];
  /** Size not traded. */
  remaining: number;
  /** Whether the remaining size now rests on the book. */
  resting: boolean;
}

export interface RemovedOrder {
  id: OrderId;
  side: BookSide;
  price: number;
  size: number;
  remaining: number;
}

export interface DepthLevel {
  price: number;
  volume: number;
  /** Front of the queue first. */
  orders: { id: OrderId; remaining: number }[];
}

export interface Depth {
  bids: DepthLevel[];
  asks: DepthLevel[];
}

export type BugName =
  | 'partial-fill-remaining'
  | 'cancel-leaves-level'
  | 'ioc-rests'
  | 'amend-requeues'
  | 'float-dust';
export declare const BUGS: Record<BugName, string>;

export declare class LimitBookError extends Error {
  /** ERR_INVALID_SIDE, ERR_INVALID_SIZE, ERR_INVALID_PRICE, ERR_INVALID_TIF, ERR_WOULD_TAKE, ERR_UNKNOWN_ORDER, ERR_OPTION. */
  readonly code: string;
  constructor(code: string, message: string);
}

export declare class LimitBook {
  /** `bugs`: bugs of earlier releases to switch back on (none by default). */
  constructor(options?: { bugs?: readonly BugName[] });
  add(order: NewOrder): AddResult;
  remove(id: OrderId): RemovedOrder;
  /** `size`: the new open size. */
  amend(id: OrderId, change: { price?: number; size?: number }): AddResult;
  depth(): Depth;
  get(id: OrderId): RemovedOrder | undefined;
}
