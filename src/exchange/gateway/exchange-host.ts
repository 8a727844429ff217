import {
  DEFAULT_RESUME_BUFFER,
  DEFAULT_RESUME_BUFFER_BYTES,
  type ExchangeConfig,
} from '../../domains/trading/protocol/exchange-config.ts';
import type { EventEnvelope } from '../../domains/trading/protocol/exchange-event.ts';
import type { ExchangeInput } from '../../domains/trading/protocol/exchange-input.ts';
import type { ExchangeSnapshot } from '../../domains/trading/protocol/exchange-snapshot.ts';
import type { EventMessage, ServerMessage } from '../../domains/trading/protocol/protocol-messages.ts';
import type { BugName } from '../bugs/planted-bugs.ts';
import { Engine } from '../engine/engine.ts';
import type { EngineOutput, EngineResponse } from '../engine/exchange-output.ts';
import type { JournalEntry, JournalSink } from '../journal/journal-entry.ts';
import { ReplayBuffer, type ReplayResult } from './replay-buffer.ts';
import { Session, type SessionErrorHandler } from './session.ts';

export { DEFAULT_RESUME_BUFFER };

/** Planted bug `ack_before_journal`: held journal appends are written once this many wait. */
const ACK_BEFORE_JOURNAL_BATCH = 4;

export interface ExchangeHostOptions {
  config: ExchangeConfig;
  bugs?: Iterable<BugName>;
  /** The only source of time: wall clock in the server, virtual time in tests and simulations. */
  clock: () => number;
  journal?: JournalSink;
  /** Journaled inputs to re-apply, with their recorded times, before anything else. */
  recover?: readonly JournalEntry[];
  /** Events kept per stream for `resume`; config.resumeBuffer without it. */
  resumeBuffer?: number;
}

/**
 * What the host holds besides the engine, counted: each is bounded by the config (see
 * docs/exchange.md, "Memory limits") or by the number of streams and connections.
 */
export interface HostRetained {
  /** Events kept for resume, over all streams (each stream at most config.resumeBuffer). */
  replayEvents: number;
  /** Their estimated bytes (each stream at most config.resumeBufferBytes). */
  replayBytes: number;
  /** Streams with a replay buffer: at most one per stream of the config. */
  replayStreams: number;
  /** Connected sessions (the server closes any beyond config.maxConnections). */
  sessions: number;
  /** Subscriptions, over all streams and sessions. */
  subscriptions: number;
  /** Remembered last fills (one per account stream at most). */
  lastFills: number;
}

export type SubmitOutcome =
  | { kind: 'applied'; response: EngineResponse; txn: number }
  /** The input was not taken: the journal failed earlier or now, or the host is closed. */
  | { kind: 'unavailable'; message: string };

const EMPTY_BUFFER = new ReplayBuffer(0);

/**
 * What the host keeps for one stream, found with one lookup per event: its replay buffer (made at
 * its first event), its subscribers (made at the first subscription), the events the host
 * injected on it, and for an account stream its last fill.
 */
interface StreamSlot {
  buffer: ReplayBuffer | undefined;
  subscribers: Set<Session> | undefined;
  injected: number;
  lastFill: EventMessage | undefined;
  /** Whether it is an account stream (`account:...`), the only kind whose last fill is kept. */
  readonly account: boolean;
}

/**
 * Owns one engine and everything around it that is not a socket: the journal, the replay
 * buffers, and the sessions with their subscriptions. Deterministic given the clock.
 *
 * Sequence numbers on the wire are the engine's plus a per-stream count of events the host
 * itself injected (only the planted bug `duplicate_fill_on_resync` injects any). An injected
 * event takes the next number, and every later engine event on that stream is shifted by one,
 * so the stream stays gapless while the duplicate consumes a seq, as a real resend bug would.
 * The counts are not journaled: after a restart the wire numbering is the engine's again.
 */
export class ExchangeHost {
  readonly config: ExchangeConfig;
  private readonly core: Engine;
  private readonly clock: () => number;
  private readonly journal: JournalSink | undefined;
  private readonly bufferSize: number;
  private readonly bufferBytes: number;
  /** Per stream: replay buffer, subscribers, injected count, last fill. */
  private readonly streams = new Map<string, StreamSlot>();
  private readonly sessions = new Set<Session>();
  /** Whether the host ever injected an event (then wire seqs may differ from the engine's). */
  private injectedAny = false;
  /** Planted bug `ack_before_journal`: inputs applied and acknowledged but not yet journaled. */
  private readonly unjournaled: { time: number; input: ExchangeInput }[] = [];
  private readonly ackBeforeJournal: boolean;
  private journalFailed = false;
  private lastTime = Number.NEGATIVE_INFINITY;
  private stopped: string | undefined;
  private closed = false;

