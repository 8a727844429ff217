import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import { STOPS_AFTER_ACCEPT, stopInvariant } from './support/stop-record.ts';

/**
 * A stop never triggers before it is accepted: no order_triggered before its order_accepted,
 * none by a trade that printed before its acceptance, none in the input that accepted it. A
 * stop the last trade has already reached is refused `stop_would_trigger` instead, and that
 * refusal is given only when the last trade (since the start or the last reset) did reach it.
 */
export const stopsTriggerAfterAccept = stopInvariant(
  STOPS_AFTER_ACCEPT,
  'a stop triggers only on trades after its acceptance; stop_would_trigger only when the last trade reached the stop price',
  [CAP.stopOrders, CAP.tape],
);
