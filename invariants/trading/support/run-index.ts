import { sharedView } from '../../../src/core/runner/shared-views.ts';
import type { TradingEvidence } from '../../../src/domains/trading/trading-evidence.ts';
import { adminRecord, groupByTxn } from './admin-record.ts';
import {
  accountOfStream,
  eventsByClient,
  isOrderEvent,
  type RecordOf,
  type TradingRecord,
} from './events.ts';

/**
 * One run's events, indexed for every trading invariant: each slice (the events of one type,
 * a client's book events, the admin record by txn, by stream or cut to its book inputs...) is
 * cut in one pass the first time a checker reads it, then shared, and a checker reads the slice
 * it judges instead of scanning the whole run again. Every slice keeps the order of the list it
 * was cut from, so a checker that reads one meets its events in the order a scan of the whole
 * would have. Shared while a run's invariants are checked together (shared-views.ts); built
 * for itself when an invariant is called alone. Read it, never change it.
 */
export interface RunIndex {
  /** The run's events (as recorded, unsorted) whose event has a type, by that type. */
  readonly byType: ReadonlyMap<string, readonly TradingRecord[]>;
  /** The admin record (adminRecord, in the venue's order of inputs) by event type. */
  readonly adminByType: ReadonlyMap<string, readonly TradingRecord[]>;
  /**
   * Per client (every client of eventsByClient, in its order), what folds its books: its
   * `session_resynced` events and its events on `book:` streams, in arrival order.
   */
  readonly clientBookEvents: ReadonlyMap<string, readonly TradingRecord[]>;
  /** The admin record's inputs (groupByTxn) cut to their `book:` stream events; inputs with none left out. */
  readonly adminBookInputs: readonly (readonly TradingRecord[])[];
  /** The admin record by txn, each in record order. */
  readonly adminByTxn: ReadonlyMap<number, readonly TradingRecord[]>;
  /** The admin record by stream, each in record order. */
  readonly adminByStream: ReadonlyMap<string, readonly TradingRecord[]>;
  /** The admin record's events on `market:` streams, in record order. */
  readonly adminMarket: readonly TradingRecord[];
  /**
   * The admin record's order events and resets on account streams, in record order, each with
   * its account: what the order rules fold (every other event of the record they pass over).
   */
  readonly adminAccountEvents: readonly AccountEvent[];
  /** The streams each client got an event on (any event that is not null), as recorded. */
  readonly clientStreams: ReadonlyMap<unknown, ReadonlySet<string>>;
}

/** An event of an account stream and the account (`account:<account>`). */
export interface AccountEvent {
  rec: TradingRecord;
  account: string;
}

const NONE: readonly TradingRecord[] = [];
const KEY = Symbol('the trading run index');

/** The run index of this evidence (see RunIndex). */
export function runIndex(evidence: TradingEvidence): RunIndex {
  return sharedView(evidence, KEY, () => buildRunIndex(evidence));
}

/** The run's events of one type, as recorded (`is(rec, type)` over evidence.events, in order). */
export function eventsOfType<T extends TradingRecord['event']['type']>(
  index: RunIndex,
  type: T,
): readonly RecordOf<T>[] {
  return (index.byType.get(type) ?? NONE) as readonly RecordOf<T>[];
}

/** The admin record's events of one type, in record order. */
export function adminOfType<T extends TradingRecord['event']['type']>(
  index: RunIndex,
  type: T,
): readonly RecordOf<T>[] {
  return (index.adminByType.get(type) ?? NONE) as readonly RecordOf<T>[];
}

function byTypeOf(records: readonly TradingRecord[] | undefined): Map<string, TradingRecord[]> {
  const out = new Map<string, TradingRecord[]>();
  for (const rec of records ?? NONE) {
    const type = rec?.event?.type;
    if (typeof type !== 'string') continue;
    let list = out.get(type);
    if (list === undefined) {
      list = [];
      out.set(type, list);
    }
    list.push(rec);
  }
  return out;
}

