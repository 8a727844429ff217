import type { Scenario } from '../../../core/scenario/scenario.ts';
import type { BotAction } from '../bot-action.ts';
import type { BotEvent } from '../bot-event.ts';
import type { BotsView } from '../bots-projection.ts';

/** A fixed scenario of the bots domain. */
export type BotsScenario = Scenario<BotAction, BotEvent, BotsView>;
