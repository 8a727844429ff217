import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstDivergence } from '../../../src/core/diff/first-divergence.ts';
import { normalizeTimeline } from '../../../src/core/diff/normalized-timeline.ts';
import type { RunEvidence } from '../../../src/core/model/evidence.ts';
import { evidence, NAMES, OPTIONS, type PlainEvent, rec, recorded } from './diff-fixtures.ts';

const timeline = (run: RunEvidence) => normalizeTimeline(run, OPTIONS);

const eventsArb = fc.array(
  fc.record({
    client: fc.constantFrom('maker', 'taker'),
    stream: fc.constantFrom('account:maker', 'market:X'),
    value: fc.nat(5),
  }),
  { maxLength: 30 },
);

/** Where event `at` of the list sits in its own (client, stream): its 0-based place there. */
function placeInStream(list: readonly PlainEvent[], at: number): number {
  const target = list[at] as PlainEvent;
  return list.slice(0, at).filter((e) => e.client === target.client && e.stream === target.stream).length;
}

describe('firstDivergence', () => {
  it('a run never diverges from itself, nor from a shared venue that numbered seqs and ids from further on', () => {
    fc.assert(
      fc.property(eventsArb, fc.integer({ min: 1, max: 5000 }), (list, start) => {
        const a = timeline(evidence(recorded(list), [], { orders: list.length }));
        const b = timeline(evidence(recorded(list, start), [], { orders: list.length }));
        expect(firstDivergence(a, b, NAMES)).toBeUndefined();
        expect(firstDivergence(a, a, NAMES)).toBeUndefined();
      }),
    );
  });

  it('finds any single changed event at its place in its stream, naming client, stream, step and both payloads', () => {
    fc.assert(
      fc.property(
        eventsArb.filter((l) => l.length > 0),
        fc.nat(),
        (list, pick) => {
          const at = pick % list.length;
          const changed = list.map((e, i) => (i === at ? { ...e, value: e.value + 100 } : e));
          const d = firstDivergence(
            timeline(evidence(recorded(list))),
            timeline(evidence(recorded(changed))),
            NAMES,
          );
          const target = list[at] as PlainEvent;
          const index = placeInStream(list, at);
          expect(d).toMatchObject({
            where: 'event',
            client: target.client,
            stream: target.stream,
            step: at,
            index,
            path: 'qty',
            left: { qty: target.value },
            right: { qty: target.value + 100 },
          });
          expect(d?.message).toContain(
            `${target.client} ${target.stream} #${index + 1}, from step ${at}: A sent`,
          );
        },
      ),
    );
  });

  it('finds an event one side never sent at its place, as sent by one side and nothing by the other', () => {
    fc.assert(
      fc.property(
        eventsArb.filter((l) => l.length > 0),
        fc.nat(),
        (list, pick) => {
          const at = pick % list.length;
          // Dropped from delivery, seqs kept: the venue numbered it, the client never got it.
          const full = recorded(list);
          const lossy = full.filter((_, i) => i !== at);
          const d = firstDivergence(timeline(evidence(full)), timeline(evidence(lossy)), NAMES);
          const index = placeInStream(list, at);
          if (index === 0) {
            // The stream's first event lost: the other side's places count from its next one,
            // so the streams differ somewhere (at the latest, one is an event shorter).
            expect(d).toMatchObject({ where: 'event' });
            return;
          }
          expect(d).toMatchObject({ where: 'event', index, right: undefined });
          expect(d?.message).toMatch(/, B sent nothing$/);
        },
      ),
    );
  });

  it('says how each side answered a step: status, refusal code, or the result fields that differ', () => {
    const describeStep = (step: number) => `step ${step} (taker cancel)`;
    const ok = timeline(evidence([], [{ status: 'ok', result: { status: 'cancelled' } }]));
    const refused = timeline(evidence([], [{ status: 'fail', code: 'unknown_order' }]));
    expect(firstDivergence(ok, refused, { left: 'inproc', right: 'ws', describeStep })?.message).toBe(
      'step 0 (taker cancel): inproc answered ok, ws answered fail unknown_order',
    );
    const filled = timeline(
      evidence([], [{ status: 'ok', result: { status: 'filled', orderId: 'O9', priority: 3 } }]),
    );
    const open = timeline(
      evidence([], [{ status: 'ok', result: { status: 'open', orderId: 'O4', priority: 1 } }]),
    );
    expect(firstDivergence(filled, open, NAMES)).toMatchObject({
      where: 'reply',
      step: 0,
      index: 0,
      path: 'status',
      left: { outcome: 'ok', result: { orderId: 'O#1', status: 'filled' } },
      right: { outcome: 'ok', result: { orderId: 'O#1', status: 'open' } },
      message: 'step 0: A answered ok (status "filled"), B answered ok (status "open")',
    });
    const none = timeline(evidence([], [{ status: 'info' }]));
    expect(firstDivergence(ok, none, NAMES)?.message).toBe('step 0: A answered ok, B answered info');
  });

  it('reports the divergence with the earliest cause: an event of step 0 before a reply of step 1', () => {
    const replies = (status: string) =>
      [
        { status: 'ok', result: 'placed' },
        { status: 'ok', result: status },
      ] as const;
    const a = timeline(
      evidence([rec(1, 'maker', 'account:maker', 1, { cash: 100 }, 0)], [...replies('open')]),
    );
    const b = timeline(
      evidence([rec(1, 'maker', 'account:maker', 1, { cash: 90 }, 0)], [...replies('rejected')]),
    );
    expect(firstDivergence(a, b, NAMES)).toMatchObject({ where: 'event', step: 0 });
    // At the same step, the reply comes first: it is nearer the cause.
    const c = timeline(
      evidence([rec(1, 'maker', 'account:maker', 1, { cash: 90 }, 1)], [...replies('open')]),
    );
    const d = timeline(
      evidence([rec(1, 'maker', 'account:maker', 1, { cash: 100 }, 1)], [...replies('rejected')]),
    );
    expect(firstDivergence(c, d, NAMES)).toMatchObject({ where: 'reply', step: 1 });
  });

  it('describes events with the describer passed in, and adds the fields it does not show', () => {
    const describeEvent = (event: unknown) => `fill ${(event as { orderId: string }).orderId}`;
    const a = timeline(evidence([rec(1, 'maker', 'account:maker', 5, { orderId: 'O1', qty: 1 }, 3)]));
    const b = timeline(evidence([rec(1, 'maker', 'account:maker', 9, { orderId: 'O7', qty: 2 }, 3)]));
    expect(firstDivergence(a, b, { left: 'inproc', right: 'ws', describeEvent })?.message).toBe(
      'maker account:maker #1, from step 3: inproc sent fill O#1 (qty 1), ws sent fill O#1 (qty 2)',
    );
    const c = timeline(
      evidence([rec(1, 'maker', 'account:maker', 1, { type: 'cancelled', orderId: 'O1' }, 3)]),
    );
    expect(
      firstDivergence(a, c, {
        left: 'inproc',
        right: 'ws',
        describeEvent: (e) => (e as { type?: string }).type ?? 'fill',
      })?.message,
    ).toBe('maker account:maker #1, from step 3: inproc sent fill, ws sent cancelled');
  });

  it('compares the final snapshots last, naming the fields that differ', () => {
    const events = [rec(1, 'maker', 'account:maker', 1, { qty: 1 }, 0)];
    const a = timeline(evidence(events, [], { time: 1, cash: [100, 50], orders: [] }));
    const b = timeline(evidence(events, [], { time: 2, cash: [100, 40], orders: [] }));
    expect(firstDivergence(a, b, NAMES)).toEqual({
      where: 'snapshot',
      index: 0,
      path: 'cash[1]',
      left: 50,
      right: 40,
      message: 'final snapshot, after every reply and event matched: differs at cash[1] (A 50, B 40)',
    });
    // One side gave no snapshot: nothing to compare.
    expect(firstDivergence(a, timeline(evidence(events)), NAMES)).toBeUndefined();
  });
});
