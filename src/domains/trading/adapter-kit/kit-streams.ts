import { Observable, Subject } from 'rxjs';
import type { ClientEvent } from '../../../core/model/client.ts';
import type { ExchangeEvent } from '../protocol/exchange-event.ts';
import { sessionStream, type TradingClientEvent } from '../trading-client-event.ts';

/** The events one input made, numbered: each on its stream, all under the input's txn. */
export interface CommittedInput {
  /** Absent when the input changed nothing and said nothing (no event, no txn). */
  txn?: number;
  events: { stream: string; seq: number; txn: number; event: ExchangeEvent }[];
}

/**
 * The venue's streams, as the reference exchange has them: `account:<trader>` for a trader's
 * orders and fills, `market:<symbol>` for trades, `book:<symbol>` for level changes. The library
 * has no streams and no sequence numbers, so the kit numbers each stream 1, 2, 3... as the
 * events are made (not as they arrive), and gives every input that made events the next txn:
 * the total order the invariants rebuild the book from. Clients follow streams; the admin
 * follows all of them, so its record is the venue's whole history.
 */
export class KitStreams {
  private readonly seqs = new Map<string, number>();
  private lastTxn = 0;
  private pending: { stream: string; event: ExchangeEvent }[] = [];
  private readonly followers: {
    follows: (stream: string) => boolean;
    subject: Subject<ClientEvent<TradingClientEvent>>;
  }[] = [];

  get txn(): number {
    return this.lastTxn;
  }

  emit(stream: string, event: ExchangeEvent): void {
    this.pending.push({ stream, event });
  }

  /** Ends the current input: numbers what it emitted. */
  commit(): CommittedInput {
    const made = this.pending;
    this.pending = [];
    if (made.length === 0) return { events: [] };
    const txn = ++this.lastTxn;
    const events = made.map(({ stream, event }) => {
      const seq = (this.seqs.get(stream) ?? 0) + 1;
      this.seqs.set(stream, seq);
      return { stream, seq, txn, event };
    });
    return { txn, events };
  }

  /** Forgets what the current input emitted (it threw half way). */
  discard(): void {
    this.pending = [];
  }

  /** Hands committed events to every client that follows their stream, stamped with `now`. */
  deliver(input: CommittedInput, now: number): void {
    for (const e of input.events) {
      for (const follower of this.followers) {
        if (follower.follows(e.stream)) follower.subject.next({ ...e, time: now });
      }
    }
  }

  /**
   * A client's feed: first its own `session_connected` (the account it trades as, null for the
   * admin), then every event of the streams it follows ('all' for the admin).
   */
  follow(
    client: string,
    account: string | null,
    streams: readonly string[] | 'all',
    now: () => number,
  ): { events$: Observable<ClientEvent<TradingClientEvent>>; close(): void } {
    const subject = new Subject<ClientEvent<TradingClientEvent>>();
    const followed = new Set(streams);
    const follower = { follows: (stream: string) => streams === 'all' || followed.has(stream), subject };
    this.followers.push(follower);
    const events$ = new Observable<ClientEvent<TradingClientEvent>>((subscriber) => {
      subscriber.next({
        stream: sessionStream(client),
        seq: 1,
        time: now(),
        event: { type: 'session_connected', account },
      });
      return subject.subscribe(subscriber);
    });
    return {
      events$,
      close: () => {
        const i = this.followers.indexOf(follower);
        if (i >= 0) this.followers.splice(i, 1);
        subject.complete();
      },
    };
  }

  /** The last seq of every stream that has had an event (the snapshot's `streams`). */
  lastSeqs(): Record<string, number> {
    return Object.fromEntries(this.seqs);
  }
}
