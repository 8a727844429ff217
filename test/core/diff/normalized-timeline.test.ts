import { describe, expect, it } from 'vitest';
import { normalizeTimeline } from '../../../src/core/diff/normalized-timeline.ts';
import { evidence, OPTIONS, rec } from './diff-fixtures.ts';

describe('normalizeTimeline', () => {
  it('keeps each client stream as payloads by place in the run: seqs from the start, ids by first appearance', () => {
    const timeline = normalizeTimeline(
      evidence([
        rec(1, 'maker', 'account:maker', 41, { type: 'accepted', orderId: 'O900' }, 0),
        rec(2, 'taker', 'account:taker', 7, { type: 'accepted', orderId: 'O901' }, 1),
        rec(3, 'maker', 'account:maker', 42, { type: 'fill', orderId: 'O900', tradeId: 'T55' }, 1),
      ]),
      OPTIONS,
    );
    expect(timeline.streams).toEqual([
      {
        client: 'maker',
        stream: 'account:maker',
        events: [
          {
            seq: 1,
            step: 0,
            event: { orderId: 'O#1', type: 'accepted' },
            key: '{"orderId":"O#1","type":"accepted"}',
          },
          {
            seq: 2,
            step: 1,
            event: { orderId: 'O#1', tradeId: 'T#1', type: 'fill' },
            key: '{"orderId":"O#1","tradeId":"T#1","type":"fill"}',
          },
        ],
      },
      {
        client: 'taker',
        stream: 'account:taker',
        events: [
          {
            seq: 1,
            step: 1,
            event: { orderId: 'O#2', type: 'accepted' },
            key: '{"orderId":"O#2","type":"accepted"}',
          },
        ],
      },
    ]);
  });

  it('drops session streams, counts an event delivered twice once, and ignores key order', () => {
    const a = normalizeTimeline(
      evidence([
        rec(1, 'maker', 'account:maker', 1, { type: 'fill', qty: 1 }, 0),
        rec(2, 'maker', 'session:maker', 1, { type: 'session_resumed' }),
        rec(3, 'maker', 'account:maker', 1, { type: 'fill', qty: 1 }, 0),
      ]),
      OPTIONS,
    );
    const b = normalizeTimeline(
      evidence([rec(1, 'maker', 'account:maker', 1, { qty: 1, type: 'fill' }, 0)]),
      OPTIONS,
    );
    expect(a.streams).toEqual(b.streams);
    expect(a.streams[0]?.events).toHaveLength(1);
  });

  it('reduces replies to their outcome: ok with the normalized result, fail with its code, info', () => {
    const timeline = normalizeTimeline(
      evidence(
        [],
        [
          { status: 'ok', result: { orderId: 'O12', status: 'open', priority: 77 } },
          { status: 'fail', code: 'unknown_order' },
          { status: 'info' },
        ],
      ),
      OPTIONS,
    );
    expect(timeline.replies).toEqual([
      {
        outcome: 'ok',
        result: { orderId: 'O#1', status: 'open' },
        key: 'ok {"orderId":"O#1","status":"open"}',
      },
      { outcome: 'fail unknown_order', key: 'fail unknown_order' },
      { outcome: 'info', key: 'info' },
    ]);
  });

  it('names ids in the order the run made them, step by step, whatever the stream names', () => {
    // `a` sorts before `b`, but `b` saw its order first (step 0): it is O#1 on both.
    const timeline = normalizeTimeline(
      evidence([
        rec(1, 'maker', 'b-stream', 1, { orderId: 'O5' }, 0),
        rec(2, 'maker', 'a-stream', 1, { orderId: 'O6' }, 1),
      ]),
      OPTIONS,
    );
    expect(timeline.streams.map((s) => [s.stream, s.events[0]?.event])).toEqual([
      ['a-stream', { orderId: 'O#2' }],
      ['b-stream', { orderId: 'O#1' }],
    ]);
  });

  it('without a step from the target, an event belongs to the last step sent before it arrived', () => {
    // Steps are invoked at 0, 10, 20 (the fixture); events arrive at their gseq.
    const timeline = normalizeTimeline(
      evidence(
        [rec(5, 'maker', 's', 1, {}), rec(15, 'maker', 's', 2, {}), rec(25, 'maker', 's', 3, {})],
        [
          { status: 'ok', result: 1 },
          { status: 'ok', result: 2 },
          { status: 'ok', result: 3 },
        ],
      ),
      OPTIONS,
    );
    expect(timeline.streams[0]?.events.map((e) => e.step)).toEqual([0, 1, 2]);
  });

  it('compares the final snapshot only when the options normalize it and the target gave one', () => {
    const snapshot = { time: 123, orders: [{ orderId: 'O3' }] };
    expect(normalizeTimeline(evidence([], [], snapshot), OPTIONS).snapshot).toEqual({
      value: { orders: [{ orderId: 'O#1' }] },
      key: '{"orders":[{"orderId":"O#1"}]}',
    });
    expect(normalizeTimeline(evidence([], [], undefined), OPTIONS).snapshot).toBeUndefined();
    const { normalizeSnapshot: _none, ...withoutSnapshots } = OPTIONS;
    expect(normalizeTimeline(evidence([], [], snapshot), withoutSnapshots).snapshot).toBeUndefined();
  });
});
