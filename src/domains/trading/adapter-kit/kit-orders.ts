import type { OrderStatus } from '../protocol/exchange-event.ts';
import type { OrderType, Side, TimeInForce } from '../protocol/exchange-input.ts';
import type { OrderSnapshot } from '../protocol/exchange-snapshot.ts';
import type { RejectReason } from '../protocol/reject-reason.ts';
import type { OrderTarget } from '../trading-action.ts';
import type { LibOrderId, RestingOrder } from './book-library.ts';
import { type KitInstrument, priceOf, qtyOf } from './kit-instrument.ts';

/** One order as the kit has followed it from the library's answers. Sizes in lots (whole on the grid). */
export interface KitOrder {
  /** The id shakedown reports (O1, O2...), stable even when the library renames the order. */
  readonly orderId: string;
  libId: LibOrderId;
  readonly account: string;
  readonly clientOrderId: string;
  readonly inst: KitInstrument;
  readonly side: Side;
  readonly type: OrderType;
  readonly tif: TimeInForce;
  /** Limit price in ticks; null for a market order. */
  ticks: number | null;
  qtyLots: number;
  filledLots: number;
  status: OrderStatus;
  /** When it (last) joined its queue, for the snapshot's priority when the library lists no orders. */
  priority: number;
}

const libKey = (symbol: string, id: LibOrderId): string => `${symbol}|${String(id)}`;

export const isOpen = (order: KitOrder): boolean =>
  order.status === 'open' || order.status === 'partially_filled';

export const remainingLots = (order: KitOrder): number => order.qtyLots - order.filledLots;

/** The order's price as a decimal, null for a market order. */
export const priceOfOrder = (order: KitOrder): number | null =>
  order.ticks === null ? null : priceOf(order.inst, order.ticks);

/** The order as the library is told about it in a cancel or a modify. */
export function restingOrder(order: KitOrder): RestingOrder {
  return {
    id: order.libId,
    side: order.side,
    price: priceOfOrder(order),
    remainingQty: qtyOf(order.inst, remainingLots(order)),
    owner: order.account,
  };
}

/** The order as a reply's `result.order` describes it (the reference's OrderResult). */
export function orderResult(order: KitOrder) {
  return {
    orderId: order.orderId,
    clientOrderId: order.clientOrderId,
    libraryOrderId: order.libId,
    status: order.status,
    price: priceOfOrder(order),
    qty: qtyOf(order.inst, order.qtyLots),
    filledQty: qtyOf(order.inst, order.filledLots),
    remainingQty: isOpen(order) ? qtyOf(order.inst, remainingLots(order)) : 0,
  };
}

/** The order as the final snapshot lists it; `remainingQty` is the library's word when it has one. */
export function orderSnapshot(order: KitOrder, priority: number, remainingQty?: number): OrderSnapshot {
  return {
    orderId: order.orderId,
    clientOrderId: order.clientOrderId,
    account: order.account,
    symbol: order.inst.symbol,
    side: order.side,
    type: order.type,
    tif: order.tif,
    price: priceOfOrder(order),
    qty: qtyOf(order.inst, order.qtyLots),
    filledQty: qtyOf(order.inst, order.filledLots),
    remainingQty: remainingQty ?? qtyOf(order.inst, remainingLots(order)),
    status: order.filledLots > 0 ? 'partially_filled' : 'open',
    priority,
  };
}

/**
 * Every order of a run: by shakedown's id, by the library's id, by (account, client order id),
 * and the step -> order id map. A cancel or replace names its order by the step that placed it;
 * once that place's reply has reached the client the order goes by its id, before then by its
 * client order id, exactly as the reference client does it.
 */
export class KitOrders {
  private readonly byId = new Map<string, KitOrder>();
  private readonly byLib = new Map<string, KitOrder>();
  private readonly byClientId = new Map<string, KitOrder>();
  /** Step of a place -> the order id its reply gave, set when the reply is delivered. */
  readonly orderIdOfStep = new Map<number, string>();
  private count = 0;
  private joined = 0;

  add(fields: Omit<KitOrder, 'orderId' | 'priority' | 'status' | 'filledLots'>): KitOrder {
    const order: KitOrder = {
      ...fields,
      orderId: `O${++this.count}`,
      filledLots: 0,
      status: 'open',
      priority: ++this.joined,
    };
    this.byId.set(order.orderId, order);
    this.byLib.set(libKey(order.inst.symbol, order.libId), order);
    this.byClientId.set(`${order.account}|${order.clientOrderId}`, order);
    return order;
  }

  /** The library renamed the order (a modify that gave a new id). */
  rename(order: KitOrder, libId: LibOrderId): void {
    const before = libKey(order.inst.symbol, order.libId);
    if (this.byLib.get(before) === order) this.byLib.delete(before);
    order.libId = libId;
    this.byLib.set(libKey(order.inst.symbol, libId), order);
  }

  /** The order went to the back of its queue. */
  requeue(order: KitOrder): void {
    order.priority = ++this.joined;
  }

  /** The order the library of `symbol` calls `id` (each instrument's book has ids of its own). */
  byLibraryId(symbol: string, id: LibOrderId): KitOrder | undefined {
    return this.byLib.get(libKey(symbol, id));
  }

  hasClientOrderId(account: string, clientOrderId: string): boolean {
    return this.byClientId.has(`${account}|${clientOrderId}`);
  }

  /** The order a cancel or replace of `account` names, or why there is none. */
  find(account: string, target: OrderTarget): KitOrder | RejectReason {
    const id = target.byOrderId ? this.orderIdOfStep.get(target.step) : undefined;
    if (id !== undefined) {
      const order = this.byId.get(id);
      if (order === undefined) return 'unknown_order';
      return order.account === account ? order : 'not_order_owner';
    }
    return this.byClientId.get(`${account}|${target.clientOrderId}`) ?? 'unknown_order';
  }

  /** Open orders, oldest first (optionally of one account, one symbol). */
  open(account?: string, symbol?: string): KitOrder[] {
    return [...this.byId.values()].filter(
      (o) =>
        isOpen(o) &&
        (account === undefined || o.account === account) &&
        (symbol === undefined || o.inst.symbol === symbol),
    );
  }
}
