import type { FaultRecord } from '../../core/faults/fault-record.ts';
import type { RunEvidence } from '../../core/model/evidence.ts';
import type { ExchangeConfig } from './protocol/exchange-config.ts';
import type { ExchangeSnapshot } from './protocol/exchange-snapshot.ts';
import type { TradingAction } from './trading-action.ts';
import type { TradingClientEvent } from './trading-client-event.ts';
import type { TradingView } from './trading-view.ts';

/** Extra evidence a trading target provides besides the final snapshot. */
export interface TradingExtra extends Record<string, unknown> {
  /** The venue's configuration (instruments, accounts and their starting cash). */
  config: ExchangeConfig;
  /** The state rebuilt by replaying the venue's journal into a fresh engine, when available. */
  journalSnapshot?: ExchangeSnapshot;
  /** What the chaos layer did in this run, one record per fault that fired (core/faults). */
  faults?: FaultRecord[];
  /** Times (target scheduler) at which the venue process crashed and came back. */
  crashes?: CrashRecord[];
  /**
   * The run's clock is virtual (in-process): no request waits on a real machine, so a timeout
   * with no fault acting means the venue never answered, not that the machine was slow.
   */
  virtualTime?: boolean;
}

/** One crash of the venue's process: when, by which fault step, and the last txn before it. */
export interface CrashRecord {
  step: number;
  at: number;
  restartedAt?: number;
  txnBefore?: number;
}

/**
 * Replies to trading requests are the protocol's `result` objects (for orders:
 * { kind:'order', order:{ orderId, status, ... } }).
 */
export type TradingEvidence = RunEvidence<
  TradingAction,
  TradingClientEvent,
  unknown,
  ExchangeSnapshot,
  TradingView
> & {
  extra: TradingExtra;
};
