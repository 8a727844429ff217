import type { Capability } from '../../core/model/capabilities.ts';

/**
 * What a trading venue can provide, for a target to declare (`TargetFactory.capabilities`) and
 * an invariant to need (`Invariant.needs`). A target that declares nothing provides them all
 * (the reference exchange does); an adapter for a bare order book declares what it has, and the
 * invariants that need the rest are skipped, each with the reason, never passed silently.
 */
export const TRADING_CAPABILITIES = {
  /** Accounts with balances: funds reserved, released and conserved. */
  accounts: 'accounts',
  /** Margin, marks and equity: positions valued against a mark price. */
  margin: 'margin',
  /** Venue-assigned sequence numbers per stream, so gaps and duplicates can be seen. */
  streamSeq: 'stream-seq',
  /** A whole-state snapshot after the run (open orders, balances, positions). */
  snapshot: 'snapshot',
  /** A state rebuilt from the venue's own journal, compared with the live one. */
  journal: 'journal',
  /** Queue priority visible on resting orders, for price-time priority. */
  queuePriority: 'queue-priority',
  /** Transaction ids on fills, for duplicates across resyncs. */
  txnIds: 'txn-ids',
  /** A published order book (`book:<symbol>` snapshots and deltas). */
  bookStream: 'book-stream',
  /** Order counts per published level. */
  bookOrderCounts: 'book-order-counts',
  /** A public trade tape (`market:<symbol>`). */
  tape: 'tape',
  /** Reconnects with resume or resync of the private streams. */
  reconnect: 'reconnect',
  /** Self-trade prevention modes. */
  selfTradePrevention: 'stp',
  /** Price bands around a mark. */
  priceBands: 'price-bands',
  /** Stop orders (stop_market, stop_limit) triggered by the last trade price. */
  stopOrders: 'stop-orders',
  /** Admin controls besides marks: halt and resume trading, reset the venue to its configured start. */
  adminControls: 'admin-controls',
  /** Order status queries (`status`, by order id or client order id). */
  orderStatus: 'order-status',
  /** Requests sent as the wire frame they are given, so malformed ones reach the venue as they are. */
  rawRequests: 'raw-requests',
  /**
   * Builds each run's venue from the run's leading `configure` action (a config per run), so a
   * generator may vary instruments, accounts and limits from run to run. Unlike the others it
   * is never assumed: a target that declares nothing builds its venue once, and only one that
   * lists it (the in-process reference venue) is sent a venue per run.
   */
  venueConfig: 'venue-config',
} as const satisfies Record<string, Capability>;

export type TradingCapability = (typeof TRADING_CAPABILITIES)[keyof typeof TRADING_CAPABILITIES];

export const ALL_TRADING_CAPABILITIES: readonly TradingCapability[] = Object.values(TRADING_CAPABILITIES);
