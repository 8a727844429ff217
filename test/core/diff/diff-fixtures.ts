import type { NormalizeOptions } from '../../../src/core/diff/normalized-timeline.ts';
import type { RecordedEvent, RunEvidence } from '../../../src/core/model/evidence.ts';

/** A domain-agnostic normalizer, as a pack would give one: `session:` streams are the client's own. */
export const OPTIONS: NormalizeOptions = {
  isSessionStream: (stream) => stream.startsWith('session:'),
  normalizeResult: (result) => {
    if (typeof result !== 'object' || result === null) return result;
    const { priority: _dropped, ...rest } = result as Record<string, unknown>;
    return rest;
  },
  normalizeSnapshot: (snapshot) => {
    const { time: _dropped, ...rest } = snapshot as Record<string, unknown>;
    return rest;
  },
  volatileIds: /[OT]\d+/,
};

export const NAMES = { left: 'A', right: 'B' };

export function evidence(
  events: RecordedEvent[],
  replies: ({ status: 'ok'; result: unknown } | { status: 'fail'; code: string } | { status: 'info' })[] = [],
  snapshot?: unknown,
): RunEvidence {
  return {
    actions: [],
    history: replies.map((reply, step) => ({
      step,
      client: 'maker',
      action: { kind: 'place' },
      invokedAt: step * 10,
      completedAt: step * 10 + 1,
      reply:
        reply.status === 'ok'
          ? reply
          : reply.status === 'fail'
            ? { status: 'fail', code: reply.code, message: `refused: ${reply.code}` }
            : { status: 'info', reason: 'timeout' },
    })),
    events,
    projections: {},
    snapshot,
    extra: {},
  };
}

export function rec(
  gseq: number,
  client: string,
  stream: string,
  seq: number,
  event: unknown,
  step?: number,
): RecordedEvent {
  return { gseq, client, stream, seq, time: gseq, event, ...(step === undefined ? {} : { step }) };
}

export interface PlainEvent {
  client: string;
  stream: string;
  value: number;
}

/**
 * Numbers each (client, stream) from `start`, as a venue does, and each order id from `start`
 * too: a shared venue that served runs before goes on counting both. Event i comes from step i.
 */
export function recorded(list: readonly PlainEvent[], start = 1): RecordedEvent[] {
  const next = new Map<string, number>();
  return list.map((e, i) => {
    const key = `${e.client} ${e.stream}`;
    const seq = next.get(key) ?? start;
    next.set(key, seq + 1);
    return rec(i + 1, e.client, e.stream, seq, { type: 'fill', orderId: `O${start + i}`, qty: e.value }, i);
  });
}
