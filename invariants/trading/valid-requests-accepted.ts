import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import { oracleInvariant, VALID_ACCEPTED } from './support/oracle-judge.ts';

/**
 * Silence must fail: a request that every declared rule of the venue allows (docs/exchange.md,
 * "Validation order" and "Accounts and margin", with the instruments, accounts, band and venue
 * modes of the run's config) is accepted, and one that some rule refuses is not. Judged
 * against the state before the request's input, rebuilt from the venue's own record, exactly
 * (integer atoms); a request the run does not let the oracle judge exactly (no answer, retried,
 * a fault on its link or the venue's, the record incomplete, a value the rules leave open) is
 * skipped and counted in the scope.
 */
export const validRequestsAccepted = oracleInvariant(
  VALID_ACCEPTED,
  'a request the venue declared rules allow is accepted, and one they refuse is not',
  [CAP.accounts, CAP.margin, CAP.priceBands, CAP.streamSeq, CAP.snapshot],
);
