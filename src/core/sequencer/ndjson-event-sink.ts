import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { RecordedEvent } from '../model/evidence.ts';
import { parseRecordedEvent } from '../replay/validate-replay-file.ts';
import { ShakedownError } from '../shakedown-error.ts';
import { RecordedEventLines } from './recorded-event-lines.ts';

const DEFAULT_CHUNK_CHARS = 64 * 1024;
const utf8 = new TextEncoder();

export interface NdjsonEventSinkOptions {
  /** Buffered text is written once it reaches this many characters (default 64 Ki). */
  chunkChars?: number;
}

/**
 * Writes recorded events to a file, one JSON object per line, in the order given (gseq order
 * when fed by an EventSequencer); the lines are those of RecordedEventLines. Lines are
 * appended to one pending string (a rope: no copy per line) and written in chunks, each
 * encoded once into a buffer allocated once: one system call per event would dominate a long
 * campaign. Creates or truncates the file; `close()` flushes.
 */
export class NdjsonEventSink {
  readonly path: string;
  private readonly chunkChars: number;
  private fd: number | undefined;
  private readonly lines = new RecordedEventLines();
  private pending = '';
  /** Where a chunk is encoded: UTF-8 takes at most 3 bytes per UTF-16 code unit; grown for an outsized line. */
  private bytes: Uint8Array;
  private written = 0;

  constructor(path: string, options: NdjsonEventSinkOptions = {}) {
    this.path = path;
    this.chunkChars = options.chunkChars ?? DEFAULT_CHUNK_CHARS;
    this.bytes = new Uint8Array((this.chunkChars + 4096) * 3);
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
  }

  /** Events written so far (buffered ones included). */
  get count(): number {
    return this.written;
  }

  /** Characters waiting in memory for the next chunk write. */
  get buffered(): number {
    return this.pending.length;
  }

  /**
   * An arrow so it can be passed as it is: `new EventSequencer({ sink: file.write })`. `gseq`,
   * when given, is written in place of the event's own (a campaign-long renumbering).
   */
  readonly write = (event: RecordedEvent, gseq: number = event.gseq): void => {
    if (this.fd === undefined) throw new Error(`NdjsonEventSink: ${this.path} is closed`);
    this.pending += `${this.lines.line(event, gseq)}\n`;
    this.written++;
    if (this.pending.length >= this.chunkChars) this.flush();
  };

  flush(): void {
    if (this.fd === undefined || this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    if (text.length * 3 > this.bytes.length) this.bytes = new Uint8Array(text.length * 3);
    // Every line is whole JSON (lone surrogates escaped), so the encoding is exact.
    const size = utf8.encodeInto(text, this.bytes).written;
    let done = 0;
    while (done < size) done += writeSync(this.fd, this.bytes, done, size - done);
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/**
 * Reads an NDJSON event record line by line, so files far larger than memory replay fine.
 * Each line is checked like an event of a replay file and gseq must increase; a bad line is
 * named (`events.ndjson:12: seq must be a number, got "3"`, exit 2). Blank lines are skipped.
 */
export async function* readNdjsonEvents(path: string): AsyncGenerator<RecordedEvent> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split(',')[0];
    throw new ShakedownError('SHK_REPLAY_UNREADABLE', `${path}: cannot read the event record (${reason})`, {
      exitCode: 2,
      context: { file: path },
    });
  }
  const input = handle.createReadStream({ encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    let lineNo = 0;
    let lastGseq = 0;
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (error) {
        const source = `${path}:${lineNo}`;
        const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
        throw new ShakedownError('SHK_REPLAY_INVALID', `${source}: not JSON (${reason})`, {
          exitCode: 2,
          context: { file: path, line: lineNo },
        });
      }
      // A well-formed line is taken as parsed; only a bad one goes through the checker, whose
      // job is then to name exactly what is wrong. Most of a big replay is this loop.
      const event = isWellFormed(raw) ? raw : parseRecordedEvent(raw, `${path}:${lineNo}`, '');
      if (event.gseq <= lastGseq) {
        const source = `${path}:${lineNo}`;
        throw new ShakedownError(
          'SHK_REPLAY_INVALID',
          `${source}: gseq must be greater than the previous line's (${lastGseq}), got ${event.gseq}`,
          { exitCode: 2, context: { file: path, line: lineNo, field: 'gseq' } },
        );
      }
      lastGseq = event.gseq;
      yield event;
    }
  } finally {
    lines.close();
    input.destroy();
    await handle.close().catch(() => undefined);
  }
}

/** The shape parseRecordedEvent accepts, checked without allocating. */
function isWellFormed(raw: unknown): raw is RecordedEvent {
  if (typeof raw !== 'object' || raw === null) return false;
  const r = raw as Record<string, unknown>;
  return (
    typeof r.gseq === 'number' &&
    Number.isInteger(r.gseq) &&
    r.gseq > 0 &&
    typeof r.client === 'string' &&
    r.client !== '' &&
    typeof r.stream === 'string' &&
    r.stream !== '' &&
    typeof r.seq === 'number' &&
    typeof r.time === 'number' &&
    typeof r.event === 'object' &&
    r.event !== null &&
    !Array.isArray(r.event) &&
    (r.txn === undefined || typeof r.txn === 'number') &&
    (r.step === undefined || (typeof r.step === 'number' && Number.isInteger(r.step) && r.step >= 0))
  );
}
