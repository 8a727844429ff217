/** Every bots invariant, by name: each bots property checks them all (each counts what applied). */
export const ALL_BOTS_INVARIANTS = [
  'bots.reconciliation',
  'bots.no-duplicate-execution',
  'bots.backoff-after-429',
  'bots.backoff-after-disconnect',
  'bots.reconnects',
  'bots.fail-closed',
  'bots.risk-breaker',
  'bots.subject-declared',
  'bots.intent-leads-to-order',
  'bots.control-channel',
] as const;

/** What every bots property runs with: short runs, quiet once the subject has settled. */
export const BOTS_SETTINGS = { maxActions: 30, requestTimeoutMs: 2000, quietMs: 150 } as const;

/** Shrink candidates per failure: a bots run is a few ms, so a failure shrinks in seconds. */
export const BOTS_SHRINK_ATTEMPTS = 2000;
