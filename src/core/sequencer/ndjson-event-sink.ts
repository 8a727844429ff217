import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { RecordedEvent } from '../model/evidence.ts';
import { parseRecordedEvent } from '../replay/validate-replay-file.ts';
import { ShakedownError } from '../shakedown-error.ts';

const DEFAULT_CHUNK_BYTES = 64 * 1024;

export interface NdjsonEventSinkOptions {
  /** Buffered text is written once it reaches this many characters (default 64 KiB). */
  chunkChars?: number;
}

/**
 * Writes recorded events to a file, one JSON object per line, in the order given (gseq order
 * when fed by an EventSequencer). Lines are buffered and written in chunks: one system call
 * per event would dominate a long campaign. Creates or truncates the file; `close()` flushes.
 */
export class NdjsonEventSink {
  readonly path: string;
  private readonly chunkChars: number;
  private fd: number | undefined;
  private parts: string[] = [];
  private bufferedChars = 0;
  private written = 0;

  constructor(path: string, options: NdjsonEventSinkOptions = {}) {
    this.path = path;
    this.chunkChars = options.chunkChars ?? DEFAULT_CHUNK_BYTES;
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
  }

  /** Events written so far (buffered ones included). */
  get count(): number {
    return this.written;
  }

  /** Characters waiting in memory for the next chunk write. */
  get buffered(): number {
    return this.bufferedChars;
  }

  /**
   * An arrow so it can be passed as it is: `new EventSequencer({ sink: file.write })`. `gseq`,
   * when given, is written in place of the event's own (a campaign-long renumbering).
   */
  readonly write = (event: RecordedEvent, gseq: number = event.gseq): void => {
    if (this.fd === undefined) throw new Error(`NdjsonEventSink: ${this.path} is closed`);
    const line = `${recordedEventLine(event, gseq)}\n`;
    this.parts.push(line);
    this.bufferedChars += line.length;
    this.written++;
    if (this.bufferedChars >= this.chunkChars) this.flush();
  };

  flush(): void {
    if (this.fd === undefined || this.parts.length === 0) return;
    const bytes = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.bufferedChars = 0;
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
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
 * The JSON of `orderRecordedEvent({ ...event, gseq })` (replay/replay-file.ts), built field by field: the same text
 * (keys in the documented order, undefined fields left out) without the two copies of the event.
 */
export function recordedEventLine(event: RecordedEvent, gseq: number): string {
  let line = field('', 'gseq', gseq);
  line = field(line, 'client', event.client);
  line = field(line, 'stream', event.stream);
  line = field(line, 'seq', event.seq);
  line = field(line, 'txn', event.txn);
  line = field(line, 'time', event.time);
  line = field(line, 'step', event.step);
  line = field(line, 'event', event.event);
  return `{${line}}`;
}

/** `line` with `"key":value` appended, as JSON.stringify writes a property (none when it would skip it). */
function field(line: string, key: string, value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return line;
  return line === '' ? `"${key}":${text}` : `${line},"${key}":${text}`;
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
