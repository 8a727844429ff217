import type { ExchangeConfig, NumberSpelling } from '../protocol/exchange-config.ts';
import { TRADERS, type Trader } from '../trading-action.ts';
import { gridOf, type InstrumentGrid } from './instrument-grid.ts';
import { acceptedSpellings } from './number-spellings.ts';

/**
 * What the generation model reads from a venue config, worked out once per config rather than
 * once per run and per shrink candidate: a campaign hands every run the same config object. All
 * of it is read-only and shared by the models of that config.
 */
export interface VenueFacts {
  readonly spellings: ReadonlySet<NumberSpelling>;
  readonly grids: ReadonlyMap<string, InstrumentGrid>;
  readonly sandboxSymbols: readonly string[];
  readonly forbiddenSymbols: readonly string[];
  /** Each trader's configured cash (0 for a trader the config has no account for). */
  readonly startCash: ReadonlyMap<Trader, number>;
  /** The key of `positions` for a trader on a listed symbol: `${trader} ${symbol}`. */
  readonly positionKeys: ReadonlyMap<string, ReadonlyMap<Trader, string>>;
}

interface Known {
  facts: VenueFacts;
  /** The parts of the config the facts were computed from, compared by identity on each use. */
  from: readonly unknown[];
}

const factsByConfig = new WeakMap<ExchangeConfig, Known>();

const inputsOf = (config: ExchangeConfig): readonly unknown[] => [
  config.instruments,
  config.accounts,
  config.sandboxPrefix,
  config.numberSpellings,
];

/** The facts of a config, from the memo when its instruments, accounts, prefix and spellings are the same objects. */
export function venueFacts(config: ExchangeConfig): VenueFacts {
  const known = factsByConfig.get(config);
  const from = inputsOf(config);
  if (known !== undefined && from.every((input, i) => input === known.from[i])) return known.facts;
  const facts = computeFacts(config);
  factsByConfig.set(config, { facts, from });
  return facts;
}

function computeFacts(config: ExchangeConfig): VenueFacts {
  const grids = new Map(config.instruments.map((i) => [i.symbol, gridOf(i)]));
  const sandbox = (s: string) => s.startsWith(config.sandboxPrefix);
  const symbols = config.instruments.map((i) => i.symbol);
  const startCash = new Map<Trader, number>();
  for (const trader of TRADERS)
    startCash.set(trader, config.accounts.find((a) => a.id === trader)?.cash ?? 0);
  const positionKeys = new Map<string, Map<Trader, string>>();
  for (const symbol of grids.keys())
    positionKeys.set(symbol, new Map(TRADERS.map((trader) => [trader, `${trader} ${symbol}`])));
  return {
    spellings: acceptedSpellings(config),
    grids,
    sandboxSymbols: symbols.filter(sandbox),
    forbiddenSymbols: symbols.filter((s) => !sandbox(s)),
    startCash,
    positionKeys,
  };
}
