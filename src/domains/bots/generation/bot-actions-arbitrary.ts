import * as fc from 'fast-check';
import type { FaultKind } from '../../../core/faults/fault.ts';
import type { GenerationContext } from '../../../core/model/property.ts';
import type { BotAction } from '../bot-action.ts';
import { BOT_SYMBOL, botsExchangeConfig, DEFAULT_RISK_LIMITS, subjectInstrument } from '../bots-venue.ts';
import { type BotMix, botCommand, gapMs } from './bot-commands.ts';
import { planBotRun } from './plan-bot-run.ts';

/** The fault kinds a bots run knows how to generate (the in-process subject's link takes them all). */
export const BOT_FAULT_KINDS: readonly FaultKind[] = [
  'frame.drop',
  'frame.delay',
  'connection.close',
  'connection.reset',
  'response.reject_429',
  'response.error_5xx',
];

/**
 * A bots run as one fast-check value: the opening grid, then a list of timed commands drawn by
 * the mix (the subject's intents, the rest of the market, marks and spikes, venue modes, faults
 * on its link, kills and restarts), planned into actions. Everything shrinks together: a
 * shorter list, a smaller grid, a fault with a smaller count, a restart without its corruption.
 * Faults come only in kinds the campaign enabled (`context.faults`).
 */
export function botActionsArbitrary(
  context: GenerationContext,
  mix: BotMix & { corrupt?: number },
): fc.Arbitrary<BotAction[]> {
  const config = botsExchangeConfig();
  const instrument = subjectInstrument(config, BOT_SYMBOL);
  const faultKinds = (context.faults ?? []).filter((k) => BOT_FAULT_KINDS.includes(k));
  const grid = fc.record({
    step: fc.constantFrom(10, 25, 50),
    levels: fc.integer({ min: 1, max: 3 }),
    lots: fc.integer({ min: 1, max: 2 }),
  });
  const commands = fc.array(fc.record({ gapMs, command: botCommand(mix, faultKinds) }), {
    maxLength: Math.max(0, context.maxActions - 1),
    size: 'medium',
  });
  return fc.tuple(grid, commands).map(([g, list]) => planBotRun(g, list, instrument, DEFAULT_RISK_LIMITS));
}
