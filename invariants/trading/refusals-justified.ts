import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import { oracleInvariant, REFUSALS_JUSTIFIED } from './support/oracle-judge.ts';

/**
 * Every refusal names a reason that the venue's declared rules make applicable to that request
 * in that state; where several apply, any of them, unless the config declares the order of
 * the venue's checks (`rejectPrecedence`), and then the first failing check's. A refusal of a
 * request no rule refuses is `requests.valid-accepted`'s to report.
 */
export const refusalsJustified = oracleInvariant(
  REFUSALS_JUSTIFIED,
  'every refusal names a reason the declared rules make applicable (the first by the declared check order)',
  [CAP.accounts, CAP.margin, CAP.priceBands, CAP.streamSeq, CAP.snapshot],
);
