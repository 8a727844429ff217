import type { MarketGrid } from './market-grid.ts';
import { show } from './numbers.ts';

/** What a level should hold: the quantity and number of the orders resting there. */
export interface Expected {
  qty: number;
  count: number;
  /** How the orders are named in a message (`O3 (maker, c1) 0.01`...): asked for only to write one. */
  names(): readonly string[];
}

/** What a level holds as published: absent, or a quantity and, when the venue gives one, a count. */
export interface Shown {
  qty: number;
  count?: number;
}

function listed(names: readonly string[]): string {
  return names.length <= 3
    ? names.join(', ')
    : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/**
 * How a published level disagrees with the orders resting at its price, or undefined when it
 * agrees: a level missing (or at zero) while orders rest, a level where none rests (a
 * zero-volume level left behind), another volume, or another order count when one is given.
 */
export function levelMismatch(
  symbol: string,
  grid: MarketGrid,
  shown: Shown | undefined,
  expected: Expected,
): string | undefined {
  const qty = (units: number) => show(grid.qtyOf(symbol, units));
  const resting = () =>
    expected.count === 0 ? 'no order rests there' : `${listed(expected.names())} rest there`;
  if (shown === undefined) {
    return expected.qty > 0
      ? `no level is published while ${resting()} (${qty(expected.qty)} in total)`
      : undefined;
  }
  if (shown.qty === 0) {
    return `a level with zero volume is published${expected.qty > 0 ? ` while ${resting()} (${qty(expected.qty)})` : ''}`;
  }
  if (expected.qty === 0 && expected.count === 0)
    return `a level of ${qty(shown.qty)} is published where no order rests`;
  if (shown.qty !== expected.qty)
    return `the level shows ${qty(shown.qty)}, the orders resting there add up to ${qty(expected.qty)} (${listed(expected.names())})`;
  if (shown.count !== undefined && shown.count !== expected.count)
    return `the level counts ${shown.count} order(s), ${expected.count} rest there (${listed(expected.names())})`;
  return undefined;
}
