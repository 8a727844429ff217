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
  const scales = new Map<string, Scales>();
  for (const inst of Array.isArray(config?.instruments) ? config.instruments : []) {
    if (typeof inst?.symbol !== 'string') continue;
    scales.set(inst.symbol, {
      price: 10 ** decimalPlaces(inst.tickSize),
      qty: 10 ** decimalPlaces(inst.lotSize),
    });
  }
  const of = (symbol: string): Scales => scales.get(symbol) ?? FALLBACK;
  const units = (x: number, scale: number): number =>
    typeof x === 'number' && Number.isFinite(x) ? Math.round(x * scale) : Number.NaN;
  return {
    priceKey: (symbol, price) => units(price, of(symbol).price),
    qtyUnits: (symbol, qty) => units(qty, of(symbol).qty),
    qtyOf: (symbol, n) => n / of(symbol).qty,
    priceOf: (symbol, key) => key / of(symbol).price,
  };
}
