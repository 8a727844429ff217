import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { adminRecord, orderOwners } from './support/admin-record.ts';
import { isOrderEvent, type OrderEventRecord, type TradingRecord } from './support/events.ts';
import { instrumentGrids, lotsOf, qtyOfLots } from './support/instrument-grid.ts';
import { show } from './support/numbers.ts';
import { orderLabel } from './support/order-label.ts';
import { runIndex } from './support/run-index.ts';
import { violation } from './support/violation.ts';

const NAME = 'orders.quantities';

interface OrderQty {
  label: string;
  symbol: string;
  /** In lots: exact integers, so sums need no tolerance. */
  qty: number;
  filled: number;
  fills: TradingRecord[];
  accepted: TradingRecord;
}

/**
 * Per order, from the admin's record of its own account stream: fills are positive, add up to
 * the reported filled quantity, never exceed the order's quantity, and leave remaining =
 * qty - filled; every quantity is a whole number of lots. Open orders of the final snapshot
 * have 0 < remaining <= qty.
 */
export const ordersQuantities: Invariant<TradingEvidence> = {
  name: NAME,
  description:
    'fills are positive lot multiples that add up: filled = sum of fills <= qty, remaining = qty - filled',
  counts: 'orders',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const grids = instrumentGrids(evidence.extra?.config);
    const record = adminRecord(evidence.events);
    const owners = orderOwners(record);
    const orders = new Map<string, OrderQty>();
    const reported = new Set<string>();
    const lotNote = (symbol: string): string => {
      const lot = grids.get(symbol)?.lotSize;
      return lot === undefined ? '' : ` (lot ${show(lot)})`;
    };

    const fail = (orderId: string, order: OrderQty, problem: string, rec: OrderEventRecord): void => {
      reported.add(orderId);
      out.push(
        violation(NAME, `${order.label}: ${problem}`, [order.accepted, ...order.fills.slice(-3), rec]),
      );
    };

    // The admin's order events with their accounts (the run index): nothing else changes a quantity.
    for (const { rec, account } of runIndex(evidence).adminAccountEvents) {
      if (!isOrderEvent(rec)) continue;
      const e = rec.event;
      // Events on another account's stream are an isolation problem, not a quantity one.
      if (owners.get(e.orderId) !== account || reported.has(e.orderId)) continue;
      if (e.type === 'order_accepted') {
        if (orders.has(e.orderId)) continue;
        const order: OrderQty = {
          label: orderLabel(e.orderId, account, e.clientOrderId),
          symbol: e.symbol,
          qty: lotsOf(grids, e.symbol, e.qty),
          filled: 0,
          fills: [],
          accepted: rec,
        };
        orders.set(e.orderId, order);
        if (!(order.qty > 0))
          fail(
            e.orderId,
            order,
            `qty ${show(e.qty)} is not a positive whole number of lots${lotNote(e.symbol)}`,
            rec,
          );
        continue;
      }
      const order = orders.get(e.orderId);
      if (order === undefined) continue;
      const lots = (x: number): number => lotsOf(grids, order.symbol, x);
      const problem = (what: string, x: number): string =>
        `${what} ${show(x)} is not a whole number of lots${lotNote(order.symbol)}`;
      if (e.type === 'fill') {
        order.fills.push(rec);
        const q = lots(e.qty);
        if (Number.isNaN(q)) fail(e.orderId, order, problem(`fill ${e.tradeId} qty`, e.qty), rec);
        else if (q <= 0) fail(e.orderId, order, `fill ${e.tradeId} qty ${show(e.qty)} is not positive`, rec);
        if (reported.has(e.orderId)) continue;
        order.filled += q;
        const filled = lots(e.filledQty);
        const remaining = lots(e.remainingQty);
        if (Number.isNaN(filled))
          fail(e.orderId, order, problem(`fill ${e.tradeId} filledQty`, e.filledQty), rec);
        else if (Number.isNaN(remaining))
          fail(e.orderId, order, problem(`fill ${e.tradeId} remainingQty`, e.remainingQty), rec);
        else if (filled !== order.filled)
          fail(
            e.orderId,
            order,
            `filledQty ${show(e.filledQty)} after fill ${e.tradeId} != sum of its fills ${show(qtyOfLots(grids, order.symbol, order.filled))}`,
            rec,
          );
        else if (filled > order.qty)
          fail(
            e.orderId,
            order,
            `filledQty ${show(e.filledQty)} > qty ${show(qtyOfLots(grids, order.symbol, order.qty))}`,
            rec,
          );
        else if (remaining !== order.qty - filled)
          fail(
            e.orderId,
            order,
            `remainingQty ${show(e.remainingQty)} after fill ${e.tradeId} != qty - filledQty (${show(qtyOfLots(grids, order.symbol, order.qty - filled))})`,
            rec,
          );
        continue;
      }
      if (e.type === 'order_replaced') {
        const qty = lots(e.qty);
        const filled = lots(e.filledQty);
        const remaining = lots(e.remainingQty);
        if (Number.isNaN(qty)) fail(e.orderId, order, problem('replaced qty', e.qty), rec);
        else if (Number.isNaN(filled) || filled !== order.filled)
          fail(
            e.orderId,
            order,
            `replace reports filledQty ${show(e.filledQty)}, its fills add up to ${show(qtyOfLots(grids, order.symbol, order.filled))}`,
            rec,
          );
        else if (qty <= filled)
          fail(
            e.orderId,
            order,
            `replaced to qty ${show(e.qty)}, not above filledQty ${show(e.filledQty)}`,
            rec,
          );
        else if (Number.isNaN(remaining) || remaining !== qty - filled)
          fail(
            e.orderId,
            order,
            `replace reports remainingQty ${show(e.remainingQty)} != qty ${show(e.qty)} - filledQty ${show(e.filledQty)}`,
            rec,
          );
        order.qty = qty;
        continue;
      }
      // Cancelled or expired: what was withdrawn is exactly what was left.
      const left = e.type === 'order_cancelled' ? e.cancelledQty : e.expiredQty;
      const filled = lots(e.filledQty);
      const withdrawn = lots(left);
      if (Number.isNaN(filled) || filled !== order.filled)
        fail(
          e.orderId,
          order,
          `${e.type} reports filledQty ${show(e.filledQty)}, its fills add up to ${show(qtyOfLots(grids, order.symbol, order.filled))}`,
          rec,
        );
      else if (Number.isNaN(withdrawn) || withdrawn !== order.qty - order.filled)
        fail(
          e.orderId,
          order,
          `${e.type} withdrew ${show(left)}, but qty - filledQty is ${show(qtyOfLots(grids, order.symbol, order.qty - order.filled))}`,
          rec,
        );
    }

    tally?.count(orders.size);
    for (const o of evidence.snapshot?.orders ?? []) {
      if (!orders.has(o.orderId)) tally?.count();
      const lots = (x: number): number => lotsOf(grids, o.symbol, x);
      const qty = lots(o.qty);
      const filled = lots(o.filledQty);
      const remaining = lots(o.remainingQty);
      const label = `open ${orderLabel(o.orderId, o.account, o.clientOrderId)} in the final snapshot`;
      let problem: string | undefined;
      if (Number.isNaN(remaining))
        problem = `remainingQty ${show(o.remainingQty)} is not a whole number of lots${lotNote(o.symbol)}`;
      else if (Number.isNaN(qty))
        problem = `qty ${show(o.qty)} is not a whole number of lots${lotNote(o.symbol)}`;
      else if (Number.isNaN(filled))
        problem = `filledQty ${show(o.filledQty)} is not a whole number of lots${lotNote(o.symbol)}`;
      else if (remaining <= 0) problem = `remainingQty ${show(o.remainingQty)} is not positive`;
      else if (remaining > qty) problem = `remainingQty ${show(o.remainingQty)} > qty ${show(o.qty)}`;
      else if (remaining !== qty - filled)
        problem = `remainingQty ${show(o.remainingQty)} != qty ${show(o.qty)} - filledQty ${show(o.filledQty)}`;
      if (problem !== undefined) {
        const accepted = orders.get(o.orderId)?.accepted;
        out.push(violation(NAME, `${label}: ${problem}`, [accepted]));
      }
    }
    return out;
  },
};
