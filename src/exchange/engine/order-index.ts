/**
 * Values by order number. Numbers are issued in sequence and most orders are forgotten soon
 * after they finish, so recent numbers live in an array window (an index costs less than a
 * hash). The few orders that outlive the window, long-resting ones, move to a Map so that the
 * window stays short however long they rest.
 */
export class OrderIndex<T> {
  /** slots[k] holds number base + k; undefined once deleted. */
  private slots: (T | undefined)[] = [];
  private base = 1;
  /** Every slot before head is empty. */
  private head = 0;
  /** Values held in slots (not in `old`). */
  private live = 0;
  private readonly old = new Map<number, T>();

  /** Values held. */
  get size(): number {
    return this.live + this.old.size;
  }

  get(num: number): T | undefined {
    const k = num - this.base;
    if (k >= this.slots.length) return undefined;
    return k >= this.head ? this.slots[k] : this.old.get(num);
  }

  /** `num` must be above every number added since the last clear (usually the next one). */
  add(num: number, value: T): void {
    if (this.head === this.slots.length) {
      this.slots.length = 0;
      this.head = 0;
      this.base = num;
    }
    while (this.base + this.slots.length < num) this.slots.push(undefined);
    this.slots.push(value);
    this.live++;
  }

  delete(num: number): void {
    const k = num - this.base;
    if (k < this.head) {
      this.old.delete(num);
      return;
    }
    if (k >= this.slots.length || this.slots[k] === undefined) return;
    this.slots[k] = undefined;
    this.live--;
    const slots = this.slots;
    while (this.head < slots.length && slots[this.head] === undefined) this.head++;
    // A long-resting order at the front would pin an ever longer, ever emptier window.
    if (slots.length - this.head > 2 * this.live + 4096) this.moveOldHalf();
    if (this.head > 4096 && this.head * 2 > slots.length) {
      slots.splice(0, this.head);
      this.base += this.head;
      this.head = 0;
    }
  }

  clear(): void {
    this.slots = [];
    this.head = 0;
    this.live = 0;
    this.old.clear();
  }

  private moveOldHalf(): void {
    const slots = this.slots;
    const mid = this.head + ((slots.length - this.head) >> 1);
    for (let k = this.head; k < mid; k++) {
      const value = slots[k];
      if (value === undefined) continue;
      this.old.set(this.base + k, value);
      slots[k] = undefined;
      this.live--;
    }
    this.head = mid;
    while (this.head < slots.length && slots[this.head] === undefined) this.head++;
  }
}