function buildRunIndex(evidence: TradingEvidence): RunIndex {
  return new LazyRunIndex(evidence);
}

/** Each part of the index is cut on first read (a run's checkers read only some of them), then kept. */
class LazyRunIndex implements RunIndex {
  private readonly events: readonly TradingRecord[] | undefined;
  private parts: Partial<Record<keyof RunIndex, unknown>> = {};

  constructor(private readonly evidence: TradingEvidence) {
    this.events = Array.isArray(evidence?.events) ? evidence.events : undefined;
  }

  private part<K extends keyof RunIndex>(key: K, build: () => RunIndex[K]): RunIndex[K] {
    let value = this.parts[key] as RunIndex[K] | undefined;
    if (value === undefined) {
      value = build();
      this.parts[key] = value;
    }
    return value;
  }

  private get admin(): readonly TradingRecord[] {
    return adminRecord(this.events ?? []);
  }

  get byType(): RunIndex['byType'] {
    return this.part('byType', () => byTypeOf(this.events));
  }

  get adminByType(): RunIndex['adminByType'] {
    return this.part('adminByType', () => byTypeOf(this.admin));
  }

  get clientBookEvents(): RunIndex['clientBookEvents'] {
    return this.part('clientBookEvents', () => {
      const out = new Map<string, TradingRecord[]>();
      for (const [client, records] of eventsByClient(this.evidence?.events ?? [])) {
        const books: TradingRecord[] = [];
        for (const rec of records) {
          if (rec.event.type === 'session_resynced' || rec.stream.startsWith('book:')) books.push(rec);
        }
        out.set(client, books);
      }
      return out;
    });
  }

  get adminBookInputs(): RunIndex['adminBookInputs'] {
    return this.part('adminBookInputs', () => {
      const out: TradingRecord[][] = [];
      for (const group of groupByTxn(this.admin)) {
        let books: TradingRecord[] | undefined;
        for (const rec of group) {
          if (!rec.stream.startsWith('book:')) continue;
          if (books === undefined) books = [];
          books.push(rec);
        }
        if (books !== undefined) out.push(books);
      }
      return out;
    });
  }

  get adminByTxn(): RunIndex['adminByTxn'] {
    return this.part('adminByTxn', () => {
      const out = new Map<number, readonly TradingRecord[]>();
      // The record is in txn order: an input's events are one group (joined, should one not be).
      for (const group of groupByTxn(this.admin)) {
        const txn = group[0].txn as number;
        const known = out.get(txn);
        out.set(txn, known === undefined ? group : [...known, ...group]);
      }
      return out;
    });
  }

  get adminByStream(): RunIndex['adminByStream'] {
    return this.part('adminByStream', () => {
      const out = new Map<string, TradingRecord[]>();
      for (const rec of this.admin) {
        const list = out.get(rec.stream);
        if (list === undefined) out.set(rec.stream, [rec]);
        else list.push(rec);
      }
      return out;
    });
  }

  get adminMarket(): RunIndex['adminMarket'] {
    return this.part('adminMarket', () => this.admin.filter((rec) => rec.stream.startsWith('market:')));
  }

  get adminAccountEvents(): RunIndex['adminAccountEvents'] {
    return this.part('adminAccountEvents', () => {
      const out: AccountEvent[] = [];
      for (const rec of this.admin) {
        if (!isOrderEvent(rec) && rec.event.type !== 'reset') continue;
        const account = accountOfStream(rec.stream);
        if (account !== undefined) out.push({ rec, account });
      }
      return out;
    });
  }

  get clientStreams(): RunIndex['clientStreams'] {
    return this.part('clientStreams', () => {
      const out = new Map<unknown, Set<string>>();
      for (const rec of this.events ?? NONE) {
        if (typeof rec?.stream !== 'string' || rec.event == null) continue;
        let streams = out.get(rec.client);
        if (streams === undefined) {
          streams = new Set();
          out.set(rec.client, streams);
        }
        streams.add(rec.stream);
      }
      return out;
    });
  }
}
