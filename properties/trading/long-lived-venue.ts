import fc from 'fast-check';
import type { Property } from '../../src/core/model/property.ts';
import { tradingActions } from '../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import { SURFACE_COMMAND_WEIGHTS } from '../../src/domains/trading/generation/trading-commands.ts';
import { shortMemoryConfig } from '../../src/domains/trading/generation/venue-configs.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingVenue } from './trading-venue.ts';

/** Finished orders the venue remembers, and events it keeps per stream for resume, in these runs. */
export const LONG_LIVED_LIMITS = { retainFinishedOrders: 20, resumeBuffer: 40 } as const;

/**
 * Thousands of actions on one venue, never reset, with its memory limits set low (its run's
 * `configure` action carries the campaign's config with retainFinishedOrders 20 and a resume
 * buffer of 40 events): within one run finished orders are forgotten (`status` and `cancel` of
 * them are unknown_order, their client order ids may be used again), resumes find their gap
 * gone and resync, and the engine's indexes and books turn over many times. The same invariants
 * as trading-venue hold throughout. Its runs are long, so a campaign makes at most 4 of them.
 */
export const longLivedVenue: Property<TradingAction> = {
  name: 'long-lived-venue',
  description:
    'Thousands of actions on one venue with low memory limits (orders forgotten, client ids reused, resumes too old) keep every trading invariant',
  tags: [
    'place',
    'cancel',
    'replace',
    'status',
    'reconnect',
    'duplicate_client_order_id',
    'unknown_order',
    'order_not_open',
  ],
  actions: (context) =>
    tradingActions(context, {
      // No reset: the venue lives the whole run.
      weights: { ...SURFACE_COMMAND_WEIGHTS, reset: 0, status: 6, duplicate_id: 8, reconnect: 6 },
      // 20 lists of up to 250 commands (about 1.3 actions each): nearly every run reaches the
      // 3,000 actions, and shrinking a failure still empties any list.
      chunks: { count: 20, maxCommands: 250 },
      // Back to back: 3,000 actions over a real socket take seconds, not minutes of pauses.
      maxGapMs: 3,
      venue: (base) => fc.constant(shortMemoryConfig(base, LONG_LIVED_LIMITS)),
    }),
  invariants: [...tradingVenue.invariants],
  settings: { maxActions: 3000, maxRuns: 4, requestTimeoutMs: 1000, quietMs: 50 },
  // A run is thousands of actions: the default campaign leaves it out (run it by name, or in a
  // soak), and a failure gets 100 shrink candidates, each a long run, unless --shrink-attempts.
  optIn: true,
  shrinkAttempts: 100,
};
