import type { EventMessage } from './protocol-messages.ts';

export type ReplayResult =
  | { ok: true; events: EventMessage[] }
  /** too_old: some missed events were already dropped; ahead: the client claims a seq never issued. */
  | { ok: false; problem: 'too_old' | 'ahead' };

/**
 * The last `capacity` events of one stream, kept so a reconnecting client can resume without
 * a full resync. Events are pushed in seq order with no gaps, so the oldest kept seq is
 * enough to tell whether a gap can still be filled.
 */
export class ReplayBuffer {
  private readonly slots: (EventMessage | undefined)[];
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0)
      throw new RangeError(`bad replay capacity ${capacity}`);
    this.slots = new Array(capacity);
  }

  push(event: EventMessage): void {
    if (this.capacity === 0) return;
    if (this.size < this.capacity) {
      this.slots[(this.start + this.size) % this.capacity] = event;
      this.size += 1;
      return;
    }
    this.slots[this.start] = event;
    this.start = (this.start + 1) % this.capacity;
  }

  /** The events after `lastSeen` up to `lastSeq` (the stream's newest seq), oldest first. */
  after(lastSeen: number, lastSeq: number): ReplayResult {
    if (lastSeen > lastSeq) return { ok: false, problem: 'ahead' };
    if (lastSeen === lastSeq) return { ok: true, events: [] };
    if (this.size === 0) return { ok: false, problem: 'too_old' };
    const oldest = this.at(0).seq;
    if (oldest > lastSeen + 1) return { ok: false, problem: 'too_old' };
    const events: EventMessage[] = [];
    for (let i = lastSeen + 1 - oldest; i < this.size; i += 1) events.push(this.at(i));
    return { ok: true, events };
  }

  private at(index: number): EventMessage {
    return this.slots[(this.start + index) % this.capacity]!;
  }
}