  constructor(options: ExchangeHostOptions) {
    this.config = options.config;
    this.clock = options.clock;
    this.journal = options.journal;
    this.bufferSize = options.resumeBuffer ?? options.config.resumeBuffer ?? DEFAULT_RESUME_BUFFER;
    this.bufferBytes = options.config.resumeBufferBytes ?? DEFAULT_RESUME_BUFFER_BYTES;
    this.core = new Engine({ config: options.config, bugs: options.bugs, wireEvents: true });
    this.ackBeforeJournal = this.core.hasBug('ack_before_journal');
    for (const entry of options.recover ?? []) {
      const out = this.core.apply(entry.input, entry.time);
      this.lastTime = Math.max(this.lastTime, entry.time);
      // Recovered events are buffered (so clients can resume across a restart) but not sent.
      for (const envelope of out.events) this.emit(envelope, false);
    }
  }

  get engine(): Engine {
    return this.core;
  }

  hasBug(name: BugName): boolean {
    return this.core.hasBug(name);
  }

  /** The clock, never going backwards: event times follow txn order even if the wall clock steps back. */
  now(): number {
    const time = this.clock();
    if (time > this.lastTime) this.lastTime = time;
    return this.lastTime;
  }

  connect(deliver: (message: ServerMessage) => void, onError?: SessionErrorHandler): Session {
    const session = new Session(this, deliver, onError);
    this.sessions.add(session);
    return session;
  }

