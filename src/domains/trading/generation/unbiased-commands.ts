import fc from 'fast-check';
import type { OrderType, SelfTradePrevention, Side, TimeInForce } from '../protocol/exchange-input.ts';
import {
  type OrderTarget,
  TRADERS,
  type Trader,
  type TradingAction,
  type TradingActionKind,
} from '../trading-action.ts';
import { priceAt, qtyAt } from './instrument-grid.ts';
import { recordOf } from './mapped-tuple.ts';
import { type Emit, keepMaskArb, PlanCommand } from './plan-command.ts';
import type { TradingModel } from './trading-model.ts';

/**
 * The baseline a naive fuzzer would write: every field uniform, prices uniform over a wide
 * range of the tick grid, sizes uniform over a wide range of lots, targets uniform among every
 * id used so far, whoever sends them. No boundary pools and no use of the model's predictions
 * (it only numbers the steps). It exists to measure what the bias buys.
 */

/** Uniform fractions, resolved against the instrument when the command runs. */
const unit = fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 1_000_000);

const uniformGap = fc.integer({ min: 0, max: 200 });

/** Prices from 0 to twice the configured mark, sizes from 0 to twice the maximum, both on their grids. */
function uniformPrice(model: TradingModel, symbol: string, u: number): number {
  const grid = model.grid(symbol);
  return priceAt(grid, Math.round(u * grid.markTicks * 2));
}

function uniformQty(model: TradingModel, symbol: string, u: number): number {
  const grid = model.grid(symbol);
  return qtyAt(grid, Math.round(u * grid.maxLots * 2));
}

const allSymbols = (model: TradingModel): string[] => [...model.grids.keys()];

function uniformTarget(model: TradingModel, pick: number, byOrderId: boolean): OrderTarget {
  const placed = model.orders;
  if (placed.length === 0) return { step: -1, clientOrderId: model.nextClientOrderId(), byOrderId: false };
  const order = placed[pick % placed.length];
  return { step: order.step, clientOrderId: order.clientOrderId, byOrderId };
}

