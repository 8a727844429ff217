import type { Property } from '../../src/core/model/property.ts';
import {
  type TradingActionsOptions,
  tradingActions,
} from '../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import { variedVenueArb } from '../../src/domains/trading/generation/venue-configs.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

/**
 * What each pack property passes to tradingActions that the unbiased generator still reads:
 * the weights of the six plain action kinds (composite kinds such as flip or sweep have no
 * unbiased form) and the fault mix. A property's `actions` closes over its options, so they
 * cannot be read off it: they are restated here from properties/*.ts, and an unknown property
 * name stops the benchmark rather than silently running with defaults.
 */
const GENERATION: Record<string, Omit<TradingActionsOptions, 'unbiased'>> = {
  'trading-venue': {},
  'order-lifecycle': {
    weights: { place: 30, cancel: 12, replace: 10, cancel_all: 0, set_mark: 0, reconnect: 0 },
  },
  'self-trade-prevention': {
    weights: { place: 20, cancel: 5, replace: 5, cancel_all: 2, set_mark: 0, reconnect: 0 },
  },
  'margin-and-marks': {
    weights: { place: 30, cancel: 6, replace: 5, cancel_all: 4, set_mark: 15, reconnect: 0 },
  },
  'reconnect-convergence': {
    weights: { place: 25, cancel: 6, replace: 5, cancel_all: 3, set_mark: 3, reconnect: 15 },
  },
  'chaos-recovery': { weights: { reconnect: 2 }, faultPercent: 30, nemesisEvery: 10 },
  // Stop orders have no unbiased form: the uniform mix of the plain kinds, as stop-orders weighs them.
  'stop-orders': {
    weights: { place: 14, cancel: 4, replace: 3, cancel_all: 2, set_mark: 4, reconnect: 0 },
  },
  'varied-venues': { venue: (base) => variedVenueArb(base) },
};

/**
 * The pack's properties, same invariants, settings and default faults, generating uniform
 * random actions instead of the biased mix (the baseline the bias is measured against).
 */
export function unbiasedProperties(): Property<TradingAction>[] {
  // As `shakedown run` without --property: opt-in properties (long runs) are left out.
  return tradingPack.properties
    .filter((property) => !property.optIn)
    .map((property) => {
      const options = GENERATION[property.name];
      if (!options) throw new Error(`bug-detection: no unbiased generation options for ${property.name}`);
      return {
        ...property,
        actions: (context) => tradingActions(context, { ...options, unbiased: true }),
      };
    });
}
