import fc from 'fast-check';
import type { SelfTradePrevention, Side } from '../../../exchange/engine/exchange-input.ts';
import { type PlaceAction, TRADERS, type Trader } from '../trading-action.ts';
import {
  type PriceChoice,
  priceChoiceArb,
  type QtyChoice,
  qtyChoiceArb,
  resolvePrice,
  resolveQty,
  validQtyChoiceArb,
} from './boundary-values.ts';
import { bandTicks, priceAt, qtyAt } from './instrument-grid.ts';
import {
  everyStpArb,
  gapArb,
  type OrderKind,
  opposite,
  orderKindArb,
  passiveTicks,
  resolveSymbol,
  type SymbolChoice,
  sandboxSymbolArb,
  sideArb,
  stpArb,
  symbolChoiceArb,
  takerKindArb,
  traderArb,
} from './order-fields.ts';
import {
  byOrderIdArb,
  chooseTarget,
  otherTrader,
  pickArb,
  pickFrom,
  type TargetChoice,
  targetChoiceArb,
  targetOf,
} from './order-targets.ts';
import { type Emit, PlanCommand } from './plan-command.ts';
import { type ReplaceEdit, replaceEditArb, resolveEdit } from './replace-edits.ts';
import type { PredictedOrder, TradingModel } from './trading-model.ts';

/**
 * The adversarial mix: every kind of request a trader or the admin can send, plus composite
 * scenarios that set up the races and sequences the planted bugs need (a cancel racing a fill,
 * a replace storm, a sweep through several levels, a self-trade, a retried client order id...).
 * Each command carries abstract choices and resolves them against the model when it runs.
 */
export const TRADING_COMMAND_KINDS = [
  'place',
  'cancel',
  'replace',
  'flip',
  'competing_cancels',
  'cancel_race',
  'storm',
  'sweep',
  'self_trade',
  'duplicate_id',
  'foreign',
  'cancel_all',
  'set_mark',
  'reconnect',
] as const;
export type TradingCommandKind = (typeof TRADING_COMMAND_KINDS)[number];

export const DEFAULT_COMMAND_WEIGHTS: Readonly<Record<TradingCommandKind, number>> = {
  place: 28,
  cancel: 10,
  replace: 8,
  flip: 4,
  competing_cancels: 4,
  cancel_race: 5,
  storm: 4,
  sweep: 6,
  self_trade: 5,
  duplicate_id: 4,
  foreign: 4,
  cancel_all: 3,
  set_mark: 5,
  reconnect: 4,
};

// ------------------------------------------------------------------ building blocks

interface PlaceFields {
  client: Trader;
  gapMs: number;
  symbol: string;
  side: Side;
  kind: OrderKind;
  price?: unknown;
  qty: unknown;
  clientOrderId: string;
  stp?: SelfTradePrevention;
}

/** A place request; market orders carry no price, and unset options are left out. */
function placeAction(f: PlaceFields): PlaceAction {
  return {
    kind: 'place',
    client: f.client,
    gapMs: f.gapMs,
    symbol: f.symbol,
    side: f.side,
    orderType: f.kind.orderType,
    ...(f.kind.tif ? { tif: f.kind.tif } : {}),
    ...(f.kind.orderType === 'limit' ? { price: f.price } : {}),
    qty: f.qty,
    clientOrderId: f.clientOrderId,
    ...(f.stp ? { stp: f.stp } : {}),
  };
}

/** A valid order meant to rest, for scenarios that need one when the book has none. */
interface RestingSeed {
  trader: Trader;
  symbol: SymbolChoice;
  side: Side;
  offset: number;
  qty: QtyChoice;
}

const restingSeedArb: fc.Arbitrary<RestingSeed> = fc.record({
  trader: traderArb,
  symbol: sandboxSymbolArb,
  side: sideArb,
  offset: fc.nat(5),
  qty: validQtyChoiceArb,
});

function placeResting(model: TradingModel, emit: Emit, seed: RestingSeed, gapMs: number): PredictedOrder {
  const symbol = resolveSymbol(model, seed.symbol);
  const grid = model.grid(symbol);
  emit(
    placeAction({
      client: seed.trader,
      gapMs,
      symbol,
      side: seed.side,
      kind: { orderType: 'limit', tif: 'gtc' },
      price: priceAt(grid, passiveTicks(model, symbol, seed.side, seed.offset)),
      qty: resolveQty(grid, seed.qty),
      clientOrderId: model.nextClientOrderId(),
    }),
  );
  return model.orders[model.orders.length - 1];
}

