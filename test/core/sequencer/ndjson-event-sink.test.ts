import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import { orderRecordedEvent } from '../../../src/core/replay/replay-file.ts';
import { EventSequencer } from '../../../src/core/sequencer/event-sequencer.ts';
import { NdjsonEventSink, readNdjsonEvents } from '../../../src/core/sequencer/ndjson-event-sink.ts';
import { isShakedownError, type ShakedownError } from '../../../src/core/shakedown-error.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shakedown-ndjson-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function readAll(path: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of readNdjsonEvents(path)) events.push(event);
  return events;
}

async function readError(path: string): Promise<ShakedownError> {
  try {
    await readAll(path);
  } catch (error) {
    if (isShakedownError(error)) return error;
    throw error;
  }
  throw new Error('expected the event record to be refused');
}

describe('NdjsonEventSink / readNdjsonEvents', () => {
  it('writes one event per line with the envelope keys in the documented order', async () => {
    const path = join(dir, 'sub', 'events.ndjson');
    const sink = new NdjsonEventSink(path);
    const event = {
      event: { type: 'x' },
      step: 2,
      time: 5,
      txn: 9,
      seq: 1,
      stream: 's',
      client: 'c',
      gseq: 1,
    };
    sink.write(event);
    sink.close();
    expect(readFileSync(path, 'utf8')).toBe(
      '{"gseq":1,"client":"c","stream":"s","seq":1,"txn":9,"time":5,"step":2,"event":{"type":"x"}}\n',
    );
    expect(await readAll(path)).toEqual([event]);
  });

  it('round-trips 100k events streamed from a sequencer, buffering at most one chunk', async () => {
    const path = join(dir, 'events.ndjson');
    const sink = new NdjsonEventSink(path);
    let maxBuffered = 0;
    const sequencer = new EventSequencer({
      retain: false,
      sink: (e) => {
        sink.write(e);
        maxBuffered = Math.max(maxBuffered, sink.buffered);
      },
    });
    const total = 100_000;
    for (let i = 0; i < total; i++) {
      sequencer.record(i % 2 === 0 ? 'maker' : 'taker', {
        stream: `s${i % 7}`,
        seq: i,
        txn: i,
        time: i,
        event: { n: i },
      });
      sequencer.attributeStep(i, i >> 4);
    }
    sequencer.finish();
    sink.close();
    expect(sink.count).toBe(total);
    expect(maxBuffered).toBeLessThan(64 * 1024);

    let count = 0;
    for await (const event of readNdjsonEvents(path)) {
      count++;
      if (
        event.gseq !== count ||
        event.step !== (count - 1) >> 4 ||
        (event.event as { n: number }).n !== count - 1
      ) {
        throw new Error(`line ${count} read back as ${JSON.stringify(event)}`);
      }
    }
    expect(count).toBe(total);
  });

  it('writes exactly the documented lines, whatever the chunk size, multi-byte text and outsized lines included', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '"', '\n', '\u0000', '€', '😀', '\ud800', 'ß') });
    const event = fc.record({
      client: text,
      stream: text,
      seq: fc.nat(),
      txn: fc.option(fc.nat(), { nil: undefined }),
      time: fc.double(),
      step: fc.option(fc.nat(), { nil: undefined }),
      event: fc.oneof(
        fc.jsonValue(),
        fc.record({ note: fc.string({ unit: 'binary', minLength: 7000, maxLength: 8000 }) }),
      ),
    });
    let file = 0;
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 30 }),
        fc.integer({ min: 1, max: 2048 }),
        (fields, chunkChars) => {
          const path = join(dir, `chunks-${file++}.ndjson`);
          const sink = new NdjsonEventSink(path, { chunkChars });
          let expected = '';
          fields.forEach((f, i) => {
            const recorded = { gseq: i + 1, ...f } as RecordedEvent;
            sink.write(recorded, i + 101);
            expected += `${JSON.stringify(orderRecordedEvent({ ...recorded, gseq: i + 101 }))}\n`;
            expect(sink.buffered).toBeLessThan(chunkChars);
          });
          sink.close();
          expect(readFileSync(path, 'utf8')).toBe(expected);
          expect(readFileSync(path).equals(Buffer.from(expected, 'utf8'))).toBe(true);
          rmSync(path);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('names the bad line', async () => {
    const path = join(dir, 'bad.ndjson');
    const good = (gseq: number) =>
      JSON.stringify({ gseq, client: 'c', stream: 's', seq: gseq, time: 0, event: {} });
    writeFileSync(
      path,
      `${good(1)}\n\n${JSON.stringify({ gseq: 2, client: 'c', stream: 's', seq: '2', time: 0, event: {} })}\n`,
    );
    let error = await readError(path);
    expect(error.message).toBe(`${path}:3: seq must be a number, got "2"`);
    expect(error.exitCode).toBe(2);

    writeFileSync(path, `${good(1)}\n{"gseq":2,\n`);
    error = await readError(path);
    expect(error.message.startsWith(`${path}:2: not JSON (`)).toBe(true);

    writeFileSync(path, `${good(2)}\n${good(1)}\n`);
    error = await readError(path);
    expect(error.message).toBe(`${path}:2: gseq must be greater than the previous line's (2), got 1`);
  });

  it('refuses a missing file with exit 2', async () => {
    const error = await readError(join(dir, 'nope.ndjson'));
    expect(error.code).toBe('SHK_REPLAY_UNREADABLE');
    expect(error.exitCode).toBe(2);
  });
});
