import type { TargetFactory } from '../../../core/model/target.ts';
import { SortedVirtualTimeScheduler } from '../../../core/time/sorted-virtual-scheduler.ts';
import type { BugName } from '../../../exchange/bugs/planted-bugs.ts';
import { defaultExchangeConfig, type ExchangeConfig } from '../../../exchange/config/exchange-config.ts';
import { Engine } from '../../../exchange/engine/engine.ts';
import type { ExchangeInput } from '../../../exchange/engine/exchange-input.ts';
import type { ExchangeSnapshot } from '../../../exchange/engine/exchange-snapshot.ts';
import { ExchangeHost } from '../../../exchange/gateway/exchange-host.ts';
import type { JournalEntry } from '../../../exchange/journal/journal-entry.ts';
import { MemoryJournal } from '../../../exchange/journal/memory-journal.ts';
import type { TradingAction } from '../trading-action.ts';
import type { TradingClientEvent } from '../trading-client-event.ts';
import { inprocDialer } from '../transport/inproc-dialer.ts';
import { makeTradingTarget } from '../transport/trading-target.ts';

export interface InprocTargetOptions {
  config?: ExchangeConfig;
  bugs?: readonly BugName[];
  /** One-way virtual latency of the link, in ms. */
  latencyMs?: number;
  requestTimeoutMs?: number;
}

/**
 * A fresh reference exchange per run, in this process, on a VirtualTimeScheduler: the host's
 * clock is the scheduler's, so a seed reproduces byte for byte and waiting costs nothing. The
 * venue journals to memory, and the run's extra evidence includes the state rebuilt from that
 * journal, so the durability invariant is checked on every run.
 */
export function inprocTargetFactory(
  options: InprocTargetOptions = {},
): TargetFactory<TradingAction, TradingClientEvent, unknown, ExchangeSnapshot> {
  const config = options.config ?? defaultExchangeConfig();
  const bugs = options.bugs ?? [];
  return {
    name: 'inproc',
    create: async () => {
      const scheduler = new SortedVirtualTimeScheduler();
      const journal = new MemoryJournal();
      const host = new ExchangeHost({ config, bugs, clock: () => scheduler.now(), journal });
      return makeTradingTarget(inprocDialer(host, scheduler, options.latencyMs ?? 1), 'inproc', {
        scheduler,
        virtual: true,
        config,
        requestTimeoutMs: options.requestTimeoutMs,
        extra: () => ({ journalSnapshot: rebuildFromJournal(config, bugs, journal.entries()) }),
        stop: () => host.close(),
      });
    },
  };
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