/** A live order picked from the book, or a fresh resting one; with the gap left for the next action. */
function liveOrSeed(
  model: TradingModel,
  emit: Emit,
  pick: number,
  seed: RestingSeed,
  gapMs: number,
): { order: PredictedOrder; gapMs: number } {
  const live = pickFrom(model.liveOrders(), pick);
  if (live) return { order: live, gapMs };
  return { order: placeResting(model, emit, seed, gapMs), gapMs: 0 };
}

const remainingLots = (o: PredictedOrder): number => Math.max(1, (o.lots ?? 1) - o.filledLots);

// ------------------------------------------------------------------ single requests

interface PlaceParams {
  trader: Trader;
  symbol: SymbolChoice;
  side: Side;
  kind: OrderKind;
  price: PriceChoice;
  qty: QtyChoice;
  stp: SelfTradePrevention | undefined;
  gapMs: number;
}

/** One order of any type, both sides, all traders, prices and sizes from the boundary pools. */
class PlaceCommand extends PlanCommand {
  constructor(private readonly p: PlaceParams) {
    super('place', 1);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const symbol = resolveSymbol(model, this.p.symbol);
    const grid = model.grid(symbol);
    emit(
      placeAction({
        client: this.p.trader,
        gapMs: this.p.gapMs,
        symbol,
        side: this.p.side,
        kind: this.p.kind,
        price: resolvePrice(grid, model.mark(symbol), this.p.price),
        qty: resolveQty(grid, this.p.qty),
        clientOrderId: model.nextClientOrderId(),
        stp: this.p.stp,
      }),
    );
  }
}

/** A cancel, aimed mostly at a live order of its owner. */
class CancelCommand extends PlanCommand {
  constructor(private readonly p: { target: TargetChoice; gapMs: number }) {
    super('cancel', 1);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const { client, target } = chooseTarget(model, this.p.target);
    emit({ kind: 'cancel', client, gapMs: this.p.gapMs, target });
  }
}

/** A replace, aimed like a cancel, changing price and/or size (or nothing: replace_no_change). */
class ReplaceCommand extends PlanCommand {
  constructor(private readonly p: { target: TargetChoice; edit: ReplaceEdit; gapMs: number }) {
    super('replace', 1);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const { client, target, order } = chooseTarget(model, this.p.target);
    emit({ kind: 'replace', client, gapMs: this.p.gapMs, target, ...resolveEdit(model, order, this.p.edit) });
  }
}

/** Another trader names an order it does not own, by client order id or by order id: refused. */
class ForeignCommand extends PlanCommand {
  constructor(
    private readonly p: {
      pick: number;
      otherPick: number;
      replace: boolean;
      byOrderId: boolean;
      edit: ReplaceEdit;
      gapMs: number;
    },
  ) {
    super('foreign', 1);
  }

  protected override ready(model: Readonly<TradingModel>): boolean {
    return model.orders.some((o) => o.accepted);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const order = (pickFrom(model.liveOrders(), this.p.pick) ??
      pickFrom(
        model.orders.filter((o) => o.accepted),
        this.p.pick,
      ))!;
    const client = otherTrader(order.client, this.p.otherPick);
    const target = targetOf(order, this.p.byOrderId);
    if (this.p.replace) {
      emit({
        kind: 'replace',
        client,
        gapMs: this.p.gapMs,
        target,
        ...resolveEdit(model, order, this.p.edit),
      });
    } else {
      emit({ kind: 'cancel', client, gapMs: this.p.gapMs, target });
    }
  }
}

