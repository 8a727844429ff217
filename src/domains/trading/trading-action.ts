import type { FaultAction } from '../../core/faults/fault.ts';
import type { ActionBase } from '../../core/model/action.ts';
import type { ExchangeConfig } from './protocol/exchange-config.ts';
import type { OrderType, SelfTradePrevention, Side, TimeInForce } from './protocol/exchange-input.ts';

/** The clients every trading run opens: three traders and the venue's admin. */
export const TRADERS = ['maker', 'taker', 'bystander'] as const;
export type Trader = (typeof TRADERS)[number];
/** The admin opens first: on a shared venue it resets the venue before any trader connects. */
export const TRADING_CLIENTS = ['admin', ...TRADERS] as const;
export type TradingClient = (typeof TRADING_CLIENTS)[number];

/**
 * Which order a cancel or replace names: the order placed at `step` (by its client order id),
 * or that order's exchange id when the reply of that step has arrived and `byOrderId` is set.
 * Naming another trader's order is allowed on purpose: it must be refused.
 */
export interface OrderTarget {
  step: number;
  clientOrderId: string;
  byOrderId: boolean;
}

export interface PlaceAction extends ActionBase {
  kind: 'place';
  client: Trader;
  symbol: string;
  side: Side;
  orderType: OrderType;
  tif?: TimeInForce;
  /** Wire values, junk included ("NaN", "abc", -1...): the venue must reject junk itself. */
  price?: unknown;
  /** Stop orders (stop_market, stop_limit): the last-trade price that triggers them. */
  stopPrice?: unknown;
  qty: unknown;
  clientOrderId: string;
  stp?: SelfTradePrevention;
}

export interface CancelAction extends ActionBase {
  kind: 'cancel';
  client: Trader;
  target: OrderTarget;
}

export interface ReplaceAction extends ActionBase {
  kind: 'replace';
  client: Trader;
  target: OrderTarget;
  price?: unknown;
  qty?: unknown;
}

export interface CancelAllAction extends ActionBase {
  kind: 'cancel_all';
  client: Trader;
  symbol?: string;
}

export interface SetMarkAction extends ActionBase {
  kind: 'set_mark';
  client: 'admin';
  symbol: string;
  /** A wire value: junk included (0, -1, "abc"), which the venue must refuse. */
  price: unknown;
}

/** The admin halts trading on one symbol (every symbol without one): places and replaces are refused. */
export interface HaltAction extends ActionBase {
  kind: 'halt';
  client: 'admin';
  symbol?: string;
}

/** The admin lifts a halt (the wire's `resume_trading`). */
export interface ResumeTradingAction extends ActionBase {
  kind: 'resume_trading';
  client: 'admin';
  symbol?: string;
}

/** The admin puts the venue back to its configured start: every order dropped, cash and marks as configured. */
export interface ResetAction extends ActionBase {
  kind: 'reset';
  client: 'admin';
}

/** A trader reads an order (its own, or another's: refused), by client order id or order id. */
export interface StatusAction extends ActionBase {
  kind: 'status';
  client: Trader;
  target: OrderTarget;
}

/**
 * A request a broken client might send, as it goes on the wire (without its id): a field
 * missing, a field of the wrong type, an unknown type. The venue must answer it, refuse it,
 * and change nothing.
 */
export interface MalformedAction extends ActionBase {
  kind: 'malformed';
  client: Trader;
  request: Record<string, unknown>;
}

/**
 * The venue this run is played against, as data: always the run's first action, sent by no
 * one. A target that builds its venue per run (the `venue-config` capability) builds it from
 * this config; a replay has the same action, so it gets the same venue.
 */
export interface ConfigureAction extends ActionBase {
  kind: 'configure';
  client: 'admin';
  config: ExchangeConfig;
}

/** Drop the connection and come back, then catch up by resync (snapshot) or resume (replay). */
export interface ReconnectAction extends ActionBase {
  kind: 'reconnect';
  client: Trader;
  mode: 'resync' | 'resume';
}

export type TradingAction =
  | PlaceAction
  | CancelAction
  | ReplaceAction
  | CancelAllAction
  | SetMarkAction
  | ReconnectAction
  | HaltAction
  | ResumeTradingAction
  | ResetAction
  | StatusAction
  | MalformedAction
  | ConfigureAction
  /** A fault, in the same sequence so that it shrinks with the orders (core/faults). */
  | FaultAction;

/** The kinds of trading actions proper; faults are generated apart (fault-commands.ts). */
export type TradingActionKind = Exclude<TradingAction['kind'], 'fault'>;
export const TRADING_ACTION_KINDS: readonly TradingActionKind[] = [
  'place',
  'cancel',
  'replace',
  'cancel_all',
  'set_mark',
  'reconnect',
  'halt',
  'resume_trading',
  'reset',
  'status',
  'malformed',
  'configure',
];
