import { BOTS_PROPERTIES } from '../../../../properties/bots/index.ts';
import type { Property } from '../../../core/model/property.ts';
import type { BotAction } from '../bot-action.ts';
import { BOTS_CATALOG } from './catalog.ts';
import { botsScenarioProperty } from './scenario-property.ts';

/** A bots property by name, or `scenario:<name>` for a catalog scenario's variations. */
export function findBotsProperty(name: string): Property<BotAction> | undefined {
  const own = BOTS_PROPERTIES.find((p) => p.name === name);
  if (own) return own;
  if (!name.startsWith('scenario:')) return undefined;
  const scenario = BOTS_CATALOG.find((s) => `scenario:${s.name}` === name);
  return scenario ? botsScenarioProperty(scenario) : undefined;
}
