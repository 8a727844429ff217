import { cashPerPxQtyAt, instrumentCashDecimals } from './contract-value.ts';
import { exactDecimal, pow10, stepDecimals } from './oracle-formulas.ts';

/**
 * The venue's declared rules as the oracle reads them from the run's config (evidence.extra,
 * the ExchangeConfig shape of docs/exchange.md and docs/adapters.md, declared here so that
 * checkers import nothing of the venue). Amounts become integer atoms: a price counts units of
 * the tick's decimals, a quantity units of the lot's decimals, cash units of the largest sum
 * of the two over all instruments, so that every product price x qty is a whole number of
 * cash atoms and every comparison is exact.
 */
export interface OracleInstrumentConfig {
  symbol: string;
  tickSize: number;
  lotSize: number;
  minQty: number;
  maxQty: number;
  bandPct: number;
  markPrice: number;
  maxPosition: number;
  /** Cash per unit of quantity per unit of price; 1 when absent (contract-value.ts). */
  contractMultiplier?: number;
}

export interface OracleAccountConfig {
  id: string;
  cash: number;
  leverage: number;
  sandbox: boolean;
  forbiddenSymbols?: readonly string[];
}

export interface OracleVenueConfig {
  sandboxPrefix?: string;
  sandboxIsolation?: boolean;
  instruments?: readonly OracleInstrumentConfig[];
  accounts?: readonly OracleAccountConfig[];
  defaultStp?: string;
  retainFinishedOrders?: number;
  venueModes?: { rejectEntries?: boolean; rejectExits?: boolean; rejectCancels?: boolean };
  rejectPrecedence?: Partial<Record<string, readonly string[]>>;
}

export interface InstrumentRules {
  symbol: string;
  sandbox: boolean;
  priceDecimals: number;
  qtyDecimals: number;
  /** 10^priceDecimals, 10^qtyDecimals. */
  priceScale: number;
  qtyScale: number;
  /** In price atoms. */
  tick: number;
  configuredMark: number;
  /** In quantity atoms. */
  lot: number;
  minQty: number;
  maxQty: number;
  maxPosition: number;
  bandPct: number;
  /** price atoms x quantity atoms x this = cash atoms. */
  cashPerPxQty: number;
}

export interface AccountRules {
  id: string;
  /** Starting cash, in cash atoms. */
  cash: number;
  leverage: number;
  sandbox: boolean;
  forbidden: ReadonlySet<string>;
}

export const STP_MODES = ['cancel_newest', 'cancel_oldest', 'cancel_both'] as const;
export const TIFS = ['gtc', 'ioc', 'fok', 'post_only'] as const;

export interface VenueRules {
  instruments: ReadonlyMap<string, InstrumentRules>;
  accounts: ReadonlyMap<string, AccountRules>;
  cashDecimals: number;
  cashScale: number;
  sandboxPrefix: string;
  sandboxIsolation: boolean;
  /** The mode of a request that names none; undefined when the config does not declare it. */
  defaultStp: string | undefined;
  /** Finished orders the venue remembers (their ids and client ids stay taken); Infinity when not declared. */
  retainFinishedOrders: number;
  venueModes: { rejectEntries: boolean; rejectExits: boolean; rejectCancels: boolean };
  /** Declared check order per request type (place, cancel, replace); absent: any applicable reason. */
  precedence: ReadonlyMap<string, readonly string[]>;
}

/** 10 ** n for n = 0..22 (every one exact), worked out once. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, n) => 10 ** n);

/** x in atoms of 10^-decimals, exactly, or NaN when x is not on that grid. */
export function toAtoms(x: number, decimals: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) return Number.NaN;
  // Fast path: when the whole number of atoms divides back to exactly this double (and stays
  // far below 2^53), x is that decimal's nearest double, so its shortest spelling is it.
  const scale =
    decimals >= 0 && decimals <= 22 && Number.isInteger(decimals) ? POWERS_OF_TEN[decimals] : 10 ** decimals;
  const whole = Math.round(x * scale);
  if (Math.abs(whole) < 2 ** 50 && whole / scale === x) return whole;
  const exact = exactDecimal(x);
  if (exact === undefined || !Number.isInteger(decimals)) return Number.NaN;
  if (exact.places > decimals) return Number.NaN;
  const atoms = exact.num * pow10(decimals - exact.places);
  const n = Number(atoms);
  return Number.isSafeInteger(n) ? n : Number.NaN;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** The rules of a config, or undefined when the config is missing or not usable as declared. */
