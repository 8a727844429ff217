import fc from 'fast-check';
import type { SelfTradePrevention, Side, TimeInForce } from '../protocol/exchange-input.ts';
import { type PlaceAction, TRADERS, type Trader } from '../trading-action.ts';
import { type QtyChoice, qtyChoiceArb, resolveQty, validQtyChoiceArb } from './boundary-values.ts';
import { placeAction } from './command-parts.ts';
import { bandTicks, cleanDecimal, type InstrumentGrid, priceAt, qtyAt } from './instrument-grid.ts';
import { leanOneof } from './lean-oneof.ts';
import { recordOf } from './mapped-tuple.ts';
import {
  type OrderKind,
  opposite,
  resolveSymbol,
  type SymbolChoice,
  sandboxSymbolArb,
  sideArb,
  stpArb,
  symbolChoiceArb,
  traderArb,
} from './order-fields.ts';
import { byOrderIdArb, pickArb, pickFrom, targetOf } from './order-targets.ts';
import { type Emit, keepMaskArb, PlanCommand } from './plan-command.ts';
import type { PredictedOrder, TradingModel } from './trading-model.ts';
import { weightedConstants } from './weighted-constants.ts';

/**
 * Stop orders (docs/exchange.md, "Stop orders"): stops placed near the last trade, on the side
 * the market has not reached yet (so that they wait), exactly at it or behind it (refused
 * stop_would_trigger), or with a broken stop price; and trades aimed at a waiting stop's stop
 * price: exactly at it, past it (a gap), or one tick short of it (no trigger).
 */
interface Keep {
  keep: boolean[];
}

export interface StopKind {
  orderType: 'stop_market' | 'stop_limit';
  tif?: TimeInForce;
}

const stopKind = (orderType: StopKind['orderType'], tif?: TimeInForce): StopKind =>
  tif ? { orderType, tif } : { orderType };

export const stopKindArb: fc.Arbitrary<StopKind> = weightedConstants([
  { weight: 20, value: stopKind('stop_market') },
  { weight: 6, value: stopKind('stop_market', 'ioc') },
  { weight: 4, value: stopKind('stop_market', 'fok') },
  { weight: 16, value: stopKind('stop_limit') },
  { weight: 8, value: stopKind('stop_limit', 'gtc') },
  { weight: 6, value: stopKind('stop_limit', 'ioc') },
  { weight: 4, value: stopKind('stop_limit', 'fok') },
  // Refused invalid_request: a stop_market rests never, a stop_limit is never post-only.
  { weight: 1, value: stopKind('stop_market', 'gtc') },
  { weight: 1, value: stopKind('stop_limit', 'post_only') },
]);

/** Broken stop prices, each refused with its stop_price_* reason. */
export const STOP_POINTS = [
  'missing',
  'off-tick',
  'out-of-band',
  'zero',
  'negative',
  'NaN',
  'abc',
  'null',
] as const;
export type StopPoint = (typeof STOP_POINTS)[number];

/**
 * Where a stop price lies from the last trade (the mark before any trade): `ahead` on the side
 * the market has not reached (above for a buy, below for a sell), `at` the last trade, `behind`
 * already passed; or a broken value.
 */
export type StopWhere =
  | { kind: 'ahead'; ticks: number }
  | { kind: 'at' }
  | { kind: 'behind'; ticks: number }
  | { kind: 'point'; point: StopPoint };

export const stopWhereArb: fc.Arbitrary<StopWhere> = leanOneof(
  {
    weight: 80,
    arbitrary: fc
      .oneof(
        { weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }) },
        { weight: 1, arbitrary: fc.integer({ min: 5, max: 40 }) },
      )
      .map((ticks): StopWhere => ({ kind: 'ahead', ticks })),
  },
  { weight: 6, arbitrary: fc.constant<StopWhere>({ kind: 'at' }) },
  {
    weight: 6,
    arbitrary: fc.integer({ min: 1, max: 5 }).map((ticks): StopWhere => ({ kind: 'behind', ticks })),
  },
  {
    weight: 8,
    arbitrary: fc.constantFrom(...STOP_POINTS).map((point): StopWhere => ({ kind: 'point', point })),
  },
);

/** The price a stop is measured from: the symbol's last trade, or its mark before any trade. */
export function stopReference(model: TradingModel, symbol: string): number {
  return model.lastTradeTicks.get(symbol) ?? model.mark(symbol);
}

/** A stop price for `side`, in ticks from the reference, or a broken value (undefined: left out). */
export function resolveStopPrice(
  model: TradingModel,
  grid: InstrumentGrid,
  side: Side,
  where: StopWhere,
): unknown {
  const ref = stopReference(model, grid.symbol);
  const band = bandTicks(grid, model.mark(grid.symbol));
  const sign = side === 'buy' ? 1 : -1;
  const clamp = (ticks: number) => priceAt(grid, Math.min(band.high, Math.max(band.low, ticks)));
  switch (where.kind) {
    case 'ahead':
      return clamp(ref + sign * where.ticks);
    case 'at':
      return clamp(ref);
    case 'behind':
      return clamp(ref - sign * where.ticks);
    case 'point':
      switch (where.point) {
        case 'missing':
          return undefined;
        case 'off-tick':
          return cleanDecimal(priceAt(grid, ref) + grid.config.tickSize / 2, grid.priceDecimals + 1);
        case 'out-of-band':
          return priceAt(grid, side === 'buy' ? band.high + 1 : Math.max(1, band.low - 1));
        case 'zero':
          return 0;
        case 'negative':
          return -priceAt(grid, ref);
        case 'NaN':
          return 'NaN';
        case 'abc':
          return 'abc';
        case 'null':
          return null;
      }
  }
}

