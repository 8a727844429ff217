import type { Property } from '../../../core/model/property.ts';
import type { TradingAction } from '../trading-action.ts';
import { tradingPack } from '../trading-pack.ts';
import { TRADING_SCENARIOS } from './index.ts';
import { scenarioProperty } from './scenario-fuzz.ts';

/**
 * A property by name: one of the pack's, or `scenario:<name>` for a scenario's fuzzed
 * variations (so their saved failures replay like any other).
 */
export function findTradingProperty(name: string): Property<TradingAction> | undefined {
  const own = tradingPack.properties.find((p) => p.name === name);
  if (own) return own;
  if (!name.startsWith('scenario:')) return undefined;
  const scenario = TRADING_SCENARIOS.find((s) => `scenario:${s.name}` === name);
  return scenario ? scenarioProperty(scenario) : undefined;
}

/** Surface tags of a property or a scenario, by name. */
export function tagsOfTrading(name: string): readonly string[] {
  return findTradingProperty(name)?.tags ?? TRADING_SCENARIOS.find((s) => s.name === name)?.tags ?? [];
}
