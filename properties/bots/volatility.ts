import type { Property } from '../../src/core/model/property.ts';
import type { BotAction } from '../../src/domains/bots/bot-action.ts';
import { botActionsArbitrary } from '../../src/domains/bots/generation/bot-actions-arbitrary.ts';
import { BOTS_SETTINGS, BOTS_SHRINK_ATTEMPTS } from './all-invariants.ts';

/** Seed 002's risk circuit breaker: a mark spike must halt the subject, and the halt must survive a restart. */
export const volatility: Property<BotAction> = {
  name: 'volatility',
  description: 'A volatility spike halts the subject, and it stays halted across restarts',
  tags: ['spike', 'restart'],
  actions: (context) =>
    botActionsArbitrary(context, { spike: 2, calm_mark: 2, restart: 2, enter: 2, cross: 2, regrid: 1 }),
  invariants: [
    'bots.risk-breaker',
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
