import type { Property } from '../../src/core/model/property.ts';
import type { BotAction } from '../../src/domains/bots/bot-action.ts';
import { botActionsArbitrary } from '../../src/domains/bots/generation/bot-actions-arbitrary.ts';
import { BOTS_SETTINGS, BOTS_SHRINK_ATTEMPTS } from './all-invariants.ts';

/**
 * Seed 002's crash recovery: the subject is killed while its orders rest, the market fills
 * them while it is down, and it restarts; once settled it must know every ghost fill, keep no
 * zombie order and have sent nothing twice.
 */
export const ghostFills: Property<BotAction> = {
  name: 'ghost-fills',
  description:
    'Killed while its orders rest and fill, the subject restarts knowing every fill and no zombie order',
  tags: ['restart', 'ghost_fill', 'reconcile'],
  actions: (context) =>
    botActionsArbitrary(context, {
      cross: 6,
      rest: 1,
      enter: 2,
      exit: 1,
      retry: 1,
      restart: 3,
      calm_mark: 1,
      market_cancel: 1,
      reconcile: 0.5,
    }),
  invariants: [
    'bots.reconciliation',
    'bots.no-duplicate-execution',
    'bots.reconnects',
    'bots.subject-declared',
    'bots.control-channel',
    'bots.intent-leads-to-order',
  ],
  settings: BOTS_SETTINGS,
  shrinkAttempts: BOTS_SHRINK_ATTEMPTS,
};
