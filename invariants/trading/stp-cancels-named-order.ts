import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import { oracleInvariant, STP_NAMED_ORDER } from './support/oracle-judge.ts';

/**
 * When a taker reaches a resting order of its own account, the taker's self-trade prevention
 * mode (the request's, or the config's `defaultStp`) decides, and the venue cancels exactly
 * the order the mode names: cancel_newest the taker (the resting order stays), cancel_oldest
 * the resting order (the taker goes on), cancel_both the resting order and then the taker.
 * Fills before that point stand. The whole input is compared with the rules' prediction.
 */
export const stpCancelsNamedOrder = oracleInvariant(
  STP_NAMED_ORDER,
  'self-trade prevention cancels exactly the order its mode names',
  [CAP.selfTradePrevention, CAP.streamSeq, CAP.snapshot],
);
