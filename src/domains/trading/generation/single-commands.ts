import type { SelfTradePrevention, Side } from '../protocol/exchange-input.ts';
import { TRADERS, type Trader } from '../trading-action.ts';
import { type PriceChoice, type QtyChoice, resolvePrice, resolveQty } from './boundary-values.ts';
import { placeAction } from './command-parts.ts';
import { priceAt } from './instrument-grid.ts';
import { type OrderKind, resolveSymbol, type SymbolChoice } from './order-fields.ts';
import {
  chooseTarget,
  otherTrader,
  pickFrom,
  type TargetChoice,
  targetAvailable,
  targetOf,
} from './order-targets.ts';
import { type Emit, PlanCommand } from './plan-command.ts';
import { type ReplaceEdit, resolveEdit } from './replace-edits.ts';
import type { TradingModel } from './trading-model.ts';

/** Commands that send one request each. Every params object carries the shrinker's keep mask. */
interface Keep {
  keep: boolean[];
}

export interface PlaceParams extends Keep {
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
export class PlaceCommand extends PlanCommand {
  constructor(private readonly p: PlaceParams) {
    super('place', 1, p.keep);
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
        price: resolvePrice(grid, model.mark(symbol), this.p.price, model.touch(symbol, this.p.side)),
        qty: resolveQty(grid, this.p.qty),
        clientOrderId: model.nextClientOrderId(),
        stp: this.p.stp,
      }),
    );
  }
}

/** A cancel, aimed mostly at a live order of its owner; it waits until such an order exists. */
export class CancelCommand extends PlanCommand {
  constructor(private readonly p: Keep & { target: TargetChoice; gapMs: number }) {
    super('cancel', 1, p.keep);
  }

  protected override ready(model: Readonly<TradingModel>): boolean {
    return targetAvailable(model, this.p.target.mode);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const { client, target } = chooseTarget(model, this.p.target);
    emit({ kind: 'cancel', client, gapMs: this.p.gapMs, target });
  }
}

/** A replace, aimed like a cancel, changing price and/or size (or nothing: replace_no_change). */
export class ReplaceCommand extends PlanCommand {
  constructor(private readonly p: Keep & { target: TargetChoice; edit: ReplaceEdit; gapMs: number }) {
    super('replace', 1, p.keep);
  }

  protected override ready(model: Readonly<TradingModel>): boolean {
    return targetAvailable(model, this.p.target.mode);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const { client, target, order } = chooseTarget(model, this.p.target);
    emit({ kind: 'replace', client, gapMs: this.p.gapMs, target, ...resolveEdit(model, order, this.p.edit) });
  }
}

/** Another trader names an order it does not own, by client order id or by order id: refused. */
export class ForeignCommand extends PlanCommand {
  constructor(
    private readonly p: Keep & {
      pick: number;
      otherPick: number;
      replace: boolean;
      byOrderId: boolean;
      edit: ReplaceEdit;
      gapMs: number;
    },
  ) {
    super('foreign', 1, p.keep);
  }

  protected override ready(model: Readonly<TradingModel>): boolean {
    return model.orders.some((o) => o.accepted);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const accepted = model.orders.filter((o) => o.accepted);
    const order = pickFrom(model.liveOrders(), this.p.pick) ?? pickFrom(accepted, this.p.pick)!;
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

export type CancelAllScope = 'all' | 'own-symbol' | 'any-symbol';

/** Cancels everything of a trader that has open orders, on one symbol or all. */
export class CancelAllCommand extends PlanCommand {
  constructor(
    private readonly p: Keep & { pick: number; scope: CancelAllScope; symbol: SymbolChoice; gapMs: number },
  ) {
    super('cancel_all', 1, p.keep);
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

export type MarkDirection = 'up' | 'down' | 'against-position' | 'away-from-orders';

/**
 * The admin moves a mark by 1 to 6 percent: against the largest open position (toward margin
 * limits; equity must follow) or away from the resting orders (the new band cancels them, and a
 * market order must still stop at the band).
 */
export class SetMarkCommand extends PlanCommand {
  constructor(
    private readonly p: Keep & { symbol: SymbolChoice; pct: number; direction: MarkDirection; gapMs: number },
  ) {
    super('set_mark', 1, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const symbol = resolveSymbol(model, this.p.symbol);
    const grid = model.grid(symbol);
    const mark = model.mark(symbol);
    const sign = this.up(model, symbol) ? 1 : -1;
    const ticks = Math.round(mark * (1 + (sign * this.p.pct) / 100));
    const clamped = Math.min(grid.markTicks * 10, Math.max(1, ticks));
    emit({ kind: 'set_mark', client: 'admin', gapMs: this.p.gapMs, symbol, price: priceAt(grid, clamped) });
  }

  private up(model: TradingModel, symbol: string): boolean {
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
          const open = (o.lots ?? 0) - o.filledLots;
          if (o.side === 'buy') bids += open;
          else asks += open;
        }
        return bids >= asks;
      }
    }
  }
}

/** A trader drops its connection and catches up by snapshot or replay, once fills have happened. */
export class ReconnectCommand extends PlanCommand {
  constructor(private readonly p: Keep & { pick: number; mode: 'resync' | 'resume'; gapMs: number }) {
    super('reconnect', 1, p.keep);
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
