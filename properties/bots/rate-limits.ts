import type { Property } from '../../src/core/model/property.ts';
import type { BotAction } from '../../src/domains/bots/bot-action.ts';
import { botActionsArbitrary } from '../../src/domains/bots/generation/bot-actions-arbitrary.ts';
import { BOTS_SETTINGS, BOTS_SHRINK_ATTEMPTS } from './all-invariants.ts';

/**
 * Seed 002's faulty exchange: 429 on every second or third request, and 5xx before or after the
 * effect, while the subject trades. It must wait each retry-after and execute each order once.
 */
export const rateLimits: Property<BotAction> = {
  name: 'rate-limits',
  description:
    'Under 429s every Nth request and 5xx answers the subject waits as asked and executes each order once',
  tags: ['response.reject_429', 'response.error_5xx', 'retry'],
  actions: (context) =>
    botActionsArbitrary(context, {
      fault: 4,
      enter: 3,
      cross: 3,
      retry: 1,
      cancel: 1,
      restart: 1,
      reconcile: 0.5,
    }),
  faults: ['response.reject_429', 'response.error_5xx'],
  invariants: [
    'bots.backoff-after-429',
    'bots.no-duplicate-execution',
    'bots.reconciliation',
    'bots.reconnects',
    'bots.subject-declared',
    'bots.control-channel',
    'bots.intent-leads-to-order',
  ],
  settings: BOTS_SETTINGS,
  shrinkAttempts: BOTS_SHRINK_ATTEMPTS,
};
