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
import type { EngineResponse } from '../engine/exchange-output.ts';
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
  private readonly buffers = new Map<string, ReplayBuffer>();
  private readonly subscribers = new Map<string, Set<Session>>();
  private readonly sessions = new Set<Session>();
  private readonly injected = new Map<string, number>();
  private readonly lastFills = new Map<string, EventMessage>();
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
    this.core = new Engine({ config: options.config, bugs: options.bugs });
    this.ackBeforeJournal = this.core.hasBug('ack_before_journal');
    for (const entry of options.recover ?? []) {
      const out = this.core.apply(entry.input, entry.time);
      this.lastTime = Math.max(this.lastTime, entry.time);
      // Recovered events are buffered (so clients can resume across a restart) but not sent.
      for (const envelope of out.events) this.record(this.toWire(envelope));
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
    for (const set of this.subscribers.values()) set.delete(session);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Counts of what the host retains, for tests and diagnostics; the engine has its own. */
  retained(): HostRetained {
    let replayEvents = 0;
    let replayBytes = 0;
    for (const buffer of this.buffers.values()) {
      replayEvents += buffer.size;
      replayBytes += buffer.bytes;
    }
    let subscriptions = 0;
    for (const set of this.subscribers.values()) subscriptions += set.size;
    return {
      replayEvents,
      replayBytes,
      replayStreams: this.buffers.size,
      sessions: this.sessions.size,
      subscriptions,
      lastFills: this.lastFills.size,
    };
  }

  /**
   * The one way an input reaches the engine. Order matters: apply, then journal, then send the
   * events, and only then may the caller answer. So nothing is seen before it is journaled.
   */
  submit(input: ExchangeInput): SubmitOutcome {
    if (this.stopped !== undefined) return { kind: 'unavailable', message: this.stopped };
    const time = this.now();
    const out = this.core.apply(input, time);
    const skipJournal = input.op === 'cancel_all' && this.core.hasBug('journal_skips_cancel_all');
    if (out.txn > 0 && this.journal !== undefined && !skipJournal) {
      if (this.ackBeforeJournal) {
        // Planted bug `ack_before_journal`: the append is held back (the effects below go out
        // anyway) until a batch is full, so a SIGKILL in between loses acknowledged inputs.
        this.unjournaled.push({ time, input });
        if (this.unjournaled.length >= ACK_BEFORE_JOURNAL_BATCH && !this.writeJournal()) {
          return { kind: 'unavailable', message: this.stopped ?? 'journal write failed' };
        }
      } else if (!this.append(time, input)) {
        return { kind: 'unavailable', message: this.stopped ?? 'journal write failed' };
      }
    }
    for (const envelope of out.events) this.publish(this.toWire(envelope));
    return { kind: 'applied', response: out.response, txn: out.txn };
  }

  subscribe(session: Session, stream: string): void {
    let set = this.subscribers.get(stream);
    if (set === undefined) {
      set = new Set();
      this.subscribers.set(stream, set);
    }
    set.add(session);
  }

  unsubscribe(session: Session, stream: string): void {
    this.subscribers.get(stream)?.delete(session);
  }

  /** The last seq sent on a stream (0 if none). */
  lastSeq(stream: string): number {
    return this.core.lastSeq(stream) + (this.injected.get(stream) ?? 0);
  }

  /** The buffered events after `lastSeen`, or why they cannot be had. */
  replay(stream: string, lastSeen: number): ReplayResult {
    return (this.buffers.get(stream) ?? EMPTY_BUFFER).after(lastSeen, this.lastSeq(stream));
  }

  /**
   * Planted bug `duplicate_fill_on_resync`: sends the stream's last fill again under the next
   * seq, to every subscriber. Returns whether there was a fill to repeat.
   */
  repeatLastFill(stream: string): boolean {
    const fill = this.lastFills.get(stream);
    if (fill === undefined) return false;
    const seq = this.lastSeq(stream) + 1;
    this.injected.set(stream, (this.injected.get(stream) ?? 0) + 1);
    this.publish({ ...fill, seq });
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
      streams[stream] = seq + (this.injected.get(stream) ?? 0);
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

  private toWire(envelope: EventEnvelope): EventMessage {
    const shift = this.injected.get(envelope.stream) ?? 0;
    return {
      type: 'event',
      stream: envelope.stream,
      seq: envelope.seq + shift,
      txn: envelope.txn,
      time: envelope.time,
      event: envelope.event,
    };
  }

  private record(message: EventMessage): void {
    let buffer = this.buffers.get(message.stream);
    if (buffer === undefined) {
      buffer = new ReplayBuffer(this.bufferSize, this.bufferBytes);
      this.buffers.set(message.stream, buffer);
    }
    buffer.push(message);
    if (message.event.type === 'fill' && message.stream.startsWith('account:')) {
      this.lastFills.set(message.stream, message);
    }
  }

  private publish(message: EventMessage): void {
    this.record(message);
    const set = this.subscribers.get(message.stream);
    if (set === undefined) return;
    for (const session of set) session.send(message);
  }
}
