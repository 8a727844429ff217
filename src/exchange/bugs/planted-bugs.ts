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
    name: 'stale_level_after_partial_fill',
    summary:
      'a partly filled maker leaves its level at the old volume on the book feed: no delta is published for it',
    invariant: 'book.depth-matches-orders',
    needs: 'trading',
  },
  {
    name: 'empty_level_left_behind',
    summary:
      'a level emptied by a fill is never removed from the book feed (no zero delta), so the vacated price stays the best',
    invariant: 'book.best-price',
    needs: 'trading',
  },
  {
    name: 'book_delta_wrong_side',
    summary:
      'after a cancel-replace to a new price, the delta of the new level is published on the opposite side of the book',
    invariant: 'book.resync-consistent',
    needs: 'trading',
  },
  {
    name: 'aggregated_tape_print',
    summary:
      'a taker that trades with several makers in one input is also printed on the tape as one aggregated trade that no fill backs',
    invariant: 'tape.matches-fills',
    needs: 'trading',
  },
  {
    name: 'decimals_counted_as_written',
    summary:
      'the tick and lot checks count the decimals a string is written with, so "20000.50" is refused price_off_tick and "0.0100" qty_not_lot_multiple',
    invariant: 'numbers.spellings-agree',
    needs: 'trading',
  },
  {
    name: 'rejects_valid_at_boundary',
    summary:
      'a limit price exactly on the top edge of the band is refused price_out_of_band, although the band includes its edges',
    invariant: 'requests.valid-accepted',
    needs: 'trading',
  },
  {
    name: 'off_tick_refused_as_out_of_band',
    summary:
      'a limit price off the tick grid but inside the band is refused price_out_of_band instead of price_off_tick',
    invariant: 'requests.refusals-justified',
    needs: 'trading',
  },
  {
    name: 'fok_expires_when_coverable',
    summary:
      'a fill-or-kill counts only the best price level, so one the book covers across several levels expires unfilled',
    invariant: 'matching.happens',
    needs: 'trading',
  },
  {
    name: 'stp_cancels_wrong_order',
    summary:
      'under cancel_newest self-trade prevention cancels the resting order instead of the incoming one, which trades on',
    invariant: 'stp.cancels-named-order',
    needs: 'trading',
  },
  {
    name: 'wrong_status_after_partial_fill',
    summary:
      'an order that trades part of its quantity on arrival and rests reports status open, not partially_filled',
    invariant: 'events.content',
    needs: 'trading',
  },
  {
    name: 'never_answers_set_mark',
    summary: 'set_mark is applied but never answered, so the admin times out with no fault acting',
    invariant: 'requests.answered',
    needs: 'trading',
  },
  {
    name: 'stop_triggers_early',
    summary:
      'stop orders also trigger on the mark price: a set_mark that reaches a stop price triggers it although no trade did',
    invariant: 'stops.trigger-on-last-trade',
    needs: 'trading',
  },
  {
    name: 'stop_never_triggers_on_gap',
    summary:
      'a stop triggers only on a trade exactly at its stop price, so a trade that jumps past it leaves the stop waiting',
    invariant: 'stops.trigger-on-last-trade',
    needs: 'trading',
  },
  {
    name: 'stop_triggers_twice',
    summary:
      'a triggered stop stays on the trigger list, so a later trade that reaches its stop price triggers it again',
    invariant: 'stops.trigger-once',
    needs: 'trading',
  },
  {
    name: 'stop_triggers_before_accept',
    summary:
      'a stop the last trade has already reached is accepted and triggered at once on that earlier trade, instead of refused stop_would_trigger',
    invariant: 'stops.trigger-after-accept',
    needs: 'trading',
  },
  {
    name: 'stop_limit_trades_through_limit',
    summary:
      'a triggered stop_limit takes liquidity like a market order, past its limit price, instead of like its limit counterpart',
    invariant: 'stops.act-as-counterpart',
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
