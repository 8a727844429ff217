/**
 * Realistic venue bugs the reference exchange can be built with, each off by default. They
 * exist to prove that shakedown's invariants catch what real venues ship: every bug names the
 * invariant that should catch it, and what a campaign must do to provoke it.
 */
export interface PlantedBug {
  name: string;
  summary: string;
  /** The invariant expected to report it. */
  invariant: string;
  /** What must happen in a run for the bug to show: plain trading, or a reconnect, or a crash. */
  needs: 'trading' | 'reconnect' | 'restart';
}

export const PLANTED_BUGS = [
  {
    name: 'overfill',
    summary: 'a maker is filled for the taker remaining quantity, past its own remaining quantity',
    invariant: 'orders.quantities',
    needs: 'trading',
  },
  {
    name: 'reserve_leak_on_cancel',
    summary: 'cancelling a partly filled order keeps its reserved margin',
    invariant: 'funds.reserves',
    needs: 'trading',
  },
  {
    name: 'replace_keeps_priority',
    summary: 'a cancel-replace that changes the price keeps its old place in the queue',
    invariant: 'book.price-time-priority',
    needs: 'trading',
  },
  {
    name: 'self_trade',
    summary: 'self-trade prevention is skipped, so an account trades with itself',
    invariant: 'trades.no-self-trade',
    needs: 'trading',
  },
  {
    name: 'duplicate_client_order_id',
    summary: 'a repeated client order id is accepted and executes a second time',
    invariant: 'idempotency.client-order-id',
    needs: 'trading',
  },
  {
    name: 'rejected_replace_drops_order',
    summary: 'a replace that fails validation silently removes the original order',
    invariant: 'projection.converges',
    needs: 'trading',
  },
  {
    name: 'market_walks_band',
    summary:
      'after the mark moves, orders outside the new band stay and market orders sweep them past the band',
    invariant: 'trades.within-band',
    needs: 'trading',
  },
  {
    name: 'float_dust',
    summary: 'remaining quantity is tracked in floating point, leaving dust orders on the book',
    invariant: 'orders.quantities',
    needs: 'trading',
  },
  {
    name: 'fok_partial_fill',
    summary: 'a fill-or-kill order that cannot fill completely fills partly instead of expiring',
    invariant: 'orders.flags',
    needs: 'trading',
  },
  {
    name: 'post_only_crosses',
    summary: 'a post-only order that would cross rests on the book, crossing it',
    invariant: 'book.not-crossed',
    needs: 'trading',
  },
  {
    name: 'private_event_leak',
    summary: 'maker fills are also sent to the bystander account stream',
    invariant: 'isolation.private-streams',
    needs: 'trading',
  },
  {
    name: 'stale_equity',
    summary: 'equity in balance updates ignores the latest mark price',
    invariant: 'ledger.equity',
    needs: 'trading',
  },
  {
    name: 'journal_skips_cancel_all',
    summary: 'cancel-all is applied live but never journaled, so a restart resurrects the orders',
    invariant: 'durability.journal-replay',
    needs: 'trading',
  },
  {
    name: 'seq_gap_after_resync',
    summary: 'resuming a stream after reconnect skips the first missed event',
    invariant: 'streams.gapless',
    needs: 'reconnect',
  },
  {
    name: 'duplicate_fill_on_resync',
    summary: 'resuming a stream after reconnect sends the last fill again under a new number',
    invariant: 'fills.no-duplicates',
    needs: 'reconnect',
  },
  {
    name: 'ack_before_journal',
    summary:
      'inputs are acknowledged before they are journaled; the journal catches up every 4 inputs or when a snapshot is read, so a crash in between loses acknowledged orders',
    invariant: 'durability.acknowledged-kept',
    needs: 'restart',
  },
] as const satisfies readonly PlantedBug[];

export type BugName = (typeof PLANTED_BUGS)[number]['name'];
export const BUG_NAMES: readonly BugName[] = PLANTED_BUGS.map((b) => b.name);

export function isBugName(value: string): value is BugName {
  return (BUG_NAMES as readonly string[]).includes(value);
}
