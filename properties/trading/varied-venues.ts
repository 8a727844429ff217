import type { Property } from '../../src/core/model/property.ts';
import { tradingActions } from '../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import { SURFACE_COMMAND_WEIGHTS } from '../../src/domains/trading/generation/trading-commands.ts';
import { variedVenueArb } from '../../src/domains/trading/generation/venue-configs.ts';
import { TRADING_ACTION_KINDS, type TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingVenue } from './trading-venue.ts';

/**
 * Every run against a venue of its own: two or three sandbox instruments with other ticks, lots,
 * contract multipliers (10, 100, 0.5, 0.25 as well as 1), marks, bands and limits, and other
 * cash and leverage, drawn from the campaign's config (generation/venue-configs.ts). The run's
 * first action is a `configure` carrying that config: a target with the `venue-config`
 * capability (the in-process venue) builds the run's venue from it, so a replay, which has the
 * same first action, gets the same venue. The generator aims at it (prices on its ticks, sizes
 * on its lots and at its funding edge), and every invariant reads it from the run's evidence.
 * A target that builds its venue once (over a socket) is sent runs aimed at the campaign's
 * venue, without the configure action.
 */
export const variedVenues: Property<TradingAction> = {
  name: 'varied-venues',
  description:
    'The full mix against a venue drawn per run (other ticks, lots, contract multipliers, 2-3 instruments, cash and leverage) keeps every trading invariant',
  tags: [
    ...TRADING_ACTION_KINDS,
    ...tradingVenue.tags.filter((t) => !(TRADING_ACTION_KINDS as readonly string[]).includes(t)),
  ],
  actions: (context) =>
    tradingActions(context, {
      weights: { ...SURFACE_COMMAND_WEIGHTS },
      venue: (base) => variedVenueArb(base),
    }),
  invariants: [...tradingVenue.invariants],
  settings: { maxActions: 60, requestTimeoutMs: 1000, quietMs: 50 },
};
