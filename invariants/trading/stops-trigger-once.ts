import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import { STOPS_ONCE, stopInvariant } from './support/stop-record.ts';

/** A stop order triggers at most once, and only stop orders trigger at all. */
export const stopsTriggerOnce = stopInvariant(
  STOPS_ONCE,
  'each stop order triggers at most once; no other order triggers',
  [CAP.stopOrders],
);
