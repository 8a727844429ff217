import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { adminRecord, groupByTxn, orderOwners } from './support/admin-record.ts';
import { accountOfStream, is, isOrderEvent, type TradingRecord } from './support/events.ts';
import { instrumentGrids, lotsOf } from './support/instrument-grid.ts';
import { sameNumber, show } from './support/numbers.ts';
import { orderLabel } from './support/order-label.ts';
import { violation } from './support/violation.ts';

const NAME = 'book.price-time-priority';

interface Resting {
  orderId: string;
  label: string;
  account: string;
  symbol: string;
  buy: boolean;
  price: number | null;
  qty: number;
  filled: number;
  ended: boolean;
  /** Set while the order sits in a queue: which side and price. */
  queue?: { side: Map<number, string[]>; price: number };
  /** Last event that placed it in its queue (acceptance or replace), for the report. */
  joined: TradingRecord;
}

/**
 * Rebuilds each (symbol, side, price) FIFO queue from the admin's private events in total
 * order. An order joins the back of its queue when it starts resting (at the end of the input
 * that accepted it, if gtc or post_only with something left), and again after a replace that
 * loses priority or changes the price; a quantity decrease keeps its place. Every maker fill
 * must hit the best price level and, within it, the order at the front.
 */
export const bookPriceTimePriority: Invariant<TradingEvidence> = {
  name: NAME,
  description:
    'maker fills hit the best level and the front of its queue; replaces lose priority as the rules say',
  needs: [CAP.queuePriority],
  counts: 'maker fills and replaces',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const grids = instrumentGrids(evidence.extra?.config);
    const record = adminRecord(evidence.events);
    const owners = orderOwners(record);
    const orders = new Map<string, Resting>();
    // symbol -> side (true: bids) -> price -> queue of order ids, front first.
    const books = new Map<string, { bids: Map<number, string[]>; asks: Map<number, string[]> }>();

    const sideOf = (symbol: string, buy: boolean): Map<number, string[]> => {
      let book = books.get(symbol);
      if (book === undefined) {
        book = { bids: new Map(), asks: new Map() };
        books.set(symbol, book);
      }
      return buy ? book.bids : book.asks;
    };
    const leave = (order: Resting): void => {
      const at = order.queue;
      if (at === undefined) return;
      const queue = at.side.get(at.price) ?? [];
      const i = queue.indexOf(order.orderId);
      if (i >= 0) queue.splice(i, 1);
      if (queue.length === 0) at.side.delete(at.price);
      order.queue = undefined;
    };
    const join = (order: Resting, front = false): void => {
      if (order.price === null) return;
      const side = sideOf(order.symbol, order.buy);
      let queue = side.get(order.price);
      if (queue === undefined) {
        queue = [];
        side.set(order.price, queue);
      }
      if (front) queue.unshift(order.orderId);
      else queue.push(order.orderId);
      order.queue = { side, price: order.price };
    };

    for (const group of groupByTxn(record)) {
      const pending = new Set<Resting>();
      for (const rec of group) {
        const account = accountOfStream(rec.stream);
        if (account === undefined) continue;
        if (is(rec, 'reset')) {
          for (const order of orders.values()) {
            if (order.account !== account || order.ended) continue;
            leave(order);
            order.ended = true;
          }
          continue;
        }
        if (!isOrderEvent(rec)) continue;
        const e = rec.event;
        if (owners.get(e.orderId) !== account) continue;
        if (e.type === 'order_accepted') {
          if (orders.has(e.orderId)) continue;
          const order: Resting = {
            orderId: e.orderId,
            label: orderLabel(e.orderId, account, e.clientOrderId),
            account,
            symbol: e.symbol,
            buy: e.side === 'buy',
            price: e.price,
            qty: lotsOf(grids, e.symbol, e.qty),
            filled: 0,
            ended: false,
            joined: rec,
          };
          orders.set(e.orderId, order);
          if (e.orderType === 'limit' && (e.tif === 'gtc' || e.tif === 'post_only')) pending.add(order);
          continue;
        }
        const order = orders.get(e.orderId);
        if (order === undefined || order.ended) continue;
        if (e.type === 'order_cancelled' || e.type === 'order_expired') {
          leave(order);
          order.ended = true;
          pending.delete(order);
        } else if (e.type === 'order_replaced') {
          tally?.count();
          const priceChanged = order.price === null || !sameNumber(e.price, order.price);
          const qty = lotsOf(grids, order.symbol, e.qty);
          const grew = qty > order.qty;
          if (e.priorityKept && (priceChanged || grew)) {
            const what = priceChanged
              ? `changed price ${show(order.price)} -> ${show(e.price)}`
              : `raised qty to ${show(e.qty)}`;
            out.push(
              violation(NAME, `replace of ${order.label} at txn ${rec.txn} ${what} but kept its priority`, [
                order.joined,
                rec,
              ]),
            );
          }
          order.qty = qty;
          if (!e.priorityKept || priceChanged || grew) {
            // It goes to the back of its new queue once the input is done (it may trade first).
            leave(order);
            order.price = e.price;
            order.joined = rec;
            pending.add(order);
          }
        } else if (e.type === 'fill') {
          order.filled += lotsOf(grids, order.symbol, e.qty);
          if (e.liquidity === 'maker') {
            tally?.count();
            checkMakerFill(order, rec);
          }
          if (!(e.remainingQty > 1e-12) || order.filled >= order.qty) {
            leave(order);
            order.ended = true;
            pending.delete(order);
          }
        }
      }
      for (const order of pending) {
        if (!order.ended && order.queue === undefined && order.filled < order.qty) join(order);
      }
    }
    return out;

    function checkMakerFill(order: Resting, rec: TradingRecord): void {
      if (rec.event.type !== 'fill') return;
      const fill = rec.event;
      const where = `${order.symbol} ${order.buy ? 'buy' : 'sell'} ${show(order.price)}`;
      if (order.queue === undefined) {
        out.push(
          violation(
            NAME,
            `maker fill ${fill.tradeId} hit ${order.label}, which was not resting on ${order.symbol}`,
            [order.joined, rec],
          ),
        );
        return;
      }
      if (order.price !== null && !sameNumber(fill.price, order.price)) {
        out.push(
          violation(
            NAME,
            `maker fill ${fill.tradeId} of ${order.label} printed at ${show(fill.price)}, not at its resting price ${show(order.price)}`,
            [order.joined, rec],
          ),
        );
      }
      const side = order.queue.side;
      let best: number | undefined;
      for (const [price, queue] of side) {
        if (queue.length === 0) continue;
        if (best === undefined || (order.buy ? price > best : price < best)) best = price;
      }
      if (best !== undefined && order.price !== null && best !== order.price) {
        const ahead = orders.get(side.get(best)![0]);
        out.push(
          violation(
            NAME,
            `maker fill ${fill.tradeId} hit ${order.label} at ${where} while a better level ${show(best)} held ${ahead?.label ?? '?'}`,
            [ahead?.joined, order.joined, rec],
          ),
        );
        return;
      }
      const queue = side.get(order.queue.price) ?? [];
      if (queue[0] !== order.orderId) {
        const ahead = orders.get(queue[0]);
        out.push(
          violation(
            NAME,
            `maker fill ${fill.tradeId} hit ${order.label} at ${where} while ${ahead?.label ?? queue[0]} was ahead of it in the queue`,
            [ahead?.joined, order.joined, rec],
          ),
        );
        // Follow the venue from here on, so one misplaced order is reported once.
        leave(order);
        join(order, true);
      }
    }
  },
};
