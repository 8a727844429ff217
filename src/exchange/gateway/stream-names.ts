import type { ExchangeConfig } from '../../domains/trading/protocol/exchange-config.ts';

export type StreamName =
  | { kind: 'account'; account: string }
  | { kind: 'market'; symbol: string }
  | { kind: 'book'; symbol: string };

/**
 * Reads a stream name (`account:<id>`, `market:<symbol>`, `book:<symbol>`) and checks it names
 * an account or instrument of this exchange; undefined when it does not.
 */
export function parseStreamName(name: string, config: ExchangeConfig): StreamName | undefined {
  const colon = name.indexOf(':');
  if (colon < 0) return undefined;
  const kind = name.slice(0, colon);
  const rest = name.slice(colon + 1);
  if (kind === 'account') {
    return config.accounts.some((a) => a.id === rest) ? { kind, account: rest } : undefined;
  }
  if (kind === 'market' || kind === 'book') {
    return config.instruments.some((i) => i.symbol === rest) ? { kind, symbol: rest } : undefined;
  }
  return undefined;
}
