import type { EventMessage } from '../../domains/trading/protocol/protocol-messages.ts';

export type ReplayResult =
  | { ok: true; events: EventMessage[] }
  /** too_old: some missed events were already dropped; ahead: the client claims a seq never issued. */
  | { ok: false; problem: 'too_old' | 'ahead' };

/** Dropped slots at the front are cut off once there are this many and they are most of the array. */
const COMPACT_AFTER = 1024;

/**
 * The newest events of one stream, kept so a reconnecting client can resume without a full
 * resync: at most `capacity` events and at most `maxBytes` bytes of them (their JSON size as
 * sent, estimated by eventBytes), the oldest dropped first. An event larger than `maxBytes` on
 * its own empties the buffer. Events are pushed in seq order with no gaps, so the oldest kept
 * seq is enough to tell whether a gap can still be filled. Storage grows with what is kept,
 * never to a preallocated capacity.
 */
export class ReplayBuffer {
  private events: (EventMessage | undefined)[] = [];
  private sizes: number[] = [];
  /** Index of the oldest kept event; the slots before it are dropped. */
  private head = 0;
  private byteCount = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 0)
      throw new RangeError(`bad replay capacity ${capacity}`);
    if (!(maxBytes >= 0)) throw new RangeError(`bad replay byte limit ${maxBytes}`);
  }

  /** Events kept. */
  get size(): number {
    return this.events.length - this.head;
  }

  /** Estimated bytes of the events kept. */
  get bytes(): number {
    return this.byteCount;
  }

  push(event: EventMessage): void {
    if (this.capacity === 0) return;
    const bytes = eventBytes(event);
    if (bytes > this.maxBytes) {
      this.clear();
      return;
    }
    while (this.size >= this.capacity || (this.size > 0 && this.byteCount + bytes > this.maxBytes)) {
      this.dropOldest();
    }
    this.events.push(event);
    this.sizes.push(bytes);
    this.byteCount += bytes;
  }

  /** The events after `lastSeen` up to `lastSeq` (the stream's newest seq), oldest first. */
  after(lastSeen: number, lastSeq: number): ReplayResult {
    if (lastSeen > lastSeq) return { ok: false, problem: 'ahead' };
    if (lastSeen === lastSeq) return { ok: true, events: [] };
    if (this.size === 0) return { ok: false, problem: 'too_old' };
    const oldest = this.events[this.head]!.seq;
    if (oldest > lastSeen + 1) return { ok: false, problem: 'too_old' };
    return { ok: true, events: this.events.slice(this.head + lastSeen + 1 - oldest) as EventMessage[] };
  }

  clear(): void {
    this.events = [];
    this.sizes = [];
    this.head = 0;
    this.byteCount = 0;
  }

  private dropOldest(): void {
    this.byteCount -= this.sizes[this.head];
    this.events[this.head] = undefined;
    this.head++;
    if (this.head === this.events.length) {
      this.clear();
    } else if (this.head >= COMPACT_AFTER && this.head * 2 > this.events.length) {
      // In place, so the kept part is not copied into a new array the collector must move too.
      this.events.splice(0, this.head);
      this.sizes.splice(0, this.head);
      this.head = 0;
    }
  }
}

/**
 * The size of an event's JSON, estimated without serialising it: the envelope, and every field
 * of the event counted as its name, its value (a string by its length, anything else as 24
 * characters) and the punctuation. Exact for ASCII strings without escapes, which is every
 * string the engine makes; what a client echoes into a reject (a long client order id or
 * symbol) is counted by its length, which is what bounds the buffer against it.
 */
export function eventBytes(message: EventMessage): number {
  let bytes = 64 + message.stream.length;
  const event = message.event as unknown as Record<string, unknown>;
  for (const key in event) {
    const value = event[key];
    bytes += key.length + 4 + (typeof value === 'string' ? value.length + 2 : 24);
  }
  return bytes;
}
