import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstDivergence } from '../../../src/core/diff/first-divergence.ts';
import { normalizeTimeline } from '../../../src/core/diff/normalized-timeline.ts';
import type { RecordedEvent, RunEvidence } from '../../../src/core/model/evidence.ts';
import { TRADING_DIFF_NORMALIZER } from '../../../src/domains/trading/diff/trading-diff-normalizer.ts';

const evidence = (events: RecordedEvent[], replies: unknown[] = []): RunEvidence => ({
  actions: [],
  history: replies.map((result, step) => ({
    step,
    client: 'maker',
    action: { kind: 'place' },
    invokedAt: 0,
    completedAt: 1,
    reply: { status: 'ok', result },
  })),
  events,
  projections: {},
  snapshot: undefined,
  extra: {},
});

const rec = (gseq: number, client: string, stream: string, seq: number, event: unknown): RecordedEvent => ({
  gseq,
  client,
  stream,
  seq,
  time: gseq,
  event,
});

const names = { left: 'A', right: 'B' };

const eventsArb = fc.array(
  fc.record({
    client: fc.constantFrom('maker', 'taker'),
    stream: fc.constantFrom('account:maker', 'market:X'),
    value: fc.nat(5),
  }),
  { maxLength: 30 },
);

/** Numbers each (client, stream) from `start`, as a venue does. */
function recorded(list: { client: string; stream: string; value: number }[], start = 1): RecordedEvent[] {
  const next = new Map<string, number>();
  return list.map((e, i) => {
    const key = `${e.client} ${e.stream}`;
    const seq = next.get(key) ?? start;
    next.set(key, seq + 1);
    return rec(i + 1, e.client, e.stream, seq, {
      type: 'fill',
      orderId: `O${e.value + start}`,
      qty: e.value,
    });
  });
}

describe('differential timelines', () => {
  it('a run never diverges from itself, nor from a shared venue that numbered from further on', () => {
    fc.assert(
      fc.property(eventsArb, fc.integer({ min: 1, max: 5000 }), (list, start) => {
        const a = normalizeTimeline(evidence(recorded(list)), TRADING_DIFF_NORMALIZER);
        const b = normalizeTimeline(evidence(recorded(list, start)), TRADING_DIFF_NORMALIZER);
        expect(firstDivergence(a, b, names)).toBeUndefined();
      }),
    );
  });

  it('finds a single changed event at its place, naming client, stream and both payloads', () => {
    fc.assert(
      fc.property(
        eventsArb.filter((l) => l.length > 0),
        fc.nat(),
        (list, pick) => {
          const at = pick % list.length;
          const changed = list.map((e, i) => (i === at ? { ...e, value: e.value + 100 } : e));
          const d = firstDivergence(
            normalizeTimeline(evidence(recorded(list)), TRADING_DIFF_NORMALIZER),
            normalizeTimeline(evidence(recorded(changed)), TRADING_DIFF_NORMALIZER),
            names,
          );
          const target = list[at] as { client: string; stream: string };
          expect(d).toMatchObject({ where: 'event', client: target.client, stream: target.stream });
          expect(d?.message).toContain(`${target.client} ${target.stream}#`);
        },
      ),
    );
  });

  it('an event delivered twice (a resume) counts once; session streams are not compared', () => {
    const once = [rec(1, 'maker', 'account:maker', 1, { type: 'fill' })];
    const twice = [
      ...once,
      rec(2, 'maker', 'account:maker', 1, { type: 'fill' }),
      rec(3, 'maker', 'session:maker', 1, { type: 'session_resumed' }),
    ];
    expect(
      firstDivergence(
        normalizeTimeline(evidence(once), TRADING_DIFF_NORMALIZER),
        normalizeTimeline(evidence(twice), TRADING_DIFF_NORMALIZER),
        names,
      ),
    ).toBeUndefined();
  });

  it('compares replies first, ignoring ids, seqs and priorities a long-lived venue counts on', () => {
    const left = normalizeTimeline(
      evidence([], [{ order: { orderId: 'O1', status: 'open', priority: 2 }, seqs: { a: 1 } }]),
      TRADING_DIFF_NORMALIZER,
    );
    const same = normalizeTimeline(
      evidence([], [{ order: { orderId: 'O77', status: 'open', priority: 900 }, seqs: { a: 50 } }]),
      TRADING_DIFF_NORMALIZER,
    );
    const other = normalizeTimeline(
      evidence([], [{ order: { orderId: 'O77', status: 'filled' } }]),
      TRADING_DIFF_NORMALIZER,
    );
    expect(firstDivergence(left, same, names)).toBeUndefined();
    const d = firstDivergence(left, other, { ...names, describeStep: (i) => `step ${i} (maker place)` });
    expect(d).toMatchObject({ where: 'reply', step: 0 });
    expect(d?.message).toMatch(/^step 0 \(maker place\): A answered ok .*"open".*, B answered ok .*"filled"/);
  });
});
