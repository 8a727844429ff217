/**
 * Client order id -> value, for one account: the results of a Map<string, V>, found faster.
 * A Map compares each key it probes by reading that key's string, a cache miss per probe once
 * thousands of ids are remembered. This open-addressing table (linear probing, at most half
 * full) keeps each slot's hash, key and value side by side, so a probe reads one cache line,
 * and reads a key string only when the hashes match. Callers that already hold a key's hash
 * (clientIdHash) may pass it instead of having it computed again. The hash is unseeded: client
 * ids come from the venue's own test clients, not from an adversary hunting for collisions.
 */
export class ClientIdMap<V> {
  /**
   * Slot s is table[3s] (hash, 0 when empty), table[3s + 1] (key) and table[3s + 2] (value).
   * Until the first entry it is the shared, never written EMPTY_TABLE: an engine has a map per
   * account, and many accounts of a short run never place an order.
   */
  private table: unknown[] = EMPTY_TABLE;
  private mask = INITIAL_CAPACITY - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: string, hash = clientIdHash(key)): V | undefined {
    const slot = this.slotOf(key, hash);
    return slot >= 0 ? (this.table[3 * slot + 2] as V) : undefined;
  }

  has(key: string, hash = clientIdHash(key)): boolean {
    return this.slotOf(key, hash) >= 0;
  }

  set(key: string, value: V, hash = clientIdHash(key)): void {
    const slot = this.slotOf(key, hash);
    if (slot >= 0) {
      this.table[3 * slot + 2] = value;
      return;
    }
    if (this.table === EMPTY_TABLE) this.table = emptyTable(INITIAL_CAPACITY);
    else if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    this.insert(hash, key, value);
    this.count++;
  }

  delete(key: string, hash = clientIdHash(key)): boolean {
    let hole = this.slotOf(key, hash);
    if (hole < 0) return false;
    const { table, mask } = this;
    // Backward-shift deletion: pull later entries of the probe run into the hole, unless that
    // would move one before its home slot, so that runs stay unbroken without tombstones.
    for (let next = (hole + 1) & mask; table[3 * next] !== 0; next = (next + 1) & mask) {
      const home = (table[3 * next] as number) & mask;
      const homeInRun = hole < next ? home > hole && home <= next : home > hole || home <= next;
      if (homeInRun) continue;
      table[3 * hole] = table[3 * next];
      table[3 * hole + 1] = table[3 * next + 1];
      table[3 * hole + 2] = table[3 * next + 2];
      hole = next;
    }
    table[3 * hole] = 0;
    table[3 * hole + 1] = undefined;
    table[3 * hole + 2] = undefined;
    this.count--;
    return true;
  }

  clear(): void {
    this.table = EMPTY_TABLE;
    this.mask = INITIAL_CAPACITY - 1;
    this.count = 0;
  }

  /** The slot holding `key`, or -1. */
  private slotOf(key: string, hash: number): number {
    const { table, mask } = this;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const h = table[3 * slot];
      if (h === 0) return -1;
      if (h === hash && table[3 * slot + 1] === key) return slot;
    }
  }

  private insert(hash: number, key: string, value: unknown): void {
    const { table, mask } = this;
    let slot = hash & mask;
    while (table[3 * slot] !== 0) slot = (slot + 1) & mask;
    table[3 * slot] = hash;
    table[3 * slot + 1] = key;
    table[3 * slot + 2] = value;
  }

  private grow(): void {
    const old = this.table;
    const capacity = (this.mask + 1) * 2;
    this.table = emptyTable(capacity);
    this.mask = capacity - 1;
    for (let i = 0; i < old.length; i += 3) {
      if (old[i] !== 0) this.insert(old[i] as number, old[i + 1] as string, old[i + 2]);
    }
  }
}

const INITIAL_CAPACITY = 16;

function emptyTable(capacity: number): unknown[] {
  const table: unknown[] = [];
  for (let slot = 0; slot < capacity; slot++) table.push(0, undefined, undefined);
  return table;
}

/** The table of every map with no entry yet: read (every probe misses), never written. */
const EMPTY_TABLE: unknown[] = emptyTable(INITIAL_CAPACITY);

/**
 * FNV-1a over the UTF-16 code units, then murmur3's finalizer to spread it to the low bits.
 * Positive, nonzero and below 2^30, so that it is always a small integer to the VM.
 */
export function clientIdHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0x3fffffff || 1;
}