/**
 * A stop_limit's limit price: `offset` ticks past its stop price in its own direction (above
 * for a buy, so that it can still trade after its trigger; below it, when negative), inside the
 * band; undefined when the stop price is broken.
 */
function limitPrice(
  model: TradingModel,
  grid: InstrumentGrid,
  side: Side,
  stop: unknown,
  offset: number,
): unknown {
  if (typeof stop !== 'number' || !Number.isFinite(stop) || stop <= 0)
    return priceAt(grid, model.mark(grid.symbol));
  const band = bandTicks(grid, model.mark(grid.symbol));
  const ticks = Math.round(stop / grid.config.tickSize) + (side === 'buy' ? offset : -offset);
  return priceAt(grid, Math.min(band.high, Math.max(band.low, ticks)));
}

export interface StopParams extends Keep {
  trader: Trader;
  symbol: SymbolChoice;
  side: Side;
  kind: StopKind;
  where: StopWhere;
  /** For stop_limit: ticks from the stop price to the limit price. */
  limitOffset: number;
  qty: QtyChoice;
  stp: SelfTradePrevention | undefined;
  gapMs: number;
}

function stopAction(model: TradingModel, p: Omit<StopParams, 'keep'>, symbol: string): PlaceAction {
  const grid = model.grid(symbol);
  const stopPrice = resolveStopPrice(model, grid, p.side, p.where);
  const limit = p.kind.orderType === 'stop_limit';
  return {
    kind: 'place',
    client: p.trader,
    gapMs: p.gapMs,
    symbol,
    side: p.side,
    orderType: p.kind.orderType,
    ...(p.kind.tif ? { tif: p.kind.tif } : {}),
    ...(limit ? { price: limitPrice(model, grid, p.side, stopPrice, p.limitOffset) } : {}),
    ...(stopPrice === undefined ? {} : { stopPrice }),
    qty: resolveQty(grid, p.qty),
    clientOrderId: model.nextClientOrderId(),
    ...(p.stp ? { stp: p.stp } : {}),
  };
}

/** One stop order, mostly waiting just ahead of the last trade. */
export class StopCommand extends PlanCommand {
  constructor(private readonly p: StopParams) {
    super('stop', 1, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    emit(stopAction(model, this.p, resolveSymbol(model, this.p.symbol)));
  }
}

/** Cancels a waiting stop, by client order id or order id. */
export class StopCancelCommand extends PlanCommand {
  constructor(private readonly p: Keep & { pick: number; byOrderId: boolean; gapMs: number }) {
    super('stop_cancel', 1, p.keep);
  }