/** Cancels everything of a trader that has open orders, on one symbol or all. */
class CancelAllCommand extends PlanCommand {
  constructor(
    private readonly p: {
      pick: number;
      scope: 'all' | 'own-symbol' | 'any-symbol';
      symbol: SymbolChoice;
      gapMs: number;
    },
  ) {
    super('cancel_all', 1);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const live = model.liveOrders();
    const withOrders = TRADERS.filter((t) => live.some((o) => o.client === t));
    const client = pickFrom(withOrders, this.p.pick) ?? TRADERS[this.p.pick % TRADERS.length];
    const ownSymbols = [...new Set(live.filter((o) => o.client === client).map((o) => o.symbol))];
    const symbol =
      this.p.scope === 'all'
        ? undefined
        : this.p.scope === 'own-symbol'
          ? (pickFrom(ownSymbols, this.p.pick >> 3) ?? resolveSymbol(model, this.p.symbol))
          : resolveSymbol(model, this.p.symbol);
    emit({ kind: 'cancel_all', client, gapMs: this.p.gapMs, ...(symbol ? { symbol } : {}) });
  }
}

type MarkDirection = 'up' | 'down' | 'against-position' | 'away-from-orders';

/**
 * The admin moves a mark by 1 to 6 percent: against the largest open position (toward margin
 * limits; equity must follow) or away from the resting orders (the new band cancels them, and a
 * market order must still stop at the band).
 */
class SetMarkCommand extends PlanCommand {
  constructor(
    private readonly p: { symbol: SymbolChoice; pct: number; direction: MarkDirection; gapMs: number },
  ) {
    super('set_mark', 1);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const symbol = resolveSymbol(model, this.p.symbol);
    const grid = model.grid(symbol);
    const mark = model.mark(symbol);
    const up = this.direction(model, symbol);
    const ticks = Math.round(mark * (1 + ((up ? 1 : -1) * this.p.pct) / 100));
    const clamped = Math.min(grid.markTicks * 10, Math.max(1, ticks));
    emit({ kind: 'set_mark', client: 'admin', gapMs: this.p.gapMs, symbol, price: priceAt(grid, clamped) });
  }

  private direction(model: TradingModel, symbol: string): boolean {
    switch (this.p.direction) {
      case 'up':
        return true;
      case 'down':
        return false;
      case 'against-position': {
        let largest = 0;
        for (const t of TRADERS) {
          const pos = model.position(t, symbol);
          if (Math.abs(pos) > Math.abs(largest)) largest = pos;
        }
        return largest < 0;
      }
      case 'away-from-orders': {
        let bids = 0;
        let asks = 0;
        for (const o of model.liveOrders()) {
          if (o.symbol !== symbol) continue;
          if (o.side === 'buy') bids += remainingLots(o);
          else asks += remainingLots(o);
        }
        return bids >= asks;
      }
    }
  }
}

/** A trader drops its connection and catches up by snapshot or replay, once fills have happened. */
class ReconnectCommand extends PlanCommand {
  constructor(private readonly p: { pick: number; mode: 'resync' | 'resume'; gapMs: number }) {
    super('reconnect', 1);
  }

  protected override ready(model: Readonly<TradingModel>): boolean {
    return model.trades > 0;
  }

  protected build(model: TradingModel, emit: Emit): void {
    const filled = TRADERS.filter((t) => (model.fills.get(t) ?? 0) > 0);
    const client = pickFrom(filled, this.p.pick) ?? TRADERS[this.p.pick % TRADERS.length];
    emit({ kind: 'reconnect', client, gapMs: this.p.gapMs, mode: this.p.mode });
  }
}

// ------------------------------------------------------------------ composite scenarios

/** Place and cancel in the same instant: the cancel may arrive before the order is known. */
class FlipCommand extends PlanCommand {
  constructor(private readonly p: { seed: RestingSeed; byOrderId: boolean; gapMs: number }) {
    super('flip', 2);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const order = placeResting(model, emit, this.p.seed, this.p.gapMs);
    emit({ kind: 'cancel', client: order.client, gapMs: 0, target: targetOf(order, this.p.byOrderId) });
  }
}

/** The owner cancels one order twice at once (named the same way or not): exactly one may succeed. */
class CompetingCancelsCommand extends PlanCommand {
  constructor(
    private readonly p: {
      pick: number;
      seed: RestingSeed;
      firstById: boolean;
      secondById: boolean;
      gapMs: number;
    },
  ) {
    super('competing_cancels', 3);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const { order, gapMs } = liveOrSeed(model, emit, this.p.pick, this.p.seed, this.p.gapMs);
    emit({ kind: 'cancel', client: order.client, gapMs, target: targetOf(order, this.p.firstById) });
    emit({ kind: 'cancel', client: order.client, gapMs: 0, target: targetOf(order, this.p.secondById) });
  }
}