  /** Called by a session when it closes. */
  disconnect(session: Session): void {
    this.sessions.delete(session);
    for (const slot of this.streams.values()) slot.subscribers?.delete(session);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Counts of what the host retains, for tests and diagnostics; the engine has its own. */
  retained(): HostRetained {
    let replayEvents = 0;
    let replayBytes = 0;
    let replayStreams = 0;
    let subscriptions = 0;
    let lastFills = 0;
    for (const slot of this.streams.values()) {
      if (slot.buffer !== undefined) {
        replayStreams++;
        replayEvents += slot.buffer.size;
        replayBytes += slot.buffer.bytes;
      }
      subscriptions += slot.subscribers?.size ?? 0;
      if (slot.lastFill !== undefined) lastFills++;
    }
    return {
      replayEvents,
      replayBytes,
      replayStreams,
      sessions: this.sessions.size,
      subscriptions,
      lastFills,
    };
  }

  /**
   * The one way an input reaches the engine. Order matters: apply, then journal, then send the
   * events, and only then may the caller answer. So nothing is seen before it is journaled.
   */
  submit(input: ExchangeInput): SubmitOutcome {
    const output = this.applyInput(input);
    return typeof output === 'string'
      ? { kind: 'unavailable', message: output }
      : { kind: 'applied', response: output.response, txn: output.txn };
  }

  /**
   * submit for a session, which reads the engine's output as it is: that output once its events
   * are sent, or why the input was not taken (the `unavailable` message).
   */
  applyInput(input: ExchangeInput): EngineOutput | string {
    if (this.stopped !== undefined) return this.stopped;
    const time = this.now();
    const out = this.core.apply(input, time);
    const skipJournal = input.op === 'cancel_all' && this.core.hasBug('journal_skips_cancel_all');
    if (out.txn > 0 && this.journal !== undefined && !skipJournal) {
      if (this.ackBeforeJournal) {
        // Planted bug `ack_before_journal`: the append is held back (the effects below go out
        // anyway) until a batch is full, so a SIGKILL in between loses acknowledged inputs.
        this.unjournaled.push({ time, input });
        if (this.unjournaled.length >= ACK_BEFORE_JOURNAL_BATCH && !this.writeJournal()) {
          return this.stopped ?? 'journal write failed';
        }
      } else if (!this.append(time, input)) {
        return this.stopped ?? 'journal write failed';
      }
    }
    for (const envelope of out.events) this.emit(envelope, true);
    return out;
  }

  subscribe(session: Session, stream: string): void {
    const slot = this.slot(stream);
    slot.subscribers ??= new Set();
    slot.subscribers.add(session);
  }

  unsubscribe(session: Session, stream: string): void {
    this.streams.get(stream)?.subscribers?.delete(session);
  }

  /** The last seq sent on a stream (0 if none). */
  lastSeq(stream: string): number {
    const seq = this.core.lastSeq(stream);
    return this.injectedAny ? seq + (this.streams.get(stream)?.injected ?? 0) : seq;
  }

  /** The buffered events after `lastSeen`, or why they cannot be had. */
  replay(stream: string, lastSeen: number): ReplayResult {
    return (this.streams.get(stream)?.buffer ?? EMPTY_BUFFER).after(lastSeen, this.lastSeq(stream));
  }

  /**
   * Planted bug `duplicate_fill_on_resync`: sends the stream's last fill again under the next
   * seq, to every subscriber. Returns whether there was a fill to repeat.
   */
  repeatLastFill(stream: string): boolean {
    const slot = this.streams.get(stream);
    const fill = slot?.lastFill;
    if (slot === undefined || fill === undefined) return false;
    const seq = this.lastSeq(stream) + 1;
    slot.injected++;
    this.injectedAny = true;
    this.publish({ ...fill, seq }, slot);
    return true;
  }

  /**
   * Writes any journal appends still held back (only the planted bug `ack_before_journal`
   * holds any), so the journal matches the engine again. False if the write failed.
   */
  flushJournal(): boolean {
    return this.writeJournal();
  }

  /**
   * The engine's snapshot, with stream seqs as the wire numbers them. Held journal appends
   * are written first, so a state read from outside is also the journal's state.
   */
  snapshot(): ExchangeSnapshot {
    this.writeJournal();
    const snapshot = this.core.snapshot();
    const streams: Record<string, number> = {};
    for (const [stream, seq] of Object.entries(snapshot.streams)) {
      streams[stream] = seq + (this.streams.get(stream)?.injected ?? 0);
    }
    return { ...snapshot, streams };
  }

  /** Closes the journal; later inputs get `unavailable`. Sessions are the server's to drop. */
  close(): void {
    if (this.closed) return;
    // A clean shutdown writes what was held back; only a kill loses it.
    this.writeJournal();
    this.closed = true;
    this.stopped ??= 'the exchange is shutting down';
    this.journal?.close();
  }

  /**
   * Appends the inputs waiting in `unjournaled`, in order. On failure the engine already
   * holds inputs the journal lacks: stop taking inputs rather than diverge.
   */
  private writeJournal(): boolean {
    let written = 0;
    for (const { time, input } of this.unjournaled) {
      if (!this.append(time, input)) break;
      written++;
    }
    this.unjournaled.splice(0, written);
    return this.unjournaled.length === 0;
  }

  /** One journal append. A failure stops the host for good, and nothing is appended after it. */
  private append(time: number, input: ExchangeInput): boolean {
    if (this.journal === undefined || this.journalFailed) return false;
    try {
      this.journal.append(time, input);
      return true;
    } catch (error) {
      // The engine already holds an input the journal lacks: stop taking inputs rather than diverge.
      this.journalFailed = true;
      const reason = error instanceof Error ? error.message : String(error);
      this.stopped = `journal write failed (${reason}); the exchange takes no more inputs`;
      return false;
    }
  }

  /** The stream's slot, made on first use. */
  private slot(stream: string): StreamSlot {
    let slot = this.streams.get(stream);
    if (slot === undefined) {
      slot = {
        buffer: undefined,
        subscribers: undefined,
        injected: 0,
        lastFill: undefined,
        account: stream.startsWith('account:'),
      };
      this.streams.set(stream, slot);
    }
    return slot;
  }

  /**
   * An engine event as sent: the engine built it as the wire's message (wireEvents), which goes
   * out as it is unless the host injected events on its stream (then a copy, its seq shifted).
   */
  private toWire(envelope: EventEnvelope, slot: StreamSlot): EventMessage {
    const shift = slot.injected;
    if (shift === 0) return envelope as EventMessage;
    return {
      type: 'event',
      stream: envelope.stream,
      seq: envelope.seq + shift,
      txn: envelope.txn,
      time: envelope.time,
      event: envelope.event,
    };
  }

  /** An engine event: kept for resume and, unless recovering, sent to the stream's subscribers. */
  private emit(envelope: EventEnvelope, send: boolean): void {
    const slot = this.slot(envelope.stream);
    const message = this.toWire(envelope, slot);
    if (send) this.publish(message, slot);
    else this.record(message, slot);
  }

  private record(message: EventMessage, slot: StreamSlot): void {
    slot.buffer ??= new ReplayBuffer(this.bufferSize, this.bufferBytes);
    slot.buffer.push(message);
    if (slot.account && message.event.type === 'fill') slot.lastFill = message;
  }

  private publish(message: EventMessage, slot: StreamSlot): void {
    this.record(message, slot);
    const set = slot.subscribers;
    if (set === undefined) return;
    for (const session of set) session.send(message);
  }
}
