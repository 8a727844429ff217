import type { Property } from '../src/core/model/property.ts';
import type { TradingAction } from '../src/domains/trading/trading-action.ts';
import { tradingPack } from '../src/domains/trading/trading-pack.ts';

/** The property the throughput benchmarks drive: the pack's trading-venue, as `run` has it. */
export function tradingVenueProperty(): Property<TradingAction> {
  const property = tradingPack.properties.find((p) => p.name === 'trading-venue');
  if (!property) throw new Error('benchmark: the trading-venue property is missing');
  return property;
}