export function venueRules(config: OracleVenueConfig | undefined): VenueRules | undefined {
  if (typeof config !== 'object' || config === null) return undefined;
  return buildRules(config);
}

function buildRules(config: OracleVenueConfig): VenueRules | undefined {
  const instrumentList = Array.isArray(config.instruments) ? config.instruments : [];
  const accountList = Array.isArray(config.accounts) ? config.accounts : [];
  if (instrumentList.length === 0 || accountList.length === 0) return undefined;
  let cashDecimals = 0;
  for (const inst of instrumentList) {
    if (!finite(inst?.tickSize) || !finite(inst.lotSize)) return undefined;
    cashDecimals = Math.max(cashDecimals, instrumentCashDecimals(inst));
  }
  const prefix = typeof config.sandboxPrefix === 'string' ? config.sandboxPrefix : undefined;
  if (prefix === undefined) return undefined;
  const instruments = new Map<string, InstrumentRules>();
  for (const inst of instrumentList) {
    if (typeof inst.symbol !== 'string') return undefined;
    const pd = stepDecimals(inst.tickSize);
    const qd = stepDecimals(inst.lotSize);
    const rules: InstrumentRules = {
      symbol: inst.symbol,
      sandbox: inst.symbol.startsWith(prefix),
      priceDecimals: pd,
      qtyDecimals: qd,
      priceScale: 10 ** pd,
      qtyScale: 10 ** qd,
      tick: toAtoms(inst.tickSize, pd),
      configuredMark: toAtoms(inst.markPrice, pd),
      lot: toAtoms(inst.lotSize, qd),
      minQty: toAtoms(inst.minQty, qd),
      maxQty: toAtoms(inst.maxQty, qd),
      maxPosition: toAtoms(inst.maxPosition, qd),
      bandPct: inst.bandPct,
      cashPerPxQty: cashPerPxQtyAt(inst, cashDecimals),
    };
    const numbers = [
      rules.tick,
      rules.configuredMark,
      rules.lot,
      rules.minQty,
      rules.maxQty,
      rules.maxPosition,
    ];
    if (!numbers.every((n) => Number.isSafeInteger(n) && n > 0) || !finite(inst.bandPct)) return undefined;
    instruments.set(inst.symbol, rules);
  }
  const accounts = new Map<string, AccountRules>();
  for (const acct of accountList) {
    if (typeof acct?.id !== 'string' || !finite(acct.leverage) || typeof acct.sandbox !== 'boolean')
      return undefined;
    const cash = toAtoms(acct.cash, cashDecimals);
    if (!Number.isSafeInteger(cash)) return undefined;
    accounts.set(acct.id, {
      id: acct.id,
      cash,
      leverage: acct.leverage,
      sandbox: acct.sandbox,
      forbidden: new Set(Array.isArray(acct.forbiddenSymbols) ? acct.forbiddenSymbols : []),
    });
  }
  const precedence = new Map<string, readonly string[]>();
  const declared = config.rejectPrecedence;
  if (typeof declared === 'object' && declared !== null) {
    for (const [request, checks] of Object.entries(declared)) {
      if (Array.isArray(checks) && checks.every((c) => typeof c === 'string'))
        precedence.set(request, checks);
    }
  }
  const modes = config.venueModes ?? {};
  return {
    instruments,
    accounts,
    cashDecimals,
    cashScale: 10 ** cashDecimals,
    sandboxPrefix: prefix,
    sandboxIsolation: config.sandboxIsolation !== false,
    defaultStp: typeof config.defaultStp === 'string' ? config.defaultStp : undefined,
    retainFinishedOrders:
      typeof config.retainFinishedOrders === 'number' && config.retainFinishedOrders >= 0
        ? config.retainFinishedOrders
        : Number.POSITIVE_INFINITY,
    venueModes: {
      rejectEntries: modes.rejectEntries === true,
      rejectExits: modes.rejectExits === true,
      rejectCancels: modes.rejectCancels === true,
    },
    precedence,
  };
}
