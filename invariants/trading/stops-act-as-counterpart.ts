import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import { STOPS_COUNTERPART, stopInvariant } from './support/stop-record.ts';

/**
 * Before its trigger a stop waits off the book: it never trades or expires (only a cancel, or
 * for a stop_limit the band, ends it). Its trigger says what it became (a stop_market a market
 * order, a stop_limit a limit order at its limit price, with its tif, stop price and side), and
 * from then on it acts as that counterpart: it takes liquidity first, a stop_limit never trades
 * past its limit, a market, ioc or fok counterpart never rests and expires with the reason its
 * counterpart would (market, ioc, fok; a fok fills all or nothing), and a gtc stop_limit that
 * rests fills as a maker at its limit price, queued by its trigger time (checked against the
 * final snapshot's priorities, where the venue publishes them).
 */
export const stopsActAsCounterpart = stopInvariant(
  STOPS_COUNTERPART,
  'a waiting stop never trades; a triggered stop acts as its market or limit counterpart (limit, expiry, resting, priority of its trigger)',
  [CAP.stopOrders],
);
