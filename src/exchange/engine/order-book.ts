import type { OrderState } from './engine-state.ts';

/**
 * One side of an instrument's book. Levels are kept in a Map for lookup and in a ladder sorted
 * by price for matching; each level is a FIFO doubly linked list, so a cancel is O(1) and the
 * order of the list is the time priority.
 */
export interface PriceLevel {
  price: number;
  total: number;
  /** Orders in the level; 0 for an emptied level not dropped yet. */
  count: number;
  head: OrderState | null;
  tail: OrderState | null;
}

/**
 * Emptied levels kept for reuse before a sweep (when they are also the majority): enough for
 * the whole band of a busy book, small enough that a walk over the ladder stays cheap.
 */
const KEPT_EMPTY_LEVELS = 1024;

export class BookSide {
  readonly isBid: boolean;
  /** Levels by price, emptied ones included until they are dropped. */
  private readonly byPrice = new Map<number, PriceLevel>();
  /**
   * Levels sorted worst first, best last. Prices empty and fill again all the time, so an
   * emptied level stays in place (count 0) rather than costing a Map delete, an array shift
   * and a new level on each round trip; see KEPT_EMPTY_LEVELS for when they are swept out.
   * Readers skip levels with count 0.
   */
  readonly ladder: PriceLevel[] = [];
  /** Index in the ladder of the best level that holds orders, -1 if none. */
  private top = -1;
  private emptyLevels = 0;

  constructor(isBid: boolean) {
    this.isBid = isBid;
  }

  /** Levels held, emptied ones not swept yet included. */
  get levelCount(): number {
    return this.byPrice.size;
  }

  best(): PriceLevel | undefined {
    return this.top >= 0 ? this.ladder[this.top] : undefined;
  }

  /** The level at a price, if it holds orders. */
  levelAt(price: number): PriceLevel | undefined {
    const level = this.byPrice.get(price);
    return level !== undefined && level.count > 0 ? level : undefined;
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
    if (++level.count === 1) this.filled(level);
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
    if (++level.count === 1) this.filled(level);
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
    if (level.count === 0) this.emptied(level);
  }

  clear(): void {
    this.byPrice.clear();
    this.ladder.length = 0;
    this.top = -1;
    this.emptyLevels = 0;
  }

  /** An empty level, ready to append to, for a price: a revived emptied one or a new one. */
  private levelFor(price: number): PriceLevel {
    let level = this.byPrice.get(price);
    if (!level) {
      level = { price, total: 0, count: 0, head: null, tail: null };
      this.byPrice.set(price, level);
      const index = this.insertionIndex(price);
      this.ladder.splice(index, 0, level);
      this.emptyLevels++;
      if (index <= this.top) this.top++;
    } else if (level.count === 0) {
      // Exactly as a new level: float_dust can leave a remainder in an emptied level's total.
      level.total = 0;
    }
    return level;
  }

  /** A level just got its first order. */
  private filled(level: PriceLevel): void {
    this.emptyLevels--;
    if (this.top < 0 || this.better(level.price, this.ladder[this.top].price)) {
      this.top = this.insertionIndex(level.price) - 1;
    }
  }

  /** A level just lost its last order. */
  private emptied(level: PriceLevel): void {
    const ladder = this.ladder;
    this.emptyLevels++;
    if (ladder[this.top] === level) {
      do this.top--;
      while (this.top >= 0 && ladder[this.top].count === 0);
    }
    if (this.emptyLevels > KEPT_EMPTY_LEVELS && this.emptyLevels * 2 > ladder.length) this.dropEmptyLevels();
  }

  private dropEmptyLevels(): void {
    const ladder = this.ladder;
    let kept = 0;
    for (const level of ladder) {
      if (level.count > 0) ladder[kept++] = level;
      else this.byPrice.delete(level.price);
    }
    ladder.length = kept;
    // The levels above the old top were all empty.
    this.top = kept - 1;
    this.emptyLevels = 0;
  }

  private better(a: number, b: number): boolean {
    return this.isBid ? a > b : a < b;
  }

  /** Binary search for where a new price goes: after every level priced no better than it. */
  private insertionIndex(price: number): number {
    const ladder = this.ladder;
    let lo = 0;
    let hi = ladder.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.better(ladder[mid].price, price)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
