import { describe, expect, it } from 'vitest';
import type { EventMessage } from '../../../src/domains/trading/protocol/protocol-messages.ts';
import { eventBytes, ReplayBuffer } from '../../../src/exchange/gateway/replay-buffer.ts';

const event = (seq: number): EventMessage => ({
  type: 'event',
  stream: 'account:a',
  seq,
  txn: seq,
  time: 0,
  event: { type: 'reset' },
});

const seqs = (result: ReturnType<ReplayBuffer['after']>) =>
  result.ok ? result.events.map((e) => e.seq) : result;

describe('ReplayBuffer', () => {
  it('returns what came after the last seen seq', () => {
    const buffer = new ReplayBuffer(10);
    for (let s = 1; s <= 5; s++) buffer.push(event(s));
    expect(seqs(buffer.after(2, 5))).toEqual([3, 4, 5]);
    expect(seqs(buffer.after(0, 5))).toEqual([1, 2, 3, 4, 5]);
    expect(seqs(buffer.after(5, 5))).toEqual([]);
  });

  it('keeps only the newest events and says when a gap is too old', () => {
    const buffer = new ReplayBuffer(3);
    for (let s = 1; s <= 10; s++) buffer.push(event(s));
    expect(seqs(buffer.after(7, 10))).toEqual([8, 9, 10]);
    expect(seqs(buffer.after(6, 10))).toEqual({ ok: false, problem: 'too_old' });
  });

  it('says when the client is ahead of the stream', () => {
    const buffer = new ReplayBuffer(3);
    buffer.push(event(1));
    expect(seqs(buffer.after(2, 1))).toEqual({ ok: false, problem: 'ahead' });
  });

  it('an empty buffer can only confirm the client is up to date', () => {
    const buffer = new ReplayBuffer(0);
    buffer.push(event(1));
    expect(seqs(buffer.after(0, 0))).toEqual([]);
    expect(seqs(buffer.after(0, 1))).toEqual({ ok: false, problem: 'too_old' });
  });

  it('keeps at most maxBytes of events, dropping the oldest first', () => {
    const one = eventBytes(event(1));
    const buffer = new ReplayBuffer(100, one * 3);
    for (let s = 1; s <= 10; s++) buffer.push(event(s));
    expect(buffer.size).toBe(3);
    expect(buffer.bytes).toBe(one * 3);
    expect(seqs(buffer.after(7, 10))).toEqual([8, 9, 10]);
    expect(seqs(buffer.after(6, 10))).toEqual({ ok: false, problem: 'too_old' });
  });

  it('an event larger than maxBytes on its own empties the buffer: resuming past it means resync', () => {
    const buffer = new ReplayBuffer(100, 1000);
    buffer.push(event(1));
    buffer.push({ ...event(2), event: { type: 'order_rejected', clientOrderId: 'x'.repeat(2000) } as never });
    expect(buffer.size).toBe(0);
    expect(buffer.bytes).toBe(0);
    expect(seqs(buffer.after(1, 2))).toEqual({ ok: false, problem: 'too_old' });
    buffer.push(event(3));
    expect(seqs(buffer.after(2, 3))).toEqual([3]);
  });

  it('counts a long string field by its length', () => {
    const short = eventBytes({ ...event(1), event: { type: 'order_rejected', clientOrderId: 'a' } as never });
    const long = eventBytes({
      ...event(1),
      event: { type: 'order_rejected', clientOrderId: 'a'.repeat(1001) } as never,
    });
    expect(long - short).toBe(1000);
    // Never below the JSON actually sent for an engine-made event.
    expect(eventBytes(event(1))).toBeGreaterThanOrEqual(JSON.stringify(event(1)).length);
  });

  it('stays correct and bounded over many times its capacity', () => {
    const buffer = new ReplayBuffer(100);
    for (let s = 1; s <= 50_000; s++) {
      buffer.push(event(s));
      expect(buffer.size).toBe(Math.min(s, 100));
    }
    expect(seqs(buffer.after(49_950, 50_000))).toEqual(Array.from({ length: 50 }, (_, i) => 49_951 + i));
    expect(seqs(buffer.after(49_899, 50_000))).toEqual({ ok: false, problem: 'too_old' });
    buffer.clear();
    expect([buffer.size, buffer.bytes]).toEqual([0, 0]);
  });
});
