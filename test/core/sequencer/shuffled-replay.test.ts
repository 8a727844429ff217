import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import { compareViews, replayShuffled, shuffleEvents } from '../../../src/core/sequencer/shuffled-replay.ts';
import { countPerStream, lastWriterWins, type SampleEvent, sampleEvents } from './sample-projections.ts';

const gseqs = (events: RecordedEvent[]) => events.map((e) => e.gseq);

/** Arbitrary recordings: up to 60 events over 3 clients and 4 streams, seqs numbered per stream. */
const recordings = fc
  .array(
    fc.record({ client: fc.constantFrom('a', 'b', 'c'), stream: fc.constantFrom('s1', 's2', 's3', 's4') }),
    {
      maxLength: 60,
    },
  )
  .map((picks) => {
    const seqs = new Map<string, number>();
    return picks.map(({ client, stream }, i): RecordedEvent<SampleEvent> => {
      const key = `${client}|${stream}`;
      const seq = (seqs.get(key) ?? 0) + 1;
      seqs.set(key, seq);
      return { gseq: i + 1, client, stream, seq, time: i, event: { value: i } };
    });
  });

describe('shuffleEvents', () => {
  const events = sampleEvents(200, ['maker', 'taker'], ['s1', 's2', 's3']);

  it('gives the same order for the same seed, and usually another for another seed', () => {
    for (const mode of ['interleave', 'all'] as const) {
      expect(gseqs(shuffleEvents(events, { seed: 7, mode }))).toEqual(
        gseqs(shuffleEvents(events, { seed: 7, mode })),
      );
      const orders = new Set(
        [1, 2, 3, 4, 5].map((seed) => gseqs(shuffleEvents(events, { seed, mode })).join()),
      );
      expect(orders.size).toBe(5);
      expect(orders.has(gseqs(events).join())).toBe(false);
    }
  });

  it('defaults to interleave', () => {
    expect(shuffleEvents(events, { seed: 3 })).toEqual(
      shuffleEvents(events, { seed: 3, mode: 'interleave' }),
    );
  });

  it("interleave keeps every (client, stream)'s own order, and never moves an event to another client's slot", () => {
    fc.assert(
      fc.property(recordings, fc.integer(), (recorded, seed) => {
        const shuffled = shuffleEvents(recorded, { seed, mode: 'interleave' });
        expect([...gseqs(shuffled)].sort((x, y) => x - y)).toEqual(gseqs(recorded));
        shuffled.forEach((event, i) => {
          expect(event.client).toBe(recorded[i].client);
        });
        const last = new Map<string, number>();
        for (const event of shuffled) {
          const key = `${event.client}|${event.stream}`;
          expect(event.seq).toBe((last.get(key) ?? 0) + 1);
          last.set(key, event.seq);
        }
      }),
    );
  });

  it("'all' is a permutation of each client's events", () => {
    fc.assert(
      fc.property(recordings, fc.integer(), (recorded, seed) => {
        const shuffled = shuffleEvents(recorded, { seed, mode: 'all' });
        expect(shuffled).toHaveLength(recorded.length);
        expect(new Set(shuffled).size).toBe(recorded.length);
        expect([...gseqs(shuffled)].sort((x, y) => x - y)).toEqual(gseqs(recorded));
        shuffled.forEach((event, i) => {
          expect(event.client).toBe(recorded[i].client);
        });
      }),
    );
  });

  it("'all' does break a stream's own order", () => {
    const one = sampleEvents(50, ['maker'], ['s']);
    const seqs = shuffleEvents(one, { seed: 1, mode: 'all' }).map((e) => e.seq);
    expect(seqs).not.toEqual([...seqs].sort((x, y) => x - y));
  });

  it('does not change its input', () => {
    const copy = structuredClone(events);
    shuffleEvents(events, { seed: 9, mode: 'all' });
    expect(events).toEqual(copy);
  });
});

describe('replayShuffled / compareViews', () => {
  const events = sampleEvents(40, ['maker', 'taker'], ['s1', 's2']);

  it('folds the shuffled events into fresh views', () => {
    const views = replayShuffled(events, countPerStream, { seed: 4, mode: 'all', clients: ['admin'] });
    expect(views).toEqual({
      admin: { counts: {} },
      maker: { counts: { s1: 10, s2: 10 } },
      taker: { counts: { s1: 10, s2: 10 } },
    });
  });

  it('names differing paths through normalize, deterministically and at most maxDifferences', () => {
    const a = { maker: new Map([['s1', 1]]), taker: new Map([['odd key', 1]]) };
    const b = { maker: new Map([['s1', 2]]), taker: new Map([['odd key', 1]]), admin: new Map() };
    expect(compareViews(a, b, lastWriterWins)).toEqual([
      { client: 'maker', path: 'last.s1', ordered: 1, shuffled: 2 },
      { client: 'admin', path: '', ordered: undefined, shuffled: { last: {} } },
    ]);
    expect(compareViews(a, b, lastWriterWins, { maxDifferences: 1 })).toHaveLength(1);
  });

  it('walks arrays, sets and keys that are not identifiers', () => {
    const a = { c: { list: [1, 2, 3], tags: new Set(['x', 'y']), 'BTC-USD': { bids: [5] } } };
    const b = { c: { list: [1, 9], tags: new Set(['y', 'x']), 'BTC-USD': { bids: [6] } } };
    expect(compareViews(a, b, {}).map((d) => d.path)).toEqual(['["BTC-USD"].bids[0]', 'list[1]', 'list[2]']);
    expect(compareViews(a, a, {})).toEqual([]);
  });
});
