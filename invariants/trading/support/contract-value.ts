import { stepDecimals } from './oracle-formulas.ts';

/**
 * What an instrument's quantity is worth in cash, as docs/exchange.md states it and read from the
 * run's config alone: a trade of `qty` at `price` moves `price x qty x contractMultiplier` of
 * cash (1 when the config names no multiplier), and margin, equity and unrealized P&L value a
 * position the same way. Cash atoms are 10^-cashDecimals, cashDecimals being the largest tick
 * decimals + lot decimals + multiplier decimals over the instruments, so every such product is a
 * whole number of cash atoms.
 */
export interface ContractLike {
  tickSize: number;
  lotSize: number;
  contractMultiplier?: number;
}

/** The instrument's multiplier; 1 when absent or not a positive number. */
export function multiplierOf(inst: ContractLike | undefined): number {
  const m = inst?.contractMultiplier;
  return typeof m === 'number' && Number.isFinite(m) && m > 0 ? m : 1;
}

const decimals = (x: number): number => {
  const d = stepDecimals(x);
  return Number.isNaN(d) ? 0 : d;
};

/** Decimals of cash this instrument needs on its own. */
export function instrumentCashDecimals(inst: ContractLike): number {
  return decimals(inst.tickSize) + decimals(inst.lotSize) + decimals(multiplierOf(inst));
}

/** Cash atoms per (price atom x qty atom) at a venue cash scale of `cashDecimals`. */
export function cashPerPxQtyAt(inst: ContractLike, cashDecimals: number): number {
  const multiplier = multiplierOf(inst);
  const md = decimals(multiplier);
  return Math.round(multiplier * 10 ** md) * 10 ** (cashDecimals - instrumentCashDecimals(inst));
}