type FillShare = 'all' | 'part' | 'more';

/**
 * Another trader crosses a resting order and its owner cancels it in the same instant: the
 * cancel meets a filled or partly filled order (a partly filled cancel must release its reserve).
 */
class CancelRaceCommand extends PlanCommand {
  constructor(
    private readonly p: {
      pick: number;
      seed: RestingSeed;
      takerPick: number;
      takerKind: OrderKind;
      share: FillShare;
      extraLots: number;
      byOrderId: boolean;
      gapMs: number;
    },
  ) {
    super('cancel_race', 3);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const { order, gapMs } = liveOrSeed(model, emit, this.p.pick, this.p.seed, this.p.gapMs);
    const grid = model.grid(order.symbol);
    const left = remainingLots(order);
    const lots =
      this.p.share === 'all'
        ? left
        : this.p.share === 'part'
          ? Math.max(1, left >> 1)
          : left + this.p.extraLots;
    emit(
      placeAction({
        client: otherTrader(order.client, this.p.takerPick),
        gapMs,
        symbol: order.symbol,
        side: opposite(order.side),
        kind: this.p.takerKind,
        price: priceAt(grid, order.priceTicks ?? model.mark(order.symbol)),
        qty: qtyAt(grid, Math.min(grid.maxLots, lots)),
        clientOrderId: model.nextClientOrderId(),
      }),
    );
    emit({ kind: 'cancel', client: order.client, gapMs: 0, target: targetOf(order, this.p.byOrderId) });
  }
}

/** Several replaces of one order in the same instant, moving price and size each time. */
class StormCommand extends PlanCommand {
  constructor(
    private readonly p: {
      pick: number;
      seed: RestingSeed;
      edits: ReplaceEdit[];
      byOrderId: boolean;
      gapMs: number;
    },
  ) {
    super('storm', p.edits.length + 1);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const { order, gapMs } = liveOrSeed(model, emit, this.p.pick, this.p.seed, this.p.gapMs);
    this.p.edits.forEach((edit, i) => {
      emit({
        kind: 'replace',
        client: order.client,
        gapMs: i === 0 ? gapMs : 0,
        target: targetOf(order, this.p.byOrderId),
        ...resolveEdit(model, order, edit),
      });
    });
  }
}

interface SweepLevel {
  makerPick: number;
  /** Ticks deeper than the previous level; 0 queues a second order at the same price. */
  stepTicks: number;
  qty: QtyChoice;
}

/**
 * Other traders build levels on one side, then a large marketable order trades through all of
 * them (and, with extra size, past what there is: fok must then expire untouched).
 */
class SweepCommand extends PlanCommand {
  constructor(
    private readonly p: {
      symbol: SymbolChoice;
      takerSide: Side;
      taker: Trader;
      takerKind: OrderKind;
      levels: SweepLevel[];
      extraLots: number;
      gapMs: number;
    },
  ) {
    super('sweep', p.levels.length + 1);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const symbol = resolveSymbol(model, this.p.symbol);
    const grid = model.grid(symbol);
    const band = bandTicks(grid, model.mark(symbol));
    const makerSide = opposite(this.p.takerSide);
    const deeper = makerSide === 'sell' ? 1 : -1;
    let ticks = passiveTicks(model, symbol, makerSide, 0);
    this.p.levels.forEach((level, i) => {
      if (i > 0) ticks = Math.min(band.high, Math.max(band.low, ticks + deeper * level.stepTicks));
      emit(
        placeAction({
          client: otherTrader(this.p.taker, level.makerPick),
          gapMs: i === 0 ? this.p.gapMs : 0,
          symbol,
          side: makerSide,
          kind: { orderType: 'limit', tif: 'gtc' },
          price: priceAt(grid, ticks),
          qty: resolveQty(grid, level.qty),
          clientOrderId: model.nextClientOrderId(),
        }),
      );
    });
    let liquidity = 0;
    for (const o of model.liveOrders()) {
      if (o.symbol !== symbol || o.side !== makerSide || o.client === this.p.taker) continue;
      if (
        o.priceTicks !== undefined &&
        (makerSide === 'sell' ? o.priceTicks <= ticks : o.priceTicks >= ticks)
      ) {
        liquidity += remainingLots(o);
      }
    }
    emit(
      placeAction({
        client: this.p.taker,
        gapMs: 0,
        symbol,
        side: this.p.takerSide,
        kind: this.p.takerKind,
        price: priceAt(grid, ticks),
        qty: qtyAt(grid, Math.max(1, Math.min(grid.maxLots, liquidity + this.p.extraLots))),
        clientOrderId: model.nextClientOrderId(),
      }),
    );
  }
}

