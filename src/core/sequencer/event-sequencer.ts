import type { ClientEvent } from '../model/client.ts';
import type { RecordedEvent } from '../model/evidence.ts';

export interface EventSequencerOptions<E> {
  /**
   * Receives every event once it is final, in gseq order: so a campaign can stream records
   * to disk. Pass `retain: false` as well to keep memory flat.
   */
  sink?: (event: RecordedEvent<E>) => void;
  /** Keep every event for `finish()` to return (default true). */
  retain?: boolean;
  /**
   * With a sink, how many events may wait for their txn's reply before the oldest is released
   * without a step (default 10 000). Bounds memory when a target numbers inputs that no reply
   * ever names (timers, another tester's requests).
   */
  holdLimit?: number;
}

const DEFAULT_HOLD_LIMIT = 10_000;

/**
 * Captures the events of one run: numbers them in capture order across every client (gseq
 * 1, 2, 3...) and ties each to the step that caused it through the txn of that step's reply.
 * An event often arrives before the reply that names its txn, so the step is resolved late:
 * at `finish()`, or, with a sink, as soon as the reply is in.
 */
export class EventSequencer<E = unknown> {
  private readonly sink: ((event: RecordedEvent<E>) => void) | undefined;
  private readonly retain: boolean;
  private readonly holdLimit: number;
  private readonly stepOfTxn = new Map<number, number>();
  private readonly retained: RecordedEvent<E>[] = [];
  /** With a sink: recorded but not yet released, in gseq order, from `heldStart`. */
  private held: RecordedEvent<E>[] = [];
  private heldStart = 0;
  private nextGseq = 1;
  private finished = false;

  constructor(options: EventSequencerOptions<E> = {}) {
    this.sink = options.sink;
    this.retain = options.retain ?? true;
    this.holdLimit = options.holdLimit ?? DEFAULT_HOLD_LIMIT;
  }

  /** Number of events recorded so far. */
  get count(): number {
    return this.nextGseq - 1;
  }

  record(client: string, clientEvent: ClientEvent<E>): RecordedEvent<E> {
    if (this.finished) throw new Error('EventSequencer: record() after finish()');
    // Whole literals, one per shape, in the order a record's fields are written (with a txn or
    // without): fields added one by one after a literal go to a separate backing store, an
    // extra allocation for every event.
    const txn = clientEvent.txn;
    const recorded: RecordedEvent<E> =
      txn === undefined
        ? {
            gseq: this.nextGseq++,
            client,
            stream: clientEvent.stream,
            seq: clientEvent.seq,
            time: clientEvent.time,
            event: clientEvent.event,
          }
        : {
            gseq: this.nextGseq++,
            client,
            stream: clientEvent.stream,
            seq: clientEvent.seq,
            txn,
            time: clientEvent.time,
            event: clientEvent.event,
          };
    this.resolveStep(recorded);
    if (this.retain) this.retained.push(recorded);
    if (this.sink !== undefined) {
      this.held.push(recorded);
      this.release(false);
    }
    return recorded;
  }

  /** The reply of `step` carried `txn`. A txn belongs to one request: the first step named wins. */
  attributeStep(txn: number, step: number): void {
    if (!this.stepOfTxn.has(txn)) this.stepOfTxn.set(txn, step);
    if (this.sink !== undefined) this.release(false);
  }

  /**
   * Ends the run: resolves the step of every event whose txn was attributed, hands what is
   * left to the sink, and returns the retained events in gseq order. Calling it again returns
   * the same list.
   */
  finish(): RecordedEvent<E>[] {
    if (this.finished) return this.retained;
    this.finished = true;
    if (this.sink !== undefined) this.release(true);
    else for (const event of this.retained) this.resolveStep(event);
    return this.retained;
  }

  private resolveStep(event: RecordedEvent<E>): void {
    if (event.step !== undefined || event.txn === undefined) return;
    const step = this.stepOfTxn.get(event.txn);
    if (step !== undefined) event.step = step;
  }

  /** Hands held events to the sink in gseq order, stopping at the first still waiting for its step. */
  private release(all: boolean): void {
    const sink = this.sink!;
    while (this.heldStart < this.held.length) {
      const event = this.held[this.heldStart];
      this.resolveStep(event);
      const waiting = event.step === undefined && event.txn !== undefined;
      if (waiting && !all && this.held.length - this.heldStart <= this.holdLimit) break;
      this.heldStart++;
      sink(event);
    }
    // Drop the released prefix now and then rather than shifting on every release.
    if (this.heldStart > 1024 && this.heldStart * 2 > this.held.length) {
      this.held = this.held.slice(this.heldStart);
      this.heldStart = 0;
    }
  }
}
