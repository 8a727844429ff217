import type { Property } from '../../src/core/model/property.ts';
import type { BotAction } from '../../src/domains/bots/bot-action.ts';
import { botActionsArbitrary } from '../../src/domains/bots/generation/bot-actions-arbitrary.ts';
import { ALL_BOTS_INVARIANTS, BOTS_SETTINGS, BOTS_SHRINK_ATTEMPTS } from './all-invariants.ts';

/**
 * The whole mix against a subject: its intents (grids, entries, exits, cancels, retries,
 * reconciles) while the rest of the market trades into its orders, marks drift and spike, the
 * venue refuses entries, exits or cancels or fills only in part, its link suffers 429s, 5xx,
 * lost and late frames and cuts, and it is killed and restarted (sometimes on a damaged state
 * file) while its orders keep filling.
 */
export const botUnderFire: Property<BotAction> = {
  name: 'bot-under-fire',
  description:
    'A subject under everything at once keeps its books with the venue, executes once, backs off, fails closed and halts on volatility',
  tags: [
    'intent',
    'restart',
    'ghost_fill',
    'spike',
    'corrupted_start',
    'rejectEntries',
    'response.reject_429',
  ],
  actions: (context) =>
    botActionsArbitrary(context, {
      cross: 6,
      rest: 1,
      market_cancel: 1,
      calm_mark: 2,
      spike: 0.5,
      enter: 3,
      exit: 1,
      retry: 1,
      cancel: 1,
      reconcile: 0.5,
      observe: 0.3,
      params: 0.2,
      resume: 0.2,
      regrid: 0.5,
      modes: 0.7,
      calm_venue: 0.7,
      fault: 2,
      restart: 1.5,
      corrupt: 0.3,
    }),
  faults: 'all',
  invariants: [...ALL_BOTS_INVARIANTS],
  settings: BOTS_SETTINGS,
  shrinkAttempts: BOTS_SHRINK_ATTEMPTS,
};
