import type { Property } from '../../src/core/model/property.ts';
import type { BotAction } from '../../src/domains/bots/bot-action.ts';
import { botActionsArbitrary } from '../../src/domains/bots/generation/bot-actions-arbitrary.ts';
import { BOTS_SETTINGS, BOTS_SHRINK_ATTEMPTS } from './all-invariants.ts';

/** Seed 002's state mismatch: the state file is truncated, garbled or has a digit changed before a restart. */
export const corruptedState: Property<BotAction> = {
  name: 'corrupted-state',
  description:
    'Restarted on a damaged state file the subject refuses to trade instead of trading on bad state',
  tags: ['corrupted_start', 'restart'],
  actions: (context) => botActionsArbitrary(context, { corrupt: 2, restart: 1, enter: 2, cross: 2, exit: 1 }),
  invariants: [
    'bots.fail-closed',
    'bots.reconciliation',
    'bots.no-duplicate-execution',
    'bots.reconnects',
    'bots.subject-declared',
    'bots.control-channel',
  ],
  settings: BOTS_SETTINGS,
  shrinkAttempts: BOTS_SHRINK_ATTEMPTS,
};