class UniformCommand extends PlanCommand {
  constructor(
    kind: TradingActionKind,
    keep: boolean[],
    private readonly make: (model: TradingModel) => TradingAction,
  ) {
    super(kind, 1, keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    emit(this.make(model));
  }
}

const traderArb = fc.constantFrom<Trader>(...TRADERS);
const sideArb = fc.constantFrom<Side>('buy', 'sell');
const typeArb = fc.constantFrom<OrderType>('limit', 'market');
const tifArb = fc.constantFrom<TimeInForce>('gtc', 'ioc', 'fok', 'post_only');
const stpArb = fc.constantFrom<SelfTradePrevention | undefined>(
  undefined,
  'cancel_newest',
  'cancel_oldest',
  'cancel_both',
);

/** The baseline sends what a naive fuzzer knows of: orders, cancels, replaces, marks, reconnects. */
const UNIFORM_ARBS: Partial<Record<TradingActionKind, fc.Arbitrary<PlanCommand>>> = {
  place: recordOf(
    [traderArb, fc.nat(99), sideArb, typeArb, tifArb, unit, unit, stpArb, uniformGap, keepMaskArb(1)],
    ([trader, symbol, side, orderType, tif, price, qty, stp, gapMs, keep]) => ({
      trader,
      symbol,
      side,
      orderType,
      tif,
      price,
      qty,
      stp,
      gapMs,
      keep,
    }),
  ).map(
    (p) =>
      new UniformCommand('place', p.keep, (model) => {
        const symbols = allSymbols(model);
        const symbol = symbols[p.symbol % symbols.length];
        return {
          kind: 'place',
          client: p.trader,
          gapMs: p.gapMs,
          symbol,
          side: p.side,
          orderType: p.orderType,
          tif: p.tif,
          ...(p.orderType === 'limit' ? { price: uniformPrice(model, symbol, p.price) } : {}),
          qty: uniformQty(model, symbol, p.qty),
          clientOrderId: model.nextClientOrderId(),
          ...(p.stp ? { stp: p.stp } : {}),
        };
      }),
  ),
  cancel: recordOf(
    [traderArb, fc.nat(9999), fc.boolean(), uniformGap, keepMaskArb(1)],
    ([trader, pick, byOrderId, gapMs, keep]) => ({ trader, pick, byOrderId, gapMs, keep }),
  ).map(
    (p) =>
      new UniformCommand('cancel', p.keep, (model) => ({
        kind: 'cancel',
        client: p.trader,
        gapMs: p.gapMs,
        target: uniformTarget(model, p.pick, p.byOrderId),
      })),
  ),
  replace: recordOf(
    [traderArb, fc.nat(9999), fc.boolean(), fc.option(unit), fc.option(unit), uniformGap, keepMaskArb(1)],
    ([trader, pick, byOrderId, price, qty, gapMs, keep]) => ({
      trader,
      pick,
      byOrderId,
      price,
      qty,
      gapMs,
      keep,
    }),
  ).map(
    (p) =>
      new UniformCommand('replace', p.keep, (model) => {
        const target = uniformTarget(model, p.pick, p.byOrderId);
        const symbol = model.orders.find((o) => o.step === target.step)?.symbol ?? model.sandboxSymbols[0];
        return {
          kind: 'replace',
          client: p.trader,
          gapMs: p.gapMs,
          target,
          ...(p.price === null ? {} : { price: uniformPrice(model, symbol, p.price) }),
          ...(p.qty === null ? {} : { qty: uniformQty(model, symbol, p.qty) }),
        };
      }),
  ),
  cancel_all: recordOf(
    [traderArb, fc.option(fc.nat(99)), uniformGap, keepMaskArb(1)],
    ([trader, symbol, gapMs, keep]) => ({ trader, symbol, gapMs, keep }),
  ).map(
    (p) =>
      new UniformCommand('cancel_all', p.keep, (model) => {
        const symbols = allSymbols(model);
        return {
          kind: 'cancel_all',
          client: p.trader,
          gapMs: p.gapMs,
          ...(p.symbol === null ? {} : { symbol: symbols[p.symbol % symbols.length] }),
        };
      }),
  ),
  set_mark: recordOf([fc.nat(99), unit, uniformGap, keepMaskArb(1)], ([symbol, price, gapMs, keep]) => ({
    symbol,
    price,
    gapMs,
    keep,
  })).map(
    (p) =>
      new UniformCommand('set_mark', p.keep, (model) => {
        const symbols = allSymbols(model);
        const symbol = symbols[p.symbol % symbols.length];
        return {
          kind: 'set_mark',
          client: 'admin',
          gapMs: p.gapMs,
          symbol,
          price: uniformPrice(model, symbol, p.price),
        };
      }),
  ),
  reconnect: recordOf(
    [traderArb, fc.constantFrom<'resync' | 'resume'>('resync', 'resume'), uniformGap, keepMaskArb(1)],
    ([trader, mode, gapMs, keep]) => ({ trader, mode, gapMs, keep }),
  ).map(
    (p) =>
      new UniformCommand('reconnect', p.keep, () => ({
        kind: 'reconnect',
        client: p.trader,
        gapMs: p.gapMs,
        mode: p.mode,
      })),
  ),
};

/** Every action kind equally likely unless weighted; a weight of 0 leaves a kind out. */
export function unbiasedCommandArb(
  weights: Partial<Record<TradingActionKind, number>> = {},
): fc.Arbitrary<PlanCommand> {
  const entries = (Object.keys(UNIFORM_ARBS) as TradingActionKind[])
    .map((kind) => ({ weight: weights[kind] ?? 1, arbitrary: UNIFORM_ARBS[kind]! }))
    .filter((e) => e.weight > 0);
  if (entries.length === 0) throw new Error('unbiasedCommandArb: every action kind has weight 0');
  return fc.oneof({ withCrossShrink: true }, ...entries);
}
