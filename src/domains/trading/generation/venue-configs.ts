import fc from 'fast-check';
import { decimalsOf } from '../protocol/decimals-of.ts';
import type { AccountConfig, ExchangeConfig, InstrumentConfig } from '../protocol/exchange-config.ts';
import { validateExchangeConfig } from '../protocol/validate-config.ts';
import { cleanDecimal } from './instrument-grid.ts';
import { recordOf } from './mapped-tuple.ts';

/**
 * Venue configs to run against, one drawn per run (the `varied-venues` property): two or three
 * sandbox instruments with other ticks, lots, contract multipliers, marks, bands and limits than
 * the default, and the campaign's accounts with other cash and leverage. Every config drawn is
 * one the venue accepts (validateExchangeConfig): the decimals of tick, lot and multiplier stay
 * within 6 together and an instrument's largest notional near 30,000, so that exact integer
 * arithmetic holds at the shared cash scale. The leverage-1 account's cash is a whole number of
 * lots of the first instrument at its mark, so an order of that many lots leaves it exactly 0.
 */

const TICKS = [0.01, 0.05, 0.5, 1, 5, 25] as const;
const LOTS = [0.0001, 0.001, 0.01, 0.1, 1, 10] as const;
const MULTIPLIERS = [1, 10, 100, 0.5, 0.25] as const;
const BANDS = [0.02, 0.05, 0.1, 0.2] as const;
const NAMES = ['ALPHA-USD', 'BETA-PERP', 'GAMMA-USD'] as const;
/** Largest decimals of tick + lot + multiplier, so the shared cash scale stays at most 10^6. */
const MAX_CASH_DECIMALS = 6;

interface InstrumentDraw {
  tick: number;
  /** The mark in ticks. */
  markTicks: number;
  /** Index into the lot and multiplier pairs that fit this tick and mark. */
  sizing: number;
  /** The largest order's notional, in cash. */
  notional: number;
  minLots: number;
  positionFactor: number;
  band: number;
}

const instrumentDrawArb: fc.Arbitrary<InstrumentDraw> = recordOf(
  [
    fc.constantFrom(...TICKS),
    fc.integer({ min: 400, max: 20_000 }),
    fc.nat(99),
    fc.integer({ min: 2_000, max: 30_000 }),
    fc.constantFrom(1, 1, 2, 5),
    fc.constantFrom(1, 2),
    fc.constantFrom(...BANDS),
  ],
  ([tick, markTicks, sizing, notional, minLots, positionFactor, band]) => ({
    tick,
    markTicks,
    sizing,
    notional,
    minLots,
    positionFactor,
    band,
  }),
);

interface AccountDraw {
  leverage: number;
  /** Cash as a share of the first instrument's largest order, in its lots at its mark. */
  cashFactor: number;
}

const accountDrawArb: fc.Arbitrary<AccountDraw> = recordOf(
  [fc.constantFrom(1, 2, 5, 10), fc.constantFrom(0.2, 0.5, 1, 3, 10)],
  ([leverage, cashFactor]) => ({ leverage, cashFactor }),
);

export interface VariedVenue {
  instruments: InstrumentDraw[];
  maker: AccountDraw;
  taker: AccountDraw;
  /** The leverage-1 account's cash in lots of the first instrument at its mark. */
  edgeLots: number;
}

/** Lot and multiplier pairs whose one-lot value at `mark` stays in reach and whose decimals fit. */
function sizings(tick: number, mark: number): { lot: number; multiplier: number }[] {
  const out: { lot: number; multiplier: number }[] = [];
  for (const lot of LOTS)
    for (const multiplier of MULTIPLIERS) {
      const decimals = decimalsOf(tick) + decimalsOf(lot) + decimalsOf(multiplier);
      const lotValue = lot * mark * multiplier;
      if (decimals <= MAX_CASH_DECIMALS && lotValue <= 500) out.push({ lot, multiplier });
    }
  return out;
}

