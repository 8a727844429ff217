import { Observable, of } from 'rxjs';
import type { Client, Reply } from '../../../core/model/client.ts';
import type { Target, TargetFactory } from '../../../core/model/target.ts';
import { SortedVirtualTimeScheduler } from '../../../core/time/sorted-virtual-scheduler.ts';
import { defaultExchangeConfig, type ExchangeConfig } from '../protocol/exchange-config.ts';
import type { TimeInForce } from '../protocol/exchange-input.ts';
import type { ExchangeSnapshot } from '../protocol/exchange-snapshot.ts';
import type { TradingAction } from '../trading-action.ts';
import { TRADING_CAPABILITIES, type TradingCapability } from '../trading-capabilities.ts';
import type { TradingClientEvent } from '../trading-client-event.ts';
import type { TradingExtra } from '../trading-evidence.ts';
import type { OpenBook } from './book-library.ts';
import {
  type InstrumentSpec,
  instrumentConfig,
  type KitInstrument,
  kitInstrument,
  referenceInstruments,
} from './kit-instrument.ts';
import { librarySnapshot } from './library-snapshot.ts';
import { LibraryVenue } from './library-venue.ts';

export interface BookLibraryTargetOptions {
  /** The target's name in reports. */
  name: string;
  /** A fresh book of the library for one instrument; called for each instrument at the start of every run. */
  open: OpenBook;
  /**
   * The instruments and their grids. Default: the reference venue's sandbox instruments, the
   * ones the generator aims at (SANDBOX.BTC-USD: tick 0.5, lot 0.001; SANDBOX.ETH-USD: 0.01, 0.01).
   */
  instruments?: readonly InstrumentSpec[];
  /** The library's refusal codes -> reference reject reasons (docs/protocol.md); others are reported as they are. */
  reasons?: Readonly<Record<string, string>>;
  /** For a library that throws its refusals: the code of a thrown refusal, undefined for a crash. */
  refusalOf?: (error: unknown) => string | undefined;
  /** What the library takes (default: everything): the kit refuses the rest with `invalid_request`. */
  orderTypes?: { market?: boolean; tifs?: readonly TimeInForce[] };
  /** What the library provides beyond the kit's own (KIT_CAPABILITIES), e.g. `book-order-counts`. */
  capabilities?: readonly TradingCapability[];
  /** One-way virtual latency of a request and of its answer, in ms (default 1). */
  latencyMs?: number;
}

/**
 * What every kit target provides: a whole-state snapshot, a published book and trade tape, and
 * queue priority (fills name the maker, replaces say whether they kept their place). Not:
 * accounts or margin (no balances), venue sequence numbers (the kit numbers the streams, so
 * streams.gapless would check the kit), a journal, reconnects, self-trade prevention, price bands.
 */
export const KIT_CAPABILITIES: readonly TradingCapability[] = [
  TRADING_CAPABILITIES.snapshot,
  TRADING_CAPABILITIES.bookStream,
  TRADING_CAPABILITIES.tape,
  TRADING_CAPABILITIES.queuePriority,
];

export type KitTarget = Target<TradingAction, TradingClientEvent, unknown, ExchangeSnapshot>;

/**
 * A whole shakedown target around a synchronous matching library: the adapter implements
 * BookLibrary (place, cancel, modify, book) and this does the rest. Each run gets fresh books on
 * a virtual-time scheduler; each request reaches the library after `latencyMs` and its reply
 * and events come back `latencyMs` later, so a seed replays byte for byte and waiting is free.
 * Traders follow their own account stream and every public stream; the admin follows all.
 */
export function bookLibraryTarget(
  options: BookLibraryTargetOptions,
): TargetFactory<TradingAction, TradingClientEvent, unknown, ExchangeSnapshot> {
  const instruments = (options.instruments ?? referenceInstruments()).map(kitInstrument);
  const config = kitConfig(instruments);
  const rules = {
    reasons: options.reasons ?? {},
    ...(options.refusalOf === undefined ? {} : { refusalOf: options.refusalOf }),
    market: options.orderTypes?.market ?? true,
    tifs: new Set<TimeInForce>(options.orderTypes?.tifs ?? ['gtc', 'ioc', 'fok', 'post_only']),
  };
  const capabilities = [...new Set([...KIT_CAPABILITIES, ...(options.capabilities ?? [])])];
  return {
    name: options.name,
    faultKinds: [],
    capabilities,
    virtual: true,
    async create(): Promise<KitTarget> {
      const scheduler = new SortedVirtualTimeScheduler();
      const latency = options.latencyMs ?? 1;
      const venue = new LibraryVenue(instruments, options.open, rules, options.name);
      const publicStreams = instruments.flatMap((i) => [`market:${i.symbol}`, `book:${i.symbol}`]);
      const closers: (() => void)[] = [];
      const now = () => scheduler.now();

      const client = (name: string): Client<TradingAction, TradingClientEvent, unknown> => {
        const admin = name === 'admin';
        const feed = venue.streams.follow(
          name,
          admin ? null : name,
          admin ? 'all' : [`account:${name}`, ...publicStreams],
          now,
        );
        closers.push(feed.close);
        return {
          name,
          events$: feed.events$,
          send: (action, step) =>
            new Observable<Reply>((subscriber) => {
              let back: { unsubscribe(): void } | undefined;
              const there = scheduler.schedule(() => {
                const handled = venue.handle(action);
                back = scheduler.schedule(() => {
                  venue.streams.deliver(handled.input, scheduler.now());
                  // The client learns the order's id with the reply: from now on steps name it by id.
                  if (handled.orderId !== undefined) venue.orders.orderIdOfStep.set(step, handled.orderId);
                  subscriber.next(handled.reply);
                  subscriber.complete();
                }, latency);
              }, latency);
              return () => {
                there.unsubscribe();
                back?.unsubscribe();
              };
            }),
          close: () => feed.close(),
        };
      };

      return {
        name: options.name,
        scheduler,
        virtual: true,
        open: (name) =>
          new Observable((subscriber) => {
            const ready = scheduler.schedule(() => {
              subscriber.next(client(name));
              subscriber.complete();
            }, latency);
            return () => ready.unsubscribe();
          }),
        snapshot: () => of(librarySnapshot(venue, scheduler.now())),
        extraEvidence: () => of({ config, virtualTime: true } satisfies TradingExtra),
        settled: () => true,
        stop: () => {
          for (const close of closers) close();
          return of(undefined);
        },
      };
    },
  };
}

/**
 * The venue as the invariants should know it: the declared instruments and their grids, no
 * accounts (so no starting cash: a client without a balance event holds none, as the snapshot
 * says), every symbol in the sandbox, no declared order of checks.
 */
export function kitConfig(instruments: readonly KitInstrument[]): ExchangeConfig {
  const { rejectPrecedence: _none, ...reference } = defaultExchangeConfig();
  return { ...reference, sandboxPrefix: '', instruments: instruments.map(instrumentConfig), accounts: [] };
}
