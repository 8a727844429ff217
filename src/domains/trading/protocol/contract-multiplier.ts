import { decimalsOf } from './decimals-of.ts';
import type { InstrumentConfig } from './exchange-config.ts';

/**
 * The contract multiplier: how much cash one unit of quantity at a price of 1 is worth. A trade
 * of `qty` at `price` moves `price x qty x multiplier` of cash; margin, equity and unrealized
 * P&L are valued the same way. Absent, 1 (a spot-like instrument).
 */
export function contractMultiplierOf(instrument: Pick<InstrumentConfig, 'contractMultiplier'>): number {
  return instrument.contractMultiplier ?? 1;
}

/** Decimals of cash one instrument needs so that price x qty x multiplier is a whole number of atoms. */
export function cashDecimalsOfInstrument(
  instrument: Pick<InstrumentConfig, 'tickSize' | 'lotSize' | 'contractMultiplier'>,
): number {
  return (
    decimalsOf(instrument.tickSize) +
    decimalsOf(instrument.lotSize) +
    decimalsOf(contractMultiplierOf(instrument))
  );
}

/**
 * Cash atoms per (price atom x qty atom) of one instrument, at the venue's cash scale
 * (`cashDecimals`, the largest cashDecimalsOfInstrument over its instruments): an integer.
 */
export function cashPerPxQtyOf(
  instrument: Pick<InstrumentConfig, 'tickSize' | 'lotSize' | 'contractMultiplier'>,
  cashDecimals: number,
): number {
  const multiplier = contractMultiplierOf(instrument);
  const md = decimalsOf(multiplier);
  const multiplierAtoms = Math.round(multiplier * 10 ** md);
  return multiplierAtoms * 10 ** (cashDecimals - cashDecimalsOfInstrument(instrument));
}
