import { defaultExchangeConfig, type ExchangeConfig } from '../trading/protocol/exchange-config.ts';
import type { SubjectInstrument, SubjectRiskLimits } from './subject.ts';

/** The subject's account at the venue: its own, funded, trading the sandbox. */
export const BOT_ACCOUNT = { id: 'bot', key: 'bot-key' } as const;
/** The instrument every bots run trades. */
export const BOT_SYMBOL = 'SANDBOX.BTC-USD';

/**
 * The volatility a subject's breaker must catch: a mark move of more than 2% within 10 s of
 * venue time. Calm moves in generated runs stay well under it.
 */
export const DEFAULT_RISK_LIMITS: SubjectRiskLimits = { maxMarkMovePct: 2, windowMs: 10_000 };

/** The reference venue of a bots run: the default one, plus the subject's account. */
export function botsExchangeConfig(): ExchangeConfig {
  const config = defaultExchangeConfig();
  config.accounts.push({
    id: BOT_ACCOUNT.id,
    key: BOT_ACCOUNT.key,
    cash: 200_000,
    leverage: 5,
    sandbox: true,
  });
  return config;
}

/** The instrument as a subject is told it. */
export function subjectInstrument(config: ExchangeConfig, symbol = BOT_SYMBOL): SubjectInstrument {
  const inst = config.instruments.find((i) => i.symbol === symbol);
  if (inst === undefined) throw new Error(`no instrument ${symbol} in the venue config`);
  return {
    symbol: inst.symbol,
    tickSize: inst.tickSize,
    lotSize: inst.lotSize,
    minQty: inst.minQty,
    maxQty: inst.maxQty,
    markPrice: inst.markPrice,
    bandPct: inst.bandPct,
  };
}
