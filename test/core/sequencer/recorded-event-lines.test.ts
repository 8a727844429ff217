import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import { orderRecordedEvent } from '../../../src/core/replay/replay-file.ts';
import { RecordedEventLines, recordedEventLine } from '../../../src/core/sequencer/recorded-event-lines.ts';

/** The documented line: JSON.stringify of the event in the documented key order, renumbered. */
const reference = (event: RecordedEvent, gseq: number): string =>
  JSON.stringify(orderRecordedEvent({ ...event, gseq }));

/** Numbers as recorded, and the odd ones JSON has its own say about. */
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e21, 5e-324, 2 ** 53),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/** Text JSON must escape: quotes, backslashes, control characters, lone surrogates, astral characters. */
const awkwardText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({
    unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u2028', '\ud800', '\udc00', '€', '😀', 'a'),
  }),
);

/** Payloads: JSON values, and what JSON.stringify treats its own way (undefined fields, -0, NaN, dates, boxed values, sparse arrays). */
const payload: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(awkwardText, fc.oneof(awkwardText, number, fc.constant(undefined), fc.jsonValue())),
  fc.anything({
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withTypedArray: true,
    withObjectString: true,
  }),
  // JSON.stringify gives a payload's toJSON its key: `event` inside the line.
  fc.constant({ toJSON: (key: string) => `toJSON got ${JSON.stringify(key)}` }),
);

/** Envelope fields as documented, and now and then something else (an adapter's mistake) the line must still write as JSON does. */
const stringField = fc.oneof({ weight: 8, arbitrary: awkwardText }, { weight: 1, arbitrary: fc.jsonValue() });
const numberField = fc.oneof({ weight: 8, arbitrary: number }, { weight: 1, arbitrary: fc.jsonValue() });

const recorded: fc.Arbitrary<RecordedEvent> = fc
  .record({
    gseq: fc.nat(),
    client: stringField,
    stream: stringField,
    seq: numberField,
    txn: maybe(numberField),
    time: numberField,
    step: maybe(fc.oneof({ weight: 8, arbitrary: fc.nat() }, { weight: 1, arbitrary: number })),
    event: payload,
    // Keys in another order, and one the record does not write, must not reach the line.
    extra: maybe(fc.string()),
  })
  .map(({ extra, ...fields }) => {
    const shuffled: Record<string, unknown> = extra === undefined ? {} : { extra };
    for (const key of Object.keys(fields).reverse()) shuffled[key] = fields[key as keyof typeof fields];
    return shuffled as unknown as RecordedEvent;
  });

describe('RecordedEventLines', () => {
  it('writes exactly JSON.stringify of the ordered event, for arbitrary envelopes and payloads', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(recorded, fc.nat())), (events) => {
        // One writer for the whole list: what it remembers between lines must never show.
        const lines = new RecordedEventLines();
        for (const [event, gseq] of events) expect(lines.line(event, gseq)).toBe(reference(event, gseq));
      }),
      { numRuns: 300 },
    );
  });

  it('recordedEventLine writes one event the same way', () => {
    fc.assert(
      fc.property(recorded, fc.nat(), (event, gseq) => {
        expect(recordedEventLine(event, gseq)).toBe(reference(event, gseq));
      }),
      { numRuns: 300 },
    );
  });

  it('reuses a payload seen by several clients, and never the text of a payload object reused for a new fact', () => {
    // A few payload objects, each standing for its current fact (stream, seq): a step either
    // records the current fact again (another client sees it) or changes the object and makes
    // it a new fact, as a target reusing its objects would.
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('again' as const),
        object: fc.nat(3),
        client: fc.constantFrom('a', 'b', 'admin'),
      }),
      fc.record({
        kind: fc.constant('new' as const),
        object: fc.nat(3),
        stream: fc.constantFrom('s', 't'),
        value: fc.jsonValue(),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const objects = [0, 1, 2, 3].map((n) => ({ n, value: null as unknown }));
        const facts = objects.map(() => ({ stream: 's', seq: 0 }));
        const seqs: Record<string, number> = { s: 0, t: 0 };
        const lines = new RecordedEventLines();
        let gseq = 0;
        for (const s of steps) {
          const object = objects[s.object];
          if (s.kind === 'new') {
            object.value = s.value;
            facts[s.object] = { stream: s.stream, seq: ++seqs[s.stream] };
          }
          const fact = facts[s.object];
          const event: RecordedEvent = {
            gseq: ++gseq,
            client: s.kind === 'again' ? s.client : 'a',
            stream: fact.stream,
            seq: fact.seq,
            time: gseq,
            event: object,
          };
          expect(lines.line(event, gseq)).toBe(reference(event, gseq));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('writes a bigint payload as JSON.stringify does: an error, or its toJSON given the key', () => {
    const event = { gseq: 1, client: 'c', stream: 's', seq: 1, time: 0, event: 7n };
    expect(() => new RecordedEventLines().line(event, 1)).toThrow(TypeError);
    const prototype = BigInt.prototype as unknown as { toJSON?: (key: string) => string };
    prototype.toJSON = function (this: bigint, key: string) {
      return `${this}n under ${JSON.stringify(key)}`;
    };
    try {
      expect(new RecordedEventLines().line(event, 1)).toBe(reference(event, 1));
    } finally {
      delete prototype.toJSON;
    }
  });

  it('writes the documented example line', () => {
    const event = {
      event: { type: 'order_accepted', orderId: 'o-1' },
      step: 0,
      time: 0,
      txn: 1,
      seq: 1,
      stream: 'account:maker',
      client: 'maker',
      gseq: 9,
    };
    expect(new RecordedEventLines().line(event, 1)).toBe(
      '{"gseq":1,"client":"maker","stream":"account:maker","seq":1,"txn":1,"time":0,"step":0,"event":{"type":"order_accepted","orderId":"o-1"}}',
    );
  });
});
