import type { SelfTradePrevention, Side } from '../protocol/exchange-input.ts';
import { TRADERS, type Trader } from '../trading-action.ts';
import { type PriceChoice, type QtyChoice, resolvePrice, resolveQty } from './boundary-values.ts';
import {
  type Anchor,
  anchorOf,
  anchorTarget,
  liveOrSeed,
  placeAction,
  placeResting,
  type RestingSeed,
} from './command-parts.ts';
import { bandTicks, priceAt, qtyAt } from './instrument-grid.ts';
import { type OrderKind, opposite, passiveTicks, resolveSymbol, type SymbolChoice } from './order-fields.ts';
import { otherTrader, pickFrom } from './order-targets.ts';
import { type Emit, PlanCommand } from './plan-command.ts';
import { type ReplaceEdit, resolveEdit } from './replace-edits.ts';
import type { TradingModel } from './trading-model.ts';

/**
 * Scenarios of several requests that set up what the planted bugs need: races in the same
 * instant, replace storms, queues at one level, sweeps, self-trades and retried ids.
 */
interface Keep {
  keep: boolean[];
}

/** How much of a resting order a crossing order asks for. */
export type FillShare = 'all' | 'part' | 'more';

export function shareOf(anchor: Anchor, share: FillShare, extraLots: number): number {
  if (share === 'all') return anchor.lots;
  return share === 'part' ? Math.max(1, anchor.lots >> 1) : anchor.lots + extraLots;
}

/** An order from `client` that crosses the anchor at its price (market orders cross anything). */
export function crossing(
  model: TradingModel,
  anchor: Anchor,
  client: Trader,
  kind: OrderKind,
  lots: number,
  gapMs: number,
  stp?: SelfTradePrevention,
) {
  const grid = model.grid(anchor.symbol);
  return placeAction({
    client,
    gapMs,
    symbol: anchor.symbol,
    side: opposite(anchor.side),
    kind,
    price: priceAt(grid, anchor.priceTicks),
    qty: qtyAt(grid, Math.min(grid.maxLots, lots)),
    clientOrderId: model.nextClientOrderId(),
    stp,
  });
}

