import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import { orderRecordedEvent } from '../../../src/core/replay/replay-file.ts';
import { recordedEventLine } from '../../../src/core/sequencer/ndjson-event-sink.ts';
import { numberedAcrossRuns } from '../../../src/core/sequencer/numbered-across-runs.ts';

/** Numbers as recorded, and the odd ones JSON has its own say about. */
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0));
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const recorded: fc.Arbitrary<RecordedEvent> = fc
  .record({
    gseq: fc.nat(),
    client: fc.string(),
    stream: fc.string(),
    seq: number,
    txn: maybe(number),
    time: number,
    step: maybe(fc.nat()),
    event: fc.jsonValue(),
    // Keys in another order, and one the record does not write, must not reach the line.
    extra: maybe(fc.string()),
  })
  .map(({ extra, ...fields }) => {
    const shuffled: Record<string, unknown> = extra === undefined ? {} : { extra };
    for (const key of Object.keys(fields).reverse()) shuffled[key] = fields[key as keyof typeof fields];
    return shuffled as unknown as RecordedEvent;
  });

describe('recordedEventLine', () => {
  it('is the JSON of the event in the documented key order, renumbered, without copying it', () => {
    fc.assert(
      fc.property(recorded, fc.nat(), (event, gseq) => {
        expect(recordedEventLine(event, gseq)).toBe(JSON.stringify(orderRecordedEvent({ ...event, gseq })));
      }),
      { numRuns: 500 },
    );
  });

  it('numberedAcrossRuns hands each event on with a gseq that rises across runs', () => {
    const seen: [number, number][] = [];
    const sink = numberedAcrossRuns((event, gseq) => seen.push([event.gseq, gseq]));
    for (const g of [1, 2, 3, 1, 2, 1]) sink({ gseq: g } as RecordedEvent);
    expect(seen).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [1, 4],
      [2, 5],
      [1, 6],
    ]);
  });
});
