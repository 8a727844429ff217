import { cashDecimalsOfInstrument, cashPerPxQtyOf } from '../protocol/contract-multiplier.ts';
import { decimalsOf } from '../protocol/decimals-of.ts';
import type { Side } from '../protocol/exchange-input.ts';
import { TRADERS, type Trader } from '../trading-action.ts';
import type { InstrumentGrid } from './instrument-grid.ts';
import type { TradingModel } from './trading-model.ts';

/**
 * The venue's margin rule (docs/exchange.md, "Accounts and margin") on the generation model's
 * predicted state, in exact integer atoms as the venue computes it, so that generation can aim
 * at the funding edge: the largest order a trader can afford leaves `available` at zero or just
 * above, one lot more is refused. Everything is read from the config the run uses: ticks, lots,
 * contract multipliers, leverage, starting cash.
 *
 *   available = cash + sum(pos x mark x cashPerPxQty) - sum(ceil(worst x mark x cashPerPxQty / L))
 */

/** One extra order of `lots` on `grid`'s instrument, on `side`, counted as open. */
export interface ExtraOrder {
  grid: InstrumentGrid;
  side: Side;
  lots: number;
}

interface Scales {
  cashDecimals: number;
  /** 10 ** cashDecimals. */
  cashScale: number;
  /** Each trader's leverage (1 where its account sets none). */
  leverage: Map<Trader, number>;
  /** Per symbol: lot in qty atoms, price atoms per tick, cash atoms per price atom x qty atom. */
  bySymbol: Map<string, { lotAtoms: number; tickAtoms: number; cashPerPxQty: number }>;
}

const scalesCache = new WeakMap<TradingModel['config'], Scales>();

function scalesOf(model: TradingModel): Scales {
  const known = scalesCache.get(model.config);
  if (known) return known;
  const instruments = model.config.instruments;
  const cashDecimals = Math.max(0, ...instruments.map((i) => cashDecimalsOfInstrument(i)));
  const bySymbol = new Map<string, { lotAtoms: number; tickAtoms: number; cashPerPxQty: number }>();
  for (const i of instruments) {
    const qd = decimalsOf(i.lotSize);
    const pd = decimalsOf(i.tickSize);
    bySymbol.set(i.symbol, {
      lotAtoms: Math.round(i.lotSize * 10 ** qd),
      tickAtoms: Math.round(i.tickSize * 10 ** pd),
      cashPerPxQty: cashPerPxQtyOf(i, cashDecimals),
    });
  }
  const leverage = new Map<Trader, number>();
  for (const trader of TRADERS)
    leverage.set(trader, model.config.accounts.find((a) => a.id === trader)?.leverage ?? 1);
  const scales = { cashDecimals, cashScale: 10 ** cashDecimals, leverage, bySymbol };
  scalesCache.set(model.config, scales);
  return scales;
}

/** A trader's open lots per symbol and side: live orders and stops waiting for their trigger. */
type OpenLots = Map<string, { buy: number; sell: number }>;

/** The open lots of a trader on every symbol, in one pass over the orders. */
function openLotsOf(model: TradingModel, trader: Trader): OpenLots {
  const open: OpenLots = new Map();
  for (const o of model.orders) {
    if (!(o.live || o.pendingStop) || o.client !== trader) continue;
    let sides = open.get(o.symbol);
    if (sides === undefined) {
      sides = { buy: 0, sell: 0 };
      open.set(o.symbol, sides);
    }
    const left = (o.lots ?? 0) - o.filledLots;
    if (o.side === 'buy') sides.buy += left;
    else sides.sell += left;
  }
  return open;
}

function worstOf(
  model: TradingModel,
  trader: Trader,
  symbol: string,
  open: OpenLots,
  extra: ExtraOrder | undefined,
): number {
  const sides = open.get(symbol);
  let buy = sides?.buy ?? 0;
  let sell = sides?.sell ?? 0;
  if (extra?.grid.symbol === symbol) {
    if (extra.side === 'buy') buy += extra.lots;
    else sell += extra.lots;
  }
  const pos = model.position(trader, symbol);
  return Math.max(Math.abs(pos + buy), Math.abs(pos - sell));
}

/** The worst absolute position in lots: every open buy filled, or every open sell. */
export function worstLots(model: TradingModel, trader: Trader, symbol: string, extra?: ExtraOrder): number {
  return worstOf(model, trader, symbol, openLotsOf(model, trader), extra);
}

/** `available` of a trader in cash atoms, with one extra open order when given. */
export function availableAtoms(model: TradingModel, trader: Trader, extra?: ExtraOrder): number {
  return availableOf(model, trader, openLotsOf(model, trader), extra);
}

function availableOf(
  model: TradingModel,
  trader: Trader,
  open: OpenLots,
  extra: ExtraOrder | undefined,
): number {
  const scales = scalesOf(model);
  const leverage = scales.leverage.get(trader) ?? 1;
  let available = Math.round((model.cash.get(trader) ?? 0) * scales.cashScale);
  for (const grid of model.grids.values()) {
    const s = scales.bySymbol.get(grid.symbol);
    if (!s) continue;
    const markAtoms = model.mark(grid.symbol) * s.tickAtoms;
    const pos = model.position(trader, grid.symbol) * s.lotAtoms;
    const worst = worstOf(model, trader, grid.symbol, open, extra) * s.lotAtoms;
    available += pos * markAtoms * s.cashPerPxQty;
    available -= Math.ceil((worst * markAtoms * s.cashPerPxQty) / leverage);
  }
  return available;
}

export interface FundingEdge {
  /** The largest size, in lots, the venue should accept for this order. */
  lots: number;
  /** What binds it: the trader's funds, the instrument's maxQty, or maxPosition. */
  bound: 'funds' | 'max_qty' | 'max_position';
  /** `available` after it, in cash atoms (0 when the order spends exactly every unit). */
  availableAfter: number;
}

/**
 * The largest order of `side` on `grid`'s instrument that `trader` can place now, on the lot
 * grid: the venue's margin rule, maxPosition and maxQty, at the current mark. Undefined when not
 * even the smallest order fits. An order that does not grow the worst position needs no funds.
 */
export function fundingEdge(
  model: TradingModel,
  trader: Trader,
  grid: InstrumentGrid,
  side: Side,
): FundingEdge | undefined {
  // The trader's open orders stay as they are while sizes are tried: counted once.
  const open = openLotsOf(model, trader);
  const before = worstOf(model, trader, grid.symbol, open, undefined);
  const maxPositionLots = Math.floor(grid.config.maxPosition / grid.config.lotSize + 1e-9);
  const fits = (lots: number): 'ok' | 'funds' | 'max_position' => {
    const extra = { grid, side, lots };
    const after = worstOf(model, trader, grid.symbol, open, extra);
    if (after <= before) return 'ok';
    if (after > maxPositionLots) return 'max_position';
    return availableOf(model, trader, open, extra) >= 0 ? 'ok' : 'funds';
  };
  if (fits(grid.minLots) !== 'ok') return undefined;
  if (fits(grid.maxLots) === 'ok') {
    const extra = { grid, side, lots: grid.maxLots };
    return { lots: grid.maxLots, bound: 'max_qty', availableAfter: availableOf(model, trader, open, extra) };
  }
  // Acceptance only shrinks as the order grows: the last size that fits, by bisection.
  let low = grid.minLots;
  let high = grid.maxLots;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid) === 'ok') low = mid;
    else high = mid;
  }
  const bound = fits(high) === 'max_position' ? 'max_position' : 'funds';
  return { lots: low, bound, availableAfter: availableOf(model, trader, open, { grid, side, lots: low }) };
}