/** Place and cancel in the same instant: the cancel may arrive before the order is known. */
export class FlipCommand extends PlanCommand {
  constructor(private readonly p: Keep & { seed: RestingSeed; byOrderId: boolean; gapMs: number }) {
    super('flip', 2, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const anchor = placeResting(model, emit, this.p.seed, this.p.gapMs);
    emit({ kind: 'cancel', client: anchor.client, gapMs: 0, target: anchorTarget(anchor, this.p.byOrderId) });
  }
}

/** The owner cancels one order twice at once (named the same way or not): exactly one may succeed. */
export class CompetingCancelsCommand extends PlanCommand {
  constructor(
    private readonly p: Keep & {
      pick: number;
      seed: RestingSeed;
      firstById: boolean;
      secondById: boolean;
      gapMs: number;
    },
  ) {
    super('competing_cancels', 3, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const { anchor, gapMs } = liveOrSeed(model, emit, this.p.pick, this.p.seed, this.p.gapMs);
    emit({ kind: 'cancel', client: anchor.client, gapMs, target: anchorTarget(anchor, this.p.firstById) });
    emit({
      kind: 'cancel',
      client: anchor.client,
      gapMs: 0,
      target: anchorTarget(anchor, this.p.secondById),
    });
  }
}

/**
 * Another trader crosses a resting order and its owner cancels it in the same instant: the
 * cancel meets a filled or partly filled order (a partly filled cancel must release its reserve).
 */
export class CancelRaceCommand extends PlanCommand {
  constructor(
    private readonly p: Keep & {
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
    super('cancel_race', 3, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const { anchor, gapMs } = liveOrSeed(model, emit, this.p.pick, this.p.seed, this.p.gapMs);
    const taker = otherTrader(anchor.client, this.p.takerPick);
    emit(
      crossing(
        model,
        anchor,
        taker,
        this.p.takerKind,
        shareOf(anchor, this.p.share, this.p.extraLots),
        gapMs,
      ),
    );
    emit({ kind: 'cancel', client: anchor.client, gapMs: 0, target: anchorTarget(anchor, this.p.byOrderId) });
  }
}

/** Several replaces of one order in the same instant, moving price and size each time. */
export class StormCommand extends PlanCommand {
  constructor(
    private readonly p: Keep & {
      pick: number;
      seed: RestingSeed;
      edits: ReplaceEdit[];
      byOrderId: boolean;
      gapMs: number;
    },
  ) {
    super('storm', p.edits.length + 1, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const { anchor, gapMs } = liveOrSeed(model, emit, this.p.pick, this.p.seed, this.p.gapMs);
    this.p.edits.forEach((edit, i) => {
      emit({
        kind: 'replace',
        client: anchor.client,
        gapMs: i === 0 ? gapMs : 0,
        target: anchorTarget(anchor, this.p.byOrderId),
        ...resolveEdit(model, anchor.order, edit),
      });
    });
  }
}

/**
 * Two traders rest on one side at different prices; the one further back replaces onto the
 * other's level, where it must queue behind it; then a third trader takes exactly the first
 * order's size at that level, so who is filled shows whether the replace lost its priority.
 */
export class RequeueCommand extends PlanCommand {
  constructor(
    private readonly p: Keep & {
      seed: RestingSeed;
      otherPick: number;
      depth: number;
      secondQty: QtyChoice;
      takerKind: OrderKind;
      byOrderId: boolean;
      gapMs: number;
    },
  ) {
    super('requeue', 4, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const { seed } = this.p;
    const symbol = resolveSymbol(model, seed.symbol);
    const grid = model.grid(symbol);
    const band = bandTicks(grid, model.mark(symbol));
    const level = passiveTicks(model, symbol, seed.side, 0);
    const deeper = seed.side === 'buy' ? -1 : 1;
    const behind = Math.min(band.high, Math.max(band.low, level + deeper * this.p.depth));
    const second = otherTrader(seed.trader, this.p.otherPick);
    const taker = TRADERS.find((t) => t !== seed.trader && t !== second)!;
    const ahead = placeResting(model, emit, seed, this.p.gapMs, { symbol, ticks: level });
    const mover = placeResting(model, emit, { ...seed, qty: this.p.secondQty }, 0, {
      symbol,
      ticks: behind,
      client: second,
    });
    emit({
      kind: 'replace',
      client: second,
      gapMs: 0,
      target: anchorTarget(mover, this.p.byOrderId),
      price: priceAt(grid, level),
    });
    emit(crossing(model, ahead, taker, this.p.takerKind, ahead.lots, 0));
  }
}

export interface SweepLevel {
  makerPick: number;
  /** Ticks deeper than the previous level; 0 queues a second order at the same price. */
  stepTicks: number;
  qty: QtyChoice;
}

/**
 * Other traders build levels on one side, then a large marketable order trades through all of
 * them (and, with extra size, past what there is: fok must then expire untouched).
 */
export class SweepCommand extends PlanCommand {
  constructor(
    private readonly p: Keep & {
      symbol: SymbolChoice;
      takerSide: Side;
      taker: Trader;
      takerKind: OrderKind;
      levels: SweepLevel[];
      extraLots: number;
      gapMs: number;
    },
  ) {
    super('sweep', p.levels.length + 1, p.keep);
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
      if (
        o.symbol !== symbol ||
        o.side !== makerSide ||
        o.client === this.p.taker ||
        o.priceTicks === undefined
      ) {
        continue;
      }
      if (makerSide === 'sell' ? o.priceTicks <= ticks : o.priceTicks >= ticks)
        liquidity += anchorOf(model, o).lots;
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
export class SelfTradeCommand extends PlanCommand {
  constructor(
    private readonly p: Keep & {
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
    super('self_trade', 2, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const existing = this.p.reuse ? pickFrom(model.liveOrders(), this.p.pick) : undefined;
    const { anchor, gapMs } = existing
      ? { anchor: anchorOf(model, existing), gapMs: this.p.gapMs }
      : { anchor: placeResting(model, emit, this.p.seed, this.p.gapMs), gapMs: 0 };
    const lots = shareOf(anchor, this.p.share, this.p.extraLots);
    emit(crossing(model, anchor, anchor.client, this.p.crossKind, lots, gapMs, this.p.stp));
  }
}

/**
 * A trader sends a client order id it already used: a retry of the same request, or a new order
 * under the old id. Either must be refused while the venue remembers the id.
 */
export class DuplicateIdCommand extends PlanCommand {
  constructor(
    private readonly p: Keep & {
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
    super('duplicate_id', 2, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const used = pickFrom(
      model.orders.filter((o) => o.accepted),
      this.p.pick,
    );
    const { anchor, gapMs } = used
      ? { anchor: anchorOf(model, used), gapMs: this.p.gapMs }
      : { anchor: placeResting(model, emit, this.p.seed, this.p.gapMs), gapMs: 0 };
    if (this.p.retry) {
      emit({ ...anchor.place, gapMs });
      return;
    }
    const grid = model.grid(anchor.symbol);
    emit(
      placeAction({
        client: anchor.client,
        gapMs,
        symbol: anchor.symbol,
        side: this.p.side,
        kind: this.p.kind,
        price: resolvePrice(
          grid,
          model.mark(anchor.symbol),
          this.p.price,
          model.touch(anchor.symbol, this.p.side),
        ),
        qty: resolveQty(grid, this.p.qty),
        clientOrderId: anchor.place.clientOrderId,
      }),
    );
  }
}
