import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import { EVENTS_CONTENT, oracleInvariant } from './support/oracle-judge.ts';

/**
 * What the venue says matches what it did: an ok reply's result describes the order as the
 * record leaves it (status partially_filled once something filled and it rests), each fill
 * carries the order's filled and remaining quantity, cancel and expiry reasons are the ones
 * the rules give (user, cancel_all, self_trade, band; ioc, fok, market) with the quantities
 * left, a rejection names the request it refuses and changes nothing else, order_accepted
 * echoes the order, position events come exactly when a position (or a held mark) changes,
 * cancel-all cancels every open order in order and says how many, set_mark announces the band
 * the rules make and cancels what falls outside it, and open orders in the final snapshot
 * carry the status their fills give them.
 */
export const eventsContent = oracleInvariant(
  EVENTS_CONTENT,
  'replies, order statuses, reasons, rejections, position events and cancel-all say what the venue did',
  [CAP.accounts, CAP.streamSeq, CAP.snapshot],
);
