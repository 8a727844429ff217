import type { Property } from '../../src/core/model/property.ts';
import type { BotAction } from '../../src/domains/bots/bot-action.ts';
import { botUnderFire } from './bot-under-fire.ts';
import { corruptedState } from './corrupted-state.ts';
import { ghostFills } from './ghost-fills.ts';
import { rateLimits } from './rate-limits.ts';
import { venueModes } from './venue-modes.ts';
import { volatility } from './volatility.ts';

export { ALL_BOTS_INVARIANTS, BOTS_SETTINGS, BOTS_SHRINK_ATTEMPTS } from './all-invariants.ts';
export { botUnderFire } from './bot-under-fire.ts';
export { corruptedState } from './corrupted-state.ts';
export { ghostFills } from './ghost-fills.ts';
export { rateLimits } from './rate-limits.ts';
export { venueModes } from './venue-modes.ts';
export { volatility } from './volatility.ts';

/** The bots properties: the whole mix first, then one per area of seeds 001 and 002. */
export const BOTS_PROPERTIES: readonly Property<BotAction>[] = [
  botUnderFire,
  ghostFills,
  rateLimits,
  corruptedState,
  volatility,
  venueModes,
];
