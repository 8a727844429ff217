import type { Property } from '../../../core/model/property.ts';
import type { TradingAction } from '../trading-action.ts';
import { TRADING_SCENARIOS } from './index.ts';
import { scenarioProperty } from './scenario-fuzz.ts';

/**
 * A property by name among `properties`, or `scenario:<name>` for a catalog scenario's fuzzed
 * variations (so their saved failures replay like any other). The pack's `findProperty`.
 */
export function findPropertyIn(
  properties: readonly Property<TradingAction>[],
  name: string,
): Property<TradingAction> | undefined {
  const own = properties.find((p) => p.name === name);
  if (own) return own;
  if (!name.startsWith('scenario:')) return undefined;
  const scenario = TRADING_SCENARIOS.find((s) => `scenario:${s.name}` === name);
  return scenario ? scenarioProperty(scenario) : undefined;
}
