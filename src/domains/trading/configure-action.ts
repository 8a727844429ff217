import type { ExchangeConfig } from './protocol/exchange-config.ts';
import type { ConfigureAction, TradingAction } from './trading-action.ts';

/**
 * The venue config a run asks for: its leading `configure` action's (ConfigureAction), or
 * undefined when it has none. Only the first action counts: a generator puts it there, and a
 * shrunk or replayed run keeps it there.
 */
export function runVenueConfig(actions: readonly TradingAction[] | undefined): ExchangeConfig | undefined {
  const first = actions?.[0];
  return first?.kind === 'configure' ? first.config : undefined;
}

/** The leading action that tells a venue-config target which venue to build for the run. */
export function configureAction(config: ExchangeConfig): ConfigureAction {
  return { kind: 'configure', client: 'admin', gapMs: 0, config };
}
