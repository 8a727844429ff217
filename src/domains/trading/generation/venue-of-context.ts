import type { GenerationContext } from '../../../core/model/property.ts';
import { defaultExchangeConfig, type ExchangeConfig } from '../protocol/exchange-config.ts';

/**
 * The venue config a trading generator aims at: the campaign's (GenerationContext.config, which
 * the CLI fills from `run --config`, a validated ExchangeConfig), else the default venue. The core
 * hands it over as opaque data; only its shape is checked here, so that a context from elsewhere
 * (a test, another tool) without one falls back to the default.
 */
export function generationConfigOf(context: Pick<GenerationContext, 'config'>): ExchangeConfig {
  const config = context.config as Partial<ExchangeConfig> | undefined;
  if (
    typeof config === 'object' &&
    config !== null &&
    Array.isArray(config.instruments) &&
    config.instruments.length > 0 &&
    Array.isArray(config.accounts) &&
    typeof config.sandboxPrefix === 'string'
  )
    return config as ExchangeConfig;
  return defaultExchangeConfig();
}
