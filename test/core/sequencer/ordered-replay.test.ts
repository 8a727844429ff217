import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import type { Projection } from '../../../src/core/model/projection.ts';
import { replayOrdered } from '../../../src/core/sequencer/ordered-replay.ts';
import { countPerStream, type SampleEvent, sampleEvents } from './sample-projections.ts';

/** Records the gseq of every event it folds, in fold order. */
const trail: Projection<SampleEvent, { client: string; gseqs: number[] }> = {
  name: 'trail',
  init: (client) => ({ client, gseqs: [] }),
  apply: (view, event) => ({ ...view, gseqs: [...view.gseqs, event.gseq] }),
};

describe('replayOrdered', () => {
  it("folds each client's own events, in gseq order, into a fresh view per client", () => {
    const events = sampleEvents(6, ['maker', 'taker'], ['s']);
    const shuffledInput: RecordedEvent<SampleEvent>[] = [
      events[3],
      events[0],
      events[5],
      events[1],
      events[4],
      events[2],
    ];
    expect(replayOrdered(shuffledInput, trail)).toEqual({
      taker: { client: 'taker', gseqs: [2, 4, 6] },
      maker: { client: 'maker', gseqs: [1, 3, 5] },
    });
  });

  it('gives listed clients a view even without events, and lists them first', () => {
    const views = replayOrdered(sampleEvents(2, ['taker'], ['s']), countPerStream, [
      'admin',
      'maker',
      'taker',
    ]);
    expect(Object.keys(views)).toEqual(['admin', 'maker', 'taker']);
    expect(views.admin).toEqual({ counts: {} });
    expect(views.taker).toEqual({ counts: { s: 2 } });
  });

  it('keeps a client named like an Object.prototype key as a plain view', () => {
    const views = replayOrdered(sampleEvents(1, ['__proto__'], ['s']), countPerStream);
    expect(Object.hasOwn(views, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(views)).toBe(Object.prototype);
  });
});