function instrumentOf(draw: InstrumentDraw, symbol: string): InstrumentConfig {
  const priceDecimals = decimalsOf(draw.tick);
  const mark = cleanDecimal(draw.markTicks * draw.tick, priceDecimals);
  const options = sizings(draw.tick, mark);
  // Always one: the smallest lot at multiplier 1 is worth at most 25 x 20,000 x 0.0001 = 50.
  const { lot, multiplier } = options[draw.sizing % options.length];
  const qtyDecimals = decimalsOf(lot);
  const lotValue = lot * mark * multiplier;
  const maxLots = Math.max(draw.minLots, Math.min(100_000, Math.floor(draw.notional / lotValue)));
  return {
    symbol,
    tickSize: draw.tick,
    lotSize: lot,
    minQty: cleanDecimal(draw.minLots * lot, qtyDecimals),
    maxQty: cleanDecimal(maxLots * lot, qtyDecimals),
    bandPct: draw.band,
    markPrice: mark,
    maxPosition: cleanDecimal(maxLots * draw.positionFactor * lot, qtyDecimals),
    ...(multiplier === 1 ? {} : { contractMultiplier: multiplier }),
  };
}

/** Cash worth `lots` lots of `inst` at its mark, exactly (its decimals fit the cash scale). */
function lotsWorth(inst: InstrumentConfig, lots: number): number {
  const decimals =
    decimalsOf(inst.tickSize) + decimalsOf(inst.lotSize) + decimalsOf(inst.contractMultiplier ?? 1);
  return cleanDecimal(lots * inst.lotSize * inst.markPrice * (inst.contractMultiplier ?? 1), decimals);
}

/** The config of one draw, on top of `base` (its accounts' keys, its live instruments, its limits). */
export function variedConfig(base: ExchangeConfig, draw: VariedVenue): ExchangeConfig {
  const sandbox = draw.instruments.map((d, i) => instrumentOf(d, `${base.sandboxPrefix}${NAMES[i]}`));
  const live = base.instruments.filter((i) => !i.symbol.startsWith(base.sandboxPrefix));
  const first = sandbox[0];
  const firstMaxLots = Math.round(first.maxQty / first.lotSize);
  const account = (a: AccountConfig): AccountConfig => {
    const { forbiddenSymbols: _dropped, ...rest } = a;
    if (!a.sandbox) return rest;
    if (a.id === 'maker' || a.id === 'taker') {
      // A whole number of the first instrument's lots at its mark: at leverage L, that many times
      // L lots spend it exactly, when they fit under maxQty.
      const d = a.id === 'maker' ? draw.maker : draw.taker;
      const lots = Math.max(1, Math.round(firstMaxLots * d.cashFactor));
      return { ...rest, leverage: d.leverage, cash: lotsWorth(first, lots) };
    }
    // Every other sandbox account trades fully funded, with cash for exactly edgeLots lots.
    const lots = Math.min(firstMaxLots, Math.max(Math.round(first.minQty / first.lotSize), draw.edgeLots));
    return { ...rest, leverage: 1, cash: lotsWorth(first, lots) };
  };
  const config: ExchangeConfig = {
    ...base,
    instruments: [...sandbox, ...live],
    accounts: base.accounts.map(account),
  };
  try {
    return validateExchangeConfig(config, 'varied-venues');
  } catch {
    // A live instrument of the campaign's config that does not fit the new cash scale: left out.
    return validateExchangeConfig({ ...config, instruments: sandbox }, 'varied-venues');
  }
}

/** Varied venues on top of `base`: two or three sandbox instruments, other accounts' cash and leverage. */
export function variedVenueArb(base: ExchangeConfig): fc.Arbitrary<ExchangeConfig> {
  return recordOf(
    [
      fc.array(instrumentDrawArb, { minLength: 2, maxLength: 3 }),
      accountDrawArb,
      accountDrawArb,
      fc.integer({ min: 1, max: 100_000 }),
    ],
    ([instruments, maker, taker, edgeLots]) => ({ instruments, maker, taker, edgeLots }),
  ).map((draw) => variedConfig(base, draw));
}

/**
 * The campaign's venue with its memory limits set low (the `long-lived-venue` property): few
 * finished orders remembered (so orders are forgotten and client order ids freed within a run)
 * and a short resume buffer (so a resume soon finds its gap gone and must resync).
 */
export function shortMemoryConfig(
  base: ExchangeConfig,
  limits: { retainFinishedOrders: number; resumeBuffer: number },
): ExchangeConfig {
  return validateExchangeConfig({ ...base, ...limits }, 'long-lived-venue');
}
