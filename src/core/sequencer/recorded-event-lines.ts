import type { RecordedEvent } from '../model/evidence.ts';

/** How many recent payloads keep their JSON: a fact several clients see arrives within a few dozen events. */
const RECENT_PAYLOADS = 32;
/** Client and stream names keep their JSON up to this many; then the cache starts again. */
const MAX_QUOTED = 1024;

/**
 * Builds the NDJSON line of a recorded event: exactly the text of
 * `JSON.stringify(orderRecordedEvent({ ...event, gseq }))` (replay/replay-file.ts), the
 * documented key order with undefined fields left out, without building that object.
 *
 * The envelope is written directly: numbers as JSON writes them (`null` for NaN and the
 * infinities, `0` for -0), client and stream names quoted once and remembered. Only the
 * domain payload goes through JSON.stringify, and only once per fact: when the same payload
 * object comes back with the same stream and seq (one event seen by several clients, as the
 * admin sees every account's), its text is reused. A payload is a fact, so an object recorded
 * again under the same stream and seq is taken as unchanged. Anything the fast path does not
 * know (a field that is not a number or a string, a payload with its own `toJSON`) is written
 * by JSON.stringify of the ordered event itself.
 */
export class RecordedEventLines {
  private readonly quoted = new Map<string, string>();
  private readonly recentPayloads: unknown[] = new Array(RECENT_PAYLOADS).fill(undefined);
  private readonly recentStreams: string[] = new Array(RECENT_PAYLOADS).fill('');
  private readonly recentSeqs: number[] = new Array(RECENT_PAYLOADS).fill(0);
  private readonly recentTexts: string[] = new Array(RECENT_PAYLOADS).fill('');
  private nextRecent = 0;

  /** The event's line, without its newline, with `gseq` in place of the event's own. */
  line(event: RecordedEvent, gseq: number): string {
    const { client, stream, seq, txn, time, step } = event;
    const payload: unknown = event.event;
    if (
      typeof gseq !== 'number' ||
      typeof client !== 'string' ||
      typeof stream !== 'string' ||
      typeof seq !== 'number' ||
      typeof time !== 'number' ||
      (txn !== undefined && typeof txn !== 'number') ||
      (step !== undefined && typeof step !== 'number') ||
      !plainPayload(payload)
    ) {
      return orderedEventJson(event, gseq);
    }
    const text =
      typeof payload === 'object' && payload !== null
        ? this.payloadText(payload, stream, seq)
        : JSON.stringify(payload);
    let line = `{"gseq":${jsonNumber(gseq)},"client":${this.quote(client)},"stream":${this.quote(stream)},"seq":${jsonNumber(seq)}`;
    if (txn !== undefined) line += `,"txn":${jsonNumber(txn)}`;
    line += `,"time":${jsonNumber(time)}`;
    if (step !== undefined) line += `,"step":${jsonNumber(step)}`;
    return text === undefined ? `${line}}` : `${line},"event":${text}}`;
  }

  private quote(name: string): string {
    let text = this.quoted.get(name);
    if (text === undefined) {
      if (this.quoted.size >= MAX_QUOTED) this.quoted.clear();
      text = JSON.stringify(name);
      this.quoted.set(name, text);
    }
    return text;
  }

  private payloadText(payload: object, stream: string, seq: number): string {
    const payloads = this.recentPayloads;
    for (let i = 0; i < RECENT_PAYLOADS; i++) {
      if (payloads[i] === payload && this.recentSeqs[i] === seq && this.recentStreams[i] === stream) {
        return this.recentTexts[i];
      }
    }
    // An object always has a JSON text unless it is a function (not `typeof 'object'`).
    const text = JSON.stringify(payload);
    const slot = this.nextRecent;
    payloads[slot] = payload;
    this.recentStreams[slot] = stream;
    this.recentSeqs[slot] = seq;
    this.recentTexts[slot] = text;
    this.nextRecent = slot + 1 === RECENT_PAYLOADS ? 0 : slot + 1;
    return text;
  }
}

/**
 * One event's line without remembering anything between calls: the same text as
 * `RecordedEventLines.line`, for a single event.
 */
export function recordedEventLine(event: RecordedEvent, gseq: number): string {
  return new RecordedEventLines().line(event, gseq);
}

/** A finite number's JSON is its shortest round-trip text, as `${n}` writes it (-0 as `0`); the rest is `null`. */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? `${value}` : 'null';
}

/**
 * A payload whose JSON as a property is its JSON alone: not one with a `toJSON` of its own
 * (which JSON.stringify calls with the key, `event`) and not a bigint (JSON.stringify throws).
 */
function plainPayload(payload: unknown): boolean {
  if (typeof payload === 'bigint') return false;
  if (typeof payload !== 'object' || payload === null) return true;
  return typeof (payload as { toJSON?: unknown }).toJSON !== 'function';
}

/** The reference itself: JSON.stringify of the event with its keys in the documented order. */
function orderedEventJson(event: RecordedEvent, gseq: number): string {
  const ordered: Record<string, unknown> = {
    gseq,
    client: event.client,
    stream: event.stream,
    seq: event.seq,
  };
  if (event.txn !== undefined) ordered.txn = event.txn;
  ordered.time = event.time;
  if (event.step !== undefined) ordered.step = event.step;
  ordered.event = event.event;
  return JSON.stringify(ordered);
}
