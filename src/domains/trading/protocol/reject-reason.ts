/**
 * Stable reject reason codes. Clients and invariants match on these strings, so a code is
 * never renamed or reused; new ones are appended.
 */
export const REJECT_REASONS = [
  'qty_not_a_number',
  'qty_not_finite',
  'qty_zero',
  'qty_negative',
  'qty_above_max',
  'qty_not_lot_multiple',
  'qty_below_min',
  'price_required',
  'price_not_a_number',
  'price_not_finite',
  'price_not_positive',
  'price_off_tick',
  'price_out_of_band',
  'insufficient_funds',
  'insufficient_margin',
  'max_position',
  'unknown_symbol',
  'forbidden_symbol',
  'duplicate_client_order_id',
  'unknown_order',
  'order_not_open',
  'not_order_owner',
  'rate_limited',
  'halted',
  'post_only_would_cross',
  'replace_no_change',
  'replace_qty_not_above_filled',
  'invalid_request',
  /** A test venue mode refused it (ExchangeConfig.venueModes). */
  'venue_rejected',
  /** Stop orders: the stop price is checked like a limit price, under its own reasons. */
  'stop_price_required',
  'stop_price_not_a_number',
  'stop_price_not_finite',
  'stop_price_not_positive',
  'stop_price_off_tick',
  'stop_price_out_of_band',
  /** The last trade has already reached the stop price: the stop would trigger at once. */
  'stop_would_trigger',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

const known = new Set<string>(REJECT_REASONS);
export function isRejectReason(value: unknown): value is RejectReason {
  return typeof value === 'string' && known.has(value);
}
