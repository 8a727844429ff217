/** The focused bots property that provokes each grid-bot bug (the whole mix finds them too, more slowly). */
export const PROPERTY_FOR_BUG: Readonly<Record<string, string>> = {
  no_boot_reconciliation: 'ghost-fills',
  fills_applied_twice_after_resync: 'ghost-fills',
  random_client_ids: 'rate-limits',
  retry_at_once_after_429: 'rate-limits',
  state_without_checksum: 'corrupted-state',
  breaker_not_persisted: 'volatility',
};