/** A trader crosses its own resting order, under each self-trade prevention mode. */
class SelfTradeCommand extends PlanCommand {
  constructor(
    private readonly p: {
      reuse: boolean;
      pick: number;
      seed: RestingSeed;
      stp: SelfTradePrevention | undefined;
      crossKind: OrderKind;
      share: FillShare;
      extraLots: number;
      gapMs: number;
    },
  ) {
    super('self_trade', 2);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const existing = this.p.reuse ? pickFrom(model.liveOrders(), this.p.pick) : undefined;
    const { order, gapMs } = existing
      ? { order: existing, gapMs: this.p.gapMs }
      : { order: placeResting(model, emit, this.p.seed, this.p.gapMs), gapMs: 0 };
    const grid = model.grid(order.symbol);
    const left = remainingLots(order);
    const lots =
      this.p.share === 'all'
        ? left
        : this.p.share === 'part'
          ? Math.max(1, left >> 1)
          : left + this.p.extraLots;
    emit(
      placeAction({
        client: order.client,
        gapMs,
        symbol: order.symbol,
        side: opposite(order.side),
        kind: this.p.crossKind,
        price: priceAt(grid, order.priceTicks ?? model.mark(order.symbol)),
        qty: qtyAt(grid, Math.min(grid.maxLots, lots)),
        clientOrderId: model.nextClientOrderId(),
        stp: this.p.stp,
      }),
    );
  }
}

/**
 * A trader sends a client order id it already used: a retry of the same request, or a new order
 * under the old id. Either must be refused while the venue remembers the id.
 */
class DuplicateIdCommand extends PlanCommand {
  constructor(
    private readonly p: {
      pick: number;
      seed: RestingSeed;
      retry: boolean;
      side: Side;
      kind: OrderKind;
      price: PriceChoice;
      qty: QtyChoice;
      gapMs: number;
    },
  ) {
    super('duplicate_id', 2);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const used = pickFrom(
      model.orders.filter((o) => o.accepted),
      this.p.pick,
    );
    const { order, gapMs } = used
      ? { order: used, gapMs: this.p.gapMs }
      : { order: placeResting(model, emit, this.p.seed, this.p.gapMs), gapMs: 0 };
    if (this.p.retry) {
      emit({ ...order.place, gapMs });
      return;
    }
    const grid = model.grid(order.symbol);
    emit(
      placeAction({
        client: order.client,
        gapMs,
        symbol: order.symbol,
        side: this.p.side,
        kind: this.p.kind,
        price: resolvePrice(grid, model.mark(order.symbol), this.p.price),
        qty: resolveQty(grid, this.p.qty),
        clientOrderId: order.clientOrderId,
      }),
    );
  }
}

// ------------------------------------------------------------------ the mix

const shareArb = fc.constantFrom<FillShare>('all', 'part', 'more');
const extraLotsArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 }));

