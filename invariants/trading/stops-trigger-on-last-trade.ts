import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import { STOPS_ON_LAST_TRADE, stopInvariant } from './support/stop-record.ts';

/**
 * A stop triggers exactly when the last trade reaches its stop price: a buy stop on the first
 * trade after its acceptance that prints at or above its stop price (a trade that jumps past it
 * counts, exactly as one that touches it), a sell stop at or below, in that trade's input and
 * naming that trade. Silence fails: a stop such a trade reached that did not trigger then is a
 * violation, and so is a trigger no trade justifies (a mark move, a quote, a cancelled stop).
 * The stops one input triggers act in the order of their trades, and those of one trade in the
 * order the config declares (`stopTriggerOrder`: accepted, or stop_price), when it declares one.
 */
export const stopsTriggerOnLastTrade = stopInvariant(
  STOPS_ON_LAST_TRADE,
  'a stop triggers in the input of the first trade after its acceptance that reaches its stop price (at or through it), by that trade, and by nothing else',
  [CAP.stopOrders, CAP.tape],
);
