import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import { MATCHING_HAPPENS, oracleInvariant } from './support/oracle-judge.ts';

/**
 * Matching must happen as the rules say, input by input against the book the record shows: a
 * crossing order trades against the resting liquidity it can reach (best price first, oldest
 * first, at the resting price, min of both sides), a gtc limit that does not cross rests, a
 * fok the book can cover fills and one it cannot expires untouched, an ioc or market order
 * takes what it can and expires the rest. Inputs where the taker meets its own account's
 * orders are `stp.cancels-named-order`'s.
 */
export const matchingHappens = oracleInvariant(
  MATCHING_HAPPENS,
  'crossing orders trade what they can reach, non-crossing gtc limits rest, coverable foks fill, iocs take what they can',
  [CAP.streamSeq, CAP.snapshot],
);