const COMMAND_ARBS: { [K in TradingCommandKind]: fc.Arbitrary<PlanCommand> } = {
  place: fc
    .record({
      trader: traderArb,
      symbol: symbolChoiceArb,
      side: sideArb,
      kind: orderKindArb,
      price: priceChoiceArb,
      qty: qtyChoiceArb,
      stp: stpArb,
      gapMs: gapArb,
    })
    .map((p) => new PlaceCommand(p)),
  cancel: fc.record({ target: targetChoiceArb, gapMs: gapArb }).map((p) => new CancelCommand(p)),
  replace: fc
    .record({ target: targetChoiceArb, edit: replaceEditArb, gapMs: gapArb })
    .map((p) => new ReplaceCommand(p)),
  flip: fc
    .record({ seed: restingSeedArb, byOrderId: byOrderIdArb, gapMs: gapArb })
    .map((p) => new FlipCommand(p)),
  competing_cancels: fc
    .record({
      pick: pickArb,
      seed: restingSeedArb,
      firstById: fc.boolean(),
      secondById: fc.boolean(),
      gapMs: gapArb,
    })
    .map((p) => new CompetingCancelsCommand(p)),
  cancel_race: fc
    .record({
      pick: pickArb,
      seed: restingSeedArb,
      takerPick: pickArb,
      takerKind: takerKindArb,
      share: shareArb,
      extraLots: extraLotsArb,
      byOrderId: byOrderIdArb,
      gapMs: gapArb,
    })
    .map((p) => new CancelRaceCommand(p)),
  storm: fc
    .record({
      pick: pickArb,
      seed: restingSeedArb,
      edits: fc.array(replaceEditArb, { minLength: 2, maxLength: 5 }),
      byOrderId: byOrderIdArb,
      gapMs: gapArb,
    })
    .map((p) => new StormCommand(p)),
  sweep: fc
    .record({
      symbol: sandboxSymbolArb,
      takerSide: sideArb,
      taker: traderArb,
      takerKind: takerKindArb,
      levels: fc.array(
        fc.record({ makerPick: pickArb, stepTicks: fc.integer({ min: 0, max: 2 }), qty: validQtyChoiceArb }),
        { minLength: 1, maxLength: 4 },
      ),
      extraLots: extraLotsArb,
      gapMs: gapArb,
    })
    .map((p) => new SweepCommand(p)),
  self_trade: fc
    .record({
      reuse: fc.boolean(),
      pick: pickArb,
      seed: restingSeedArb,
      stp: everyStpArb,
      crossKind: takerKindArb,
      share: shareArb,
      extraLots: extraLotsArb,
      gapMs: gapArb,
    })
    .map((p) => new SelfTradeCommand(p)),
  duplicate_id: fc
    .record({
      pick: pickArb,
      seed: restingSeedArb,
      retry: fc.boolean(),
      side: sideArb,
      kind: orderKindArb,
      price: priceChoiceArb,
      qty: qtyChoiceArb,
      gapMs: gapArb,
    })
    .map((p) => new DuplicateIdCommand(p)),
  foreign: fc
    .record({
      pick: pickArb,
      otherPick: pickArb,
      replace: fc.boolean(),
      byOrderId: fc.boolean(),
      edit: replaceEditArb,
      gapMs: gapArb,
    })
    .map((p) => new ForeignCommand(p)),
  cancel_all: fc
    .record({
      pick: pickArb,
      scope: fc.constantFrom<'all' | 'own-symbol' | 'any-symbol'>('all', 'own-symbol', 'any-symbol'),
      symbol: symbolChoiceArb,
      gapMs: gapArb,
    })
    .map((p) => new CancelAllCommand(p)),
  set_mark: fc
    .record({
      symbol: sandboxSymbolArb,
      pct: fc.integer({ min: 1, max: 6 }),
      direction: fc.constantFrom<MarkDirection>('up', 'down', 'against-position', 'away-from-orders'),
      gapMs: gapArb,
    })
    .map((p) => new SetMarkCommand(p)),
  reconnect: fc
    .record({ pick: pickArb, mode: fc.constantFrom<'resync' | 'resume'>('resync', 'resume'), gapMs: gapArb })
    .map((p) => new ReconnectCommand(p)),
};

/** The weighted mix of commands; a weight of 0 leaves a kind out. */
export function tradingCommandArb(
  weights: Partial<Record<TradingCommandKind, number>> = {},
): fc.Arbitrary<PlanCommand> {
  const entries = TRADING_COMMAND_KINDS.map((kind) => ({
    weight: weights[kind] ?? DEFAULT_COMMAND_WEIGHTS[kind],
    arbitrary: COMMAND_ARBS[kind],
  })).filter((e) => e.weight > 0);
  if (entries.length === 0) throw new Error('tradingCommandArb: every command kind has weight 0');
  return fc.oneof(...entries);
}
