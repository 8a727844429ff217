import type { Property } from '../../src/core/model/property.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { chaosRecovery } from './chaos-recovery.ts';
import { longLivedVenue } from './long-lived-venue.ts';
import { marginAndMarks } from './margin-and-marks.ts';
import { orderLifecycle } from './order-lifecycle.ts';
import { reconnectConvergence } from './reconnect-convergence.ts';
import { selfTradePrevention } from './self-trade-prevention.ts';
import { stopOrders } from './stop-orders.ts';
import { tradingVenue } from './trading-venue.ts';
import { variedVenues } from './varied-venues.ts';

/** Every trading property; the first is the full mix a campaign runs by default. */
export const TRADING_PROPERTIES: readonly Property<TradingAction>[] = [
  tradingVenue,
  orderLifecycle,
  selfTradePrevention,
  marginAndMarks,
  reconnectConvergence,
  chaosRecovery,
  stopOrders,
  variedVenues,
  longLivedVenue,
];
