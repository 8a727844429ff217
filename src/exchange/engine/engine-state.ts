import type { AccountConfig, InstrumentConfig } from '../../domains/trading/protocol/exchange-config.ts';
import type { OrderStatus } from '../../domains/trading/protocol/exchange-event.ts';
import type {
  OrderType,
  SelfTradePrevention,
  TimeInForce,
} from '../../domains/trading/protocol/exchange-input.ts';
import type { ClientIdMap } from './client-id-map.ts';
import type { BookSide, PriceLevel } from './order-book.ts';
import type { StopBook } from './stop-book.ts';

/**
 * Mutable runtime records of the engine. All amounts are integer atoms:
 * price atoms = price x 10^priceDecimals, quantity atoms = qty x 10^qtyDecimals,
 * cash atoms = cash x 10^cashDecimals, and price atoms x qty atoms x `cashPerPxQty` = cash atoms.
 */
export interface InstrumentState {
  index: number;
  cfg: InstrumentConfig;
  symbol: string;
  sandbox: boolean;
  priceScale: number;
  qtyScale: number;
  tick: number;
  lot: number;
  minQty: number;
  maxQty: number;
  maxPosition: number;
  cashPerPxQty: number;
  mark: number;
  /** Mark before the latest set_mark; only the stale_equity bug reads it. */
  previousMark: number;
  bandLow: number;
  bandHigh: number;
  halted: boolean;
  bids: BookSide;
  asks: BookSide;
  marketStream: string;
  bookStream: string;
  marketSeq: number;
  bookSeq: number;
  /** Levels changed by the current input (key: price x 2, +1 for bids), one delta each at its end. */
  touchedLevels: number[];
  /** Stop orders not triggered yet (stop-book.ts). */
  stops: StopBook;
  /** Price atoms and id of the last trade since the start or the last reset; 0 and '' before any. */
  lastTrade: number;
  lastTradeId: string;
}

export interface AccountState {
  id: string;
  cfg: AccountConfig;
  sandbox: boolean;
  leverage: number;
  forbidden: Set<string>;
  stream: string;
  seq: number;
  cash: number;
  /** Per instrument index: signed position, cost of that position, open buy and sell quantity. */
  position: number[];
  openCost: number[];
  openBuy: number[];
  openSell: number[];
  /** Per instrument: total margin requirement and the part of it the position alone needs. */
  requirement: number[];
  positionMargin: number[];
  requirementTotal: number;
  positionMarginTotal: number;
  /** Reserve kept by the reserve_leak_on_cancel bug after its orders are gone. */
  leaked: number;
  /** Client id -> order, for open and remembered finished orders: the duplicate check and lookups. */
  byClientId: ClientIdMap<OrderState>;
  /** In no particular order (readers sort by number); each order knows its slot, so removal is O(1). */
  openOrders: OrderState[];
  /**
   * Bookkeeping for the current input: touched flag, instruments whose position changed, and
   * instruments whose exposure or mark changed (only their margin needs recomputing).
   */
  touched: boolean;
  positionChanged: boolean[];
  marginStale: boolean[];
}

export interface OrderState {
  num: number;
  id: string;
  clientOrderId: string;
  /** clientIdHash(clientOrderId), kept so that forgetting the order need not read the id again. */
  clientIdHash: number;
  account: AccountState;
  instrument: InstrumentState;
  isBuy: boolean;
  type: OrderType;
  tif: TimeInForce;
  stp: SelfTradePrevention;
  /** 0 for market and stop_market orders; a stop_limit's limit price. */
  price: number;
  /** Stop orders: the stop price in atoms (0 for other orders), and whether it still waits. */
  stopPrice: number;
  pending: boolean;
  qty: number;
  filled: number;
  status: OrderStatus;
  priority: number;
  /** Index in the account's openOrders while open, else -1. */
  openSlot: number;
  level: PriceLevel | null;
  prev: OrderState | null;
  next: OrderState | null;
}
