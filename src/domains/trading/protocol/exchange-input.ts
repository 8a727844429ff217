/**
 * Inputs the engine accepts. These are the only things that change its state, and they are
 * exactly what the journal records. `account` is the authenticated identity, filled in by the
 * gateway from the login, never taken from the client's frame.
 *
 * Numeric fields are typed `unknown` on purpose: the engine itself rejects NaN, strings that
 * are not decimals and other junk with a stable reason code, so a fuzzer can send them
 * in-process exactly as a broken client would over the wire.
 */
export type Side = 'buy' | 'sell';
/**
 * A stop (stop_market, stop_limit) waits off the book until a trade reaches its stopPrice, then
 * becomes the market or limit order it names (docs/exchange.md, "Stop orders").
 */
export type OrderType = 'limit' | 'market' | 'stop_market' | 'stop_limit';
/** What an order trades as: a stop_market as a market order, a stop_limit as a limit order. */
export type TradingType = 'limit' | 'market';
/** gtc rests; ioc fills what it can now; fok fills fully now or not at all; post_only never takes. */
export type TimeInForce = 'gtc' | 'ioc' | 'fok' | 'post_only';
export type SelfTradePrevention = 'cancel_newest' | 'cancel_oldest' | 'cancel_both';

export interface PlaceInput {
  op: 'place';
  account: string;
  symbol: string;
  side: Side;
  type: OrderType;
  /** Defaults to gtc for limit orders and ioc for market orders. */
  tif?: TimeInForce;
  price?: unknown;
  /** Stop orders only: the last-trade price that triggers them. */
  stopPrice?: unknown;
  qty: unknown;
  clientOrderId: string;
  stp?: SelfTradePrevention;
}

/** An order is named by the engine's id or by the account's client order id. */
export interface OrderRef {
  orderId?: string;
  clientOrderId?: string;
}

export interface CancelInput extends OrderRef {
  op: 'cancel';
  account: string;
}

export interface ReplaceInput extends OrderRef {
  op: 'replace';
  account: string;
  /** New limit price; omitted keeps the current one. */
  price?: unknown;
  /** New total quantity (filled quantity included); omitted keeps the current one. */
  qty?: unknown;
}

export interface CancelAllInput {
  op: 'cancel_all';
  account: string;
  symbol?: string;
}

export interface SetMarkInput {
  op: 'set_mark';
  symbol: string;
  price: unknown;
}

export interface HaltInput {
  op: 'halt' | 'resume';
  /** Omitted means every instrument. */
  symbol?: string;
}

/** Restores every account and instrument to the configured start; stream numbering continues. */
export interface ResetInput {
  op: 'reset';
}

export type TradingInput = PlaceInput | CancelInput | ReplaceInput | CancelAllInput;
export type AdminInput = SetMarkInput | HaltInput | ResetInput;
export type ExchangeInput = TradingInput | AdminInput;

export const TRADING_OPS = ['place', 'cancel', 'replace', 'cancel_all'] as const;
export const ADMIN_OPS = ['set_mark', 'halt', 'resume', 'reset'] as const;
