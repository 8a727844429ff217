import type { Property } from '../../src/core/model/property.ts';
import type { BotAction } from '../../src/domains/bots/bot-action.ts';
import { botActionsArbitrary } from '../../src/domains/bots/generation/bot-actions-arbitrary.ts';
import { BOTS_SETTINGS, BOTS_SHRINK_ATTEMPTS } from './all-invariants.ts';

/** Seed 001's mock venue: it rejects entries or exits, refuses cancels, or fills only in part. */
export const venueModes: Property<BotAction> = {
  name: 'venue-modes',
  description:
    'When the venue rejects entries or exits, refuses cancels or fills in part, the subject keeps its books right',
  tags: ['rejectEntries', 'rejectExits', 'rejectCancels', 'partialFills'],
  actions: (context) =>
    botActionsArbitrary(context, {
      modes: 2,
      calm_venue: 1,
      enter: 3,
      exit: 2,
      cancel: 2,
      cross: 4,
      retry: 1,
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
