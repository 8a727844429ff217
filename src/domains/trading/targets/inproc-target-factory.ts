import { FAULT_KINDS } from '../../../core/faults/fault.ts';
import type { TargetFactory } from '../../../core/model/target.ts';
import { SortedVirtualTimeScheduler } from '../../../core/time/sorted-virtual-scheduler.ts';
import type { BugName, JournalEntry } from '../../../exchange/index.ts';
import { Engine } from '../../../exchange/index.ts';
import { runVenueConfig } from '../configure-action.ts';
import { defaultExchangeConfig, type ExchangeConfig } from '../protocol/exchange-config.ts';
import type { ExchangeInput } from '../protocol/exchange-input.ts';
import type { ExchangeSnapshot } from '../protocol/exchange-snapshot.ts';
import type { TradingAction } from '../trading-action.ts';
import { ALL_TRADING_CAPABILITIES } from '../trading-capabilities.ts';
import type { TradingClientEvent } from '../trading-client-event.ts';
import type { ClientBug } from '../transport/client-bugs.ts';
import { makeTradingTarget } from '../transport/trading-target.ts';
import { InprocVenue } from './inproc-venue.ts';

export interface InprocTargetOptions {
  config?: ExchangeConfig;
  bugs?: readonly BugName[];
  /** One-way virtual latency of the link, in ms. */
  latencyMs?: number;
  requestTimeoutMs?: number;
  /** Planted bugs of the reference client (client-bugs.ts). */
  clientBugs?: readonly ClientBug[];
}

/**
 * A fresh reference exchange per run, in this process, on a VirtualTimeScheduler: the host's
 * clock is the scheduler's, so a seed reproduces byte for byte and waiting costs nothing. The
 * venue journals to memory, and the run's extra evidence includes the state rebuilt from that
 * journal, so the durability invariant is checked on every run. Every fault kind applies here,
 * on virtual time (InprocVenue).
 */
export function inprocTargetFactory(
  options: InprocTargetOptions = {},
): TargetFactory<TradingAction, TradingClientEvent, unknown, ExchangeSnapshot> {
  const config = options.config ?? defaultExchangeConfig();
  const bugs = options.bugs ?? [];
  return {
    name: 'inproc',
    faultKinds: FAULT_KINDS,
    // Everything, and said so: venue-config (a venue per run) is only ever declared, never assumed.
    capabilities: ALL_TRADING_CAPABILITIES,
    virtual: true,
    create: async (run) => {
      // A run that names its venue (a leading configure action) gets that venue; others the factory's.
      const asked = runVenueConfig(run?.actions);
      const runConfig = asked ?? config;
      const scheduler = new SortedVirtualTimeScheduler();
      const venue = new InprocVenue({
        config: runConfig,
        bugs,
        scheduler,
        latencyMs: options.latencyMs ?? 1,
      });
      return makeTradingTarget(venue.dialer, 'inproc', {
        scheduler,
        virtual: true,
        config: runConfig,
        venueConfigured: asked !== undefined,
        requestTimeoutMs: options.requestTimeoutMs,
        clientBugs: options.clientBugs,
        inject: (fault, client, step) => venue.inject(fault, client, step),
        settled: () => venue.settled(),
        extra: () => {
          // Evidence is read before the final snapshot request is handled: catch the journal up.
          venue.exchange.flushJournal();
          const entries = venue.journal.entries();
          return withLazy(
            {},
            'journalSnapshot',
            () => rebuildFromJournal(runConfig, bugs, entries),
            venue.extra(),
          );
        },
        stop: () => venue.stop(),
      });
    },
  };
}

/**
 * `into` with `key` worked out on first read (then kept), followed by the fields of `rest`:
 * the state rebuilt from the journal is a replay of the whole run through a fresh engine, and
 * only the properties that check durability read it. The entries it replays are copied when the
 * evidence is taken, so a late read sees what an early one would have. Written to, it holds
 * what was written (tests edit evidence).
 */
function withLazy<T extends object>(
  into: T,
  key: string,
  work: () => unknown,
  rest: Record<string, unknown>,
): T & Record<string, unknown> {
  let done = false;
  let value: unknown;
  Object.defineProperty(into, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!done) {
        value = work();
        done = true;
      }
      return value;
    },
    set: (written: unknown) => {
      value = written;
      done = true;
    },
  });
  return Object.assign(into, rest) as T & Record<string, unknown>;
}

/** What a restart would see: a fresh engine fed the journaled inputs at their recorded times. */
export function rebuildFromJournal(
  config: ExchangeConfig,
  bugs: readonly BugName[],
  entries: readonly JournalEntry[],
): ExchangeSnapshot {
  const engine = new Engine({ config, bugs });
  for (const entry of entries) engine.apply(entry.input as ExchangeInput, entry.time);
  return engine.snapshot();
}
