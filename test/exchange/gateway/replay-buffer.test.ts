import { describe, expect, it } from 'vitest';
import type { EventMessage } from '../../../src/exchange/gateway/protocol-messages.ts';
import { ReplayBuffer } from '../../../src/exchange/gateway/replay-buffer.ts';

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
});