  protected override ready(model: Readonly<TradingModel>): boolean {
    return model.orders.some((o) => o.pendingStop === true);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const stop = pickFrom(model.pendingStops(), this.p.pick);
    if (stop === undefined) return;
    emit({
      kind: 'cancel',
      client: stop.client,
      gapMs: this.p.gapMs,
      target: targetOf(stop, this.p.byOrderId),
    });
  }
}

export interface CrossParams extends Keep {
  pick: number;
  /** A stop to place first when none waits. */
  seed: Omit<StopParams, 'keep' | 'where' | 'gapMs'> & { ticks: number };
  /** Ticks from the stop price to the trade: 0 exactly at it, positive past it (a gap), -1 short of it. */
  gap: number;
  makerPick: number;
  takerPick: number;
  makerLots: number;
  takerLots: number;
  takerKind: OrderKind;
  /** More liquidity behind the trade's price, for the triggered stop to take. */
  extra: { ticks: number; lots: number } | null;
  gapMs: number;
}

/**
 * A trade aimed at a waiting stop's stop price: a maker rests at the chosen price (with more
 * liquidity behind it, sometimes) and a taker trades with it. A stop a trade reaches must
 * trigger then, and act as its market or limit counterpart against what is left.
 */
export class StopCrossCommand extends PlanCommand {
  constructor(private readonly p: CrossParams) {
    super('stop_cross', 4, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    let stop: PredictedOrder | undefined = pickFrom(model.pendingStops(), this.p.pick);
    let symbol: string;
    let side: Side;
    let stopTicks: number;
    if (stop?.stopTicks !== undefined) {
      ({ symbol, side } = stop);
      stopTicks = stop.stopTicks;
    } else {
      const { ticks, ...seed } = this.p.seed;
      symbol = resolveSymbol(model, seed.symbol);
      const action = stopAction(
        model,
        { ...seed, where: { kind: 'ahead', ticks }, gapMs: this.p.gapMs },
        symbol,
      );
      side = action.side;
      stopTicks = Math.round((action.stopPrice as number) / model.grid(symbol).config.tickSize);
      if (emit(action)) stop = model.orders[model.orders.length - 1];
    }
    const grid = model.grid(symbol);
    const band = bandTicks(grid, model.mark(symbol));
    // The trade moves toward the stop: up for a buy stop, down for a sell stop.
    const sign = side === 'buy' ? 1 : -1;
    const tradeTicks = Math.min(band.high, Math.max(band.low, stopTicks + sign * this.p.gap));
    const takerSide: Side = side;
    const taker = TRADERS[this.p.takerPick % TRADERS.length];
    const others = TRADERS.filter((t) => t !== taker);
    const maker = others[this.p.makerPick % others.length];
    const makerSide = opposite(takerSide);
    const rest = (ticks: number, lots: number, gapMs: number) =>
      emit(
        placeAction({
          client: maker,
          gapMs,
          symbol,
          side: makerSide,
          kind: { orderType: 'limit', tif: 'gtc' },
          price: priceAt(grid, ticks),
          qty: qtyAt(grid, Math.min(grid.maxLots, Math.max(grid.minLots, lots))),
          clientOrderId: model.nextClientOrderId(),
        }),
      );
    rest(tradeTicks, this.p.makerLots, stop === undefined ? this.p.gapMs : 0);
    if (this.p.extra)
      rest(
        Math.min(band.high, Math.max(band.low, tradeTicks + sign * this.p.extra.ticks)),
        this.p.extra.lots,
        0,
      );
    emit(
      placeAction({
        client: taker,
        gapMs: 0,
        symbol,
        side: takerSide,
        kind: this.p.takerKind,
        price: priceAt(grid, tradeTicks),
        qty: qtyAt(grid, Math.min(grid.maxLots, Math.max(grid.minLots, this.p.takerLots))),
        clientOrderId: model.nextClientOrderId(),
      }),
    );
  }
}

const stopLotsArb = leanOneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 21, max: 400 }) },
);

const stopQtyArb: fc.Arbitrary<QtyChoice> = leanOneof(
  { weight: 9, arbitrary: validQtyChoiceArb },
  { weight: 1, arbitrary: qtyChoiceArb },
);

const limitOffsetArb = leanOneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 4 }) },
  { weight: 1, arbitrary: fc.integer({ min: -3, max: -1 }) },
);

export const stopCommandArb = recordOf(
  [
    traderArb,
    symbolChoiceArb,
    sideArb,
    stopKindArb,
    stopWhereArb,
    limitOffsetArb,
    stopQtyArb,
    stpArb,
    fc.integer({ min: 0, max: 3 }),
    keepMaskArb(1),
  ],
  ([trader, symbol, side, kind, where, limitOffset, qty, stp, gapMs, keep]) =>
    new StopCommand({ trader, symbol, side, kind, where, limitOffset, qty, stp, gapMs, keep }),
);

export const stopCancelCommandArb = recordOf(
  [pickArb, byOrderIdArb, fc.integer({ min: 0, max: 3 }), keepMaskArb(1)],
  ([pick, byOrderId, gapMs, keep]) => new StopCancelCommand({ pick, byOrderId, gapMs, keep }),
);

export const stopCrossCommandArb = recordOf(
  [
    pickArb,
    recordOf(
      [
        traderArb,
        sandboxSymbolArb,
        sideArb,
        stopKindArb.filter(
          (k) => k.tif !== 'post_only' && !(k.orderType === 'stop_market' && k.tif === 'gtc'),
        ),
        fc.integer({ min: 1, max: 4 }),
        limitOffsetArb,
        validQtyChoiceArb,
        stpArb,
      ],
      ([trader, symbol, side, kind, ticks, limitOffset, qty, stp]) => ({
        trader,
        symbol,
        side,
        kind,
        ticks,
        limitOffset,
        qty,
        stp,
      }),
    ),
    leanOneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }) },
      { weight: 1, arbitrary: fc.constant(-1) },
    ),
    pickArb,
    pickArb,
    stopLotsArb,
    stopLotsArb,
    fc.constantFrom<OrderKind>(
      { orderType: 'limit', tif: 'ioc' },
      { orderType: 'limit', tif: 'gtc' },
      { orderType: 'market', tif: 'ioc' },
    ),
    fc.option(
      recordOf([fc.integer({ min: 0, max: 3 }), stopLotsArb], ([ticks, lots]) => ({ ticks, lots })),
      { freq: 2 },
    ),
    fc.integer({ min: 0, max: 3 }),
    keepMaskArb(4),
  ],
  ([pick, seed, gap, makerPick, takerPick, makerLots, takerLots, takerKind, extra, gapMs, keep]) =>
    new StopCrossCommand({
      pick,
      seed,
      gap,
      makerPick,
      takerPick,
      makerLots,
      takerLots,
      takerKind,
      extra,
      gapMs,
      keep,
    }),
);
