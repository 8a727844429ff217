/**
 * Prices and quantities as integers for the market-data rules: a price as whole units of its
 * instrument's tick decimals, a quantity as units of its lot decimals, so that sums of resting
 * quantities are exact. Read from the run's config alone (no code of the venue): an instrument
 * the config does not name falls back to nano units.
 */
export interface MarketGrid {
  /** The price as an integer key (units of the tick's decimals). */
  priceKey(symbol: string, price: number): number;
  /** The quantity in units of the lot's decimals. */
  qtyUnits(symbol: string, qty: number): number;
  /** Units back to the decimal the venue would print. */
  qtyOf(symbol: string, units: number): number;
  priceOf(symbol: string, key: number): number;
}

interface Scales {
  price: number;
  qty: number;
}

const FALLBACK: Scales = { price: 1e9, qty: 1e9 };

/** Decimal places of a positive step as written in JavaScript (0.001 -> 3, 1e-7 -> 7, 5 -> 0). */
export function decimalPlaces(step: unknown): number {
  if (typeof step !== 'number' || !Number.isFinite(step) || step <= 0) return 9;
  const text = String(step);
  const exp = /e-(\d+)$/.exec(text);
  const mantissa = exp ? text.slice(0, exp.index) : text;
  const fraction = mantissa.includes('.') ? mantissa.split('.')[1].length : 0;
  return Math.min(15, fraction + (exp ? Number(exp[1]) : 0));
}

interface InstrumentLike {
  symbol?: unknown;
  tickSize?: unknown;
  lotSize?: unknown;
}

export function marketGrid(config: { instruments?: readonly InstrumentLike[] } | undefined): MarketGrid {
  // Several invariants ask for the grid of the same config in one run: the last one is kept
  // while the instruments still read the same (a config edited since gets a new grid).
  const list = Array.isArray(config?.instruments) ? config.instruments : [];
  if (last !== undefined && last.config === config && sameInstruments(last.read, list)) return last.grid;
  const grid = buildGrid(list);
  last = {
    config,
    read: list.map((inst) => ({ symbol: inst?.symbol, tickSize: inst?.tickSize, lotSize: inst?.lotSize })),
    grid,
  };
  return grid;
}

let last: { config: unknown; read: InstrumentLike[]; grid: MarketGrid } | undefined;

function sameInstruments(read: readonly InstrumentLike[], list: readonly InstrumentLike[]): boolean {
  if (read.length !== list.length) return false;
  for (let i = 0; i < list.length; i++) {
    const a = read[i];
    const b = list[i];
    if (a.symbol !== b?.symbol || a.tickSize !== b?.tickSize || a.lotSize !== b?.lotSize) return false;
  }
  return true;
}

function buildGrid(instruments: readonly InstrumentLike[]): MarketGrid {
  const scales = new Map<string, Scales>();
  for (const inst of instruments) {
    if (typeof inst?.symbol !== 'string') continue;
    scales.set(inst.symbol, {
      price: 10 ** decimalPlaces(inst.tickSize),
      qty: 10 ** decimalPlaces(inst.lotSize),
    });
  }
  // Asked for the same symbol many times in a row: the last answer is kept.
  let lastSymbol: string | undefined;
  let lastScales: Scales = FALLBACK;
  const of = (symbol: string): Scales => {
    if (symbol !== lastSymbol || lastSymbol === undefined) {
      lastScales = scales.get(symbol) ?? FALLBACK;
      lastSymbol = symbol;
    }
    return lastScales;
  };
  const units = (x: number, scale: number): number =>
    typeof x === 'number' && Number.isFinite(x) ? Math.round(x * scale) : Number.NaN;
  return {
    priceKey: (symbol, price) => units(price, of(symbol).price),
    qtyUnits: (symbol, qty) => units(qty, of(symbol).qty),
    qtyOf: (symbol, n) => n / of(symbol).qty,
    priceOf: (symbol, key) => key / of(symbol).price,
  };
}
