import type { OrderState } from './engine-state.ts';

/**
 * One side of an instrument's book. Levels are kept in a Map for lookup and in a price array
 * sorted best first for matching; each level is a FIFO doubly linked list, so a cancel is O(1)
 * and the order of the list is the time priority.
 */
export interface PriceLevel {
  price: number;
  total: number;
  count: number;
  head: OrderState | null;
  tail: OrderState | null;
}

export class BookSide {
  readonly isBid: boolean;
  readonly levels = new Map<number, PriceLevel>();
  /** Best first: bids descending, asks ascending. */
  readonly prices: number[] = [];

  constructor(isBid: boolean) {
    this.isBid = isBid;
  }

  best(): PriceLevel | undefined {
    return this.prices.length > 0 ? this.levels.get(this.prices[0]) : undefined;
  }

  levelAt(index: number): PriceLevel | undefined {
    return index < this.prices.length ? this.levels.get(this.prices[index]) : undefined;
  }

  /** Appends at the back of its price level (fresh time priority). */
  append(order: OrderState): void {
    const level = this.levelFor(order.price);
    order.level = level;
    order.prev = level.tail;
    order.next = null;
    if (level.tail) level.tail.next = order;
    else level.head = order;
    level.tail = order;
    level.total += order.qty - order.filled;
    level.count++;
  }

  /** Inserts by priority number instead of at the back: only the replace_keeps_priority bug uses it. */
  insertByPriority(order: OrderState): void {
    const level = this.levelFor(order.price);
    let after: OrderState | null = level.tail;
    while (after && after.priority > order.priority) after = after.prev;
    order.level = level;
    order.prev = after;
    order.next = after ? after.next : level.head;
    if (order.next) order.next.prev = order;
    else level.tail = order;
    if (after) after.next = order;
    else level.head = order;
    level.total += order.qty - order.filled;
    level.count++;
  }

  remove(order: OrderState): void {
    const level = order.level;
    if (!level) return;
    if (order.prev) order.prev.next = order.next;
    else level.head = order.next;
    if (order.next) order.next.prev = order.prev;
    else level.tail = order.prev;
    level.total -= order.qty - order.filled;
    level.count--;
    order.level = null;
    order.prev = null;
    order.next = null;
    if (level.count === 0) this.dropLevel(level.price);
  }

  /** Drops a level that no longer holds orders. */
  dropLevel(price: number): void {
    this.levels.delete(price);
    const i = this.indexOf(price);
    if (i < this.prices.length && this.prices[i] === price) this.prices.splice(i, 1);
  }

  clear(): void {
    this.levels.clear();
    this.prices.length = 0;
  }

  private levelFor(price: number): PriceLevel {
    let level = this.levels.get(price);
    if (!level) {
      level = { price, total: 0, count: 0, head: null, tail: null };
      this.levels.set(price, level);
      this.prices.splice(this.indexOf(price), 0, price);
    }
    return level;
  }

  /** Binary search for the insertion index of a price in best-first order. */
  private indexOf(price: number): number {
    const prices = this.prices;
    let lo = 0;
    let hi = prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const better = this.isBid ? prices[mid] > price : prices[mid] < price;
      if (better) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
