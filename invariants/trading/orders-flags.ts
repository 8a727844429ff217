import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { adminRecord, groupByTxn, orderOwners } from './support/admin-record.ts';
import { accountOfStream, isOrderEvent, type TradingRecord } from './support/events.ts';
import { instrumentGrids, lotsOf, qtyOfLots } from './support/instrument-grid.ts';
import { show } from './support/numbers.ts';
import { orderLabel } from './support/order-label.ts';
import { violation } from './support/violation.ts';

const NAME = 'orders.flags';

/** An order that must be done within the input that accepted it. */
interface Immediate {
  label: string;
  kind: string;
  symbol: string;
  fok: boolean;
  qty: number;
  filled: number;
  accepted: TradingRecord;
  fills: TradingRecord[];
  end?: TradingRecord;
}

/**
 * Time-in-force and type flags hold: ioc and market orders never rest (they end within the
 * input that accepted them), fok orders fill completely at once or expire with nothing filled,
 * and post-only orders never take liquidity.
 */
export const ordersFlags: Invariant<TradingEvidence> = {
  name: NAME,
  description: 'ioc/market never rest, fok is all or nothing, post_only never takes',
  counts: 'flagged orders',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const grids = instrumentGrids(evidence.extra?.config);
    const record = adminRecord(evidence.events);
    const owners = orderOwners(record);
    const postOnly = new Map<string, { label: string; accepted: TradingRecord }>();
    const reportedPostOnly = new Set<string>();

    for (const group of groupByTxn(record)) {
      const immediate = new Map<string, Immediate>();
      for (const rec of group) {
        if (!isOrderEvent(rec)) continue;
        const e = rec.event;
        const account = accountOfStream(rec.stream);
        if (account === undefined || owners.get(e.orderId) !== account) continue;
        if (e.type === 'order_accepted') {
          if (e.tif === 'post_only' || e.orderType === 'market' || e.tif === 'ioc' || e.tif === 'fok')
            tally?.count();
          const label = orderLabel(e.orderId, account, e.clientOrderId);
          if (e.tif === 'post_only') postOnly.set(e.orderId, { label, accepted: rec });
          if (e.orderType === 'market' || e.tif === 'ioc' || e.tif === 'fok') {
            immediate.set(e.orderId, {
              label,
              kind: e.orderType === 'market' ? `market ${e.tif}` : e.tif,
              symbol: e.symbol,
              fok: e.tif === 'fok',
              qty: lotsOf(grids, e.symbol, e.qty),
              filled: 0,
              accepted: rec,
              fills: [],
            });
          }
          continue;
        }
        if (e.type === 'fill' && e.liquidity === 'taker' && postOnly.has(e.orderId)) {
          const po = postOnly.get(e.orderId)!;
          if (!reportedPostOnly.has(e.orderId)) {
            reportedPostOnly.add(e.orderId);
            out.push(
              violation(
                NAME,
                `post_only ${po.label} took liquidity: taker fill ${e.tradeId} of ${show(e.qty)} @ ${show(e.price)}`,
                [po.accepted, rec],
              ),
            );
          }
        }
        const order = immediate.get(e.orderId);
        if (order === undefined || order.end !== undefined) continue;
        if (e.type === 'fill') {
          order.fills.push(rec);
          order.filled += lotsOf(grids, order.symbol, e.qty);
          if (!(e.remainingQty > 1e-12)) order.end = rec;
        } else if (e.type === 'order_cancelled' || e.type === 'order_expired') {
          order.end = rec;
        }
      }
      for (const order of immediate.values()) {
        const events = [order.accepted, ...order.fills, order.end];
        if (order.end === undefined) {
          out.push(
            violation(
              NAME,
              `${order.kind} ${order.label} was still open after the txn that accepted it (txn ${order.accepted.txn}): it rests`,
              events,
            ),
          );
        } else if (order.fok && order.filled > 0 && order.filled !== order.qty) {
          const filled = show(qtyOfLots(grids, order.symbol, order.filled));
          const qty = show(qtyOfLots(grids, order.symbol, order.qty));
          out.push(
            violation(
              NAME,
              `fok ${order.label} filled ${filled} of ${qty} and ended with ${order.end.event.type}: not all or nothing`,
              events,
            ),
          );
        }
      }
    }
    return out;
  },
};
