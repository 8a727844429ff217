import {
  defaultExchangeConfig,
  type ExchangeConfig,
  type NumberSpelling,
} from '../protocol/exchange-config.ts';
import type { OrderType, SelfTradePrevention, Side, TimeInForce } from '../protocol/exchange-input.ts';
import {
  type CancelAction,
  type OrderTarget,
  type PlaceAction,
  type ReplaceAction,
  type SetMarkAction,
  TRADERS,
  type Trader,
  type TradingAction,
} from '../trading-action.ts';
import type { Touch } from './boundary-values.ts';
import { clientOrderIdFor } from './client-order-id.ts';
import { availableAtoms } from './funding.ts';
import { bandTicks, type InstrumentGrid, lotsOf, ticksOf } from './instrument-grid.ts';
import { type VenueFacts, venueFacts } from './venue-facts.ts';

/** An order as generation predicts it: good enough to aim requests at, never a verdict. */
export interface PredictedOrder {
  readonly step: number;
  readonly client: Trader;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly tif: TimeInForce;
  readonly stp: SelfTradePrevention;
  /** The request as it was sent, so that a retry can repeat it exactly. */
  readonly place: PlaceAction;
  /** Whether the venue should accept it and so consume its client order id. */
  readonly accepted: boolean;
  /** Limit price in ticks; undefined for market orders and for prices that look invalid. */
  priceTicks: number | undefined;
  /** Total quantity in lots; undefined when it looks invalid. */
  lots: number | undefined;
  filledLots: number;
  /** Resting on the book, so a cancel or replace should reach it. */
  live: boolean;
  /** Queue position: lower rests ahead at the same price. */
  priority: number;
  /** Stop orders: the stop price in ticks (undefined when it looks invalid). */
  stopTicks?: number;
  /** A stop accepted and not triggered yet: off the book, waiting for a trade at its stop price. */
  pendingStop?: boolean;
  /**
   * The venue no longer remembers it (a reset, or more than `retainFinishedOrders` orders finished
   * after it): a request naming it is `unknown_order`, and its client order id is free again.
   */
  forgotten?: boolean;
}

const isStop = (type: OrderType): boolean => type === 'stop_market' || type === 'stop_limit';
const marketLike = (type: OrderType): boolean => type === 'market' || type === 'stop_market';

const MAX_CLIENT_ORDER_ID = 64;

/**
 * The generation-time model: what has been sent so far and a rough prediction of what it did.
 * Only used to bias generation toward requests that reach something (live orders, crossing
 * prices, open positions); the real venue decides. Matching is followed in whole ticks and
 * lots with simple rules (price-time priority, self-trade prevention, fok, post-only, the band
 * after a mark move, the margin check at the mark), in floating point where the venue is exact.
 */
export class TradingModel {
  readonly seed: number;
  readonly maxActions: number;
  readonly config: ExchangeConfig;
  /** The string spellings of prices and sizes the venue takes (config.numberSpellings). */
  readonly spellings: ReadonlySet<NumberSpelling>;
  readonly grids: ReadonlyMap<string, InstrumentGrid>;
  readonly sandboxSymbols: readonly string[];
  /** Symbols the traders (sandbox accounts) must be refused. */
  readonly forbiddenSymbols: readonly string[];
  /** Actions sent so far: the step the next action will have. */
  steps = 0;
  readonly orders: PredictedOrder[] = [];
  /** Current marks, in ticks. */
  readonly markTicks = new Map<string, number>();
  /** Client order ids each trader has consumed (predicted accepted). */
  readonly consumedIds = new Map<Trader, Set<string>>();
  /** Every client order id sent, accepted or not. */
  readonly sentIds = new Set<string>();
  /** Predicted trades so far, in total and per trader. */
  trades = 0;
  readonly fills = new Map<Trader, number>();
  /** Signed positions in lots, keyed by `${trader} ${symbol}`. */
  readonly positions = new Map<string, number>();
  /** Cash per trader, moved by predicted trades. */
  readonly cash = new Map<Trader, number>();
  /** Faults of each kind sent so far in this run (kind: `type.effect`). */
  readonly faultsSent = new Map<string, number>();
  /** The price of the last predicted trade per symbol, in ticks (none before the first). */
  readonly lastTradeTicks = new Map<string, number>();
  /** Symbols the admin has halted (every symbol after a halt without one). */
  readonly halted = new Set<string>();
  /** Resets sent so far. */
  resets = 0;
  /** Stops predicted triggered by the trades of the action being applied, in trigger order. */
  private readonly triggered: PredictedOrder[] = [];
  /** Accepted orders not finished yet, and finished ones the venue still remembers (oldest first). */
  private readonly unfinished = new Set<PredictedOrder>();
  private readonly remembered: PredictedOrder[] = [];
  private priorityCounter = 0;
  /** What this model reads from its config, shared by every model of that config. */
  private readonly facts: VenueFacts;

  constructor(seed: number, maxActions: number, config: ExchangeConfig = defaultExchangeConfig()) {
    this.seed = seed;
    this.maxActions = maxActions;
    this.config = config;
    const facts = venueFacts(config);
    this.facts = facts;
    this.spellings = facts.spellings;
    this.grids = facts.grids;
    this.sandboxSymbols = facts.sandboxSymbols;
    this.forbiddenSymbols = facts.forbiddenSymbols;
    for (const grid of this.grids.values()) this.markTicks.set(grid.symbol, grid.markTicks);
    for (const trader of TRADERS) {
      this.consumedIds.set(trader, new Set());
      this.fills.set(trader, 0);
      this.cash.set(trader, facts.startCash.get(trader) ?? 0);
    }
  }

  /** How many more actions fit in the run. */
  get room(): number {
    return this.maxActions - this.steps;
  }

  /** The fresh client order id of the next step. */
  nextClientOrderId(): string {
    return clientOrderIdFor(this.seed, this.steps);
  }

  grid(symbol: string): InstrumentGrid {
    const grid = this.grids.get(symbol);
    if (!grid) throw new Error(`no instrument ${symbol}`);
    return grid;
  }

  mark(symbol: string): number {
    return this.markTicks.get(symbol) ?? this.grid(symbol).markTicks;
  }

  liveOrders(): PredictedOrder[] {
    return this.orders.filter((o) => o.live);
  }

  /** Stops predicted accepted and not triggered (nor cancelled) yet. */
  pendingStops(): PredictedOrder[] {
    return this.orders.filter((o) => o.pendingStop === true);
  }

  ordersOf(trader: Trader): PredictedOrder[] {
    return this.orders.filter((o) => o.client === trader);
  }

  position(trader: Trader, symbol: string): number {
    return this.positions.get(this.positionKey(trader, symbol)) ?? 0;
  }

  /** The key of `positions` for a trader on a symbol. */
  private positionKey(trader: Trader, symbol: string): string {
    return this.facts.positionKeys.get(symbol)?.get(trader) ?? `${trader} ${symbol}`;
  }

  /** Best resting price on one side of a book, in ticks. */
  bestTicks(symbol: string, side: Side): number | undefined {
    let best: number | undefined;
    for (const o of this.orders) {
      if (!o.live || o.symbol !== symbol || o.side !== side || o.priceTicks === undefined) continue;
      if (best === undefined || (side === 'buy' ? o.priceTicks > best : o.priceTicks < best))
        best = o.priceTicks;
    }
    return best;
  }

  /** Where an order of `side` would meet the book: the best opposite price, if any. */
  touch(symbol: string, side: Side): Touch | undefined {
    const ticks = this.bestTicks(symbol, side === 'buy' ? 'sell' : 'buy');
    return ticks === undefined ? undefined : { side, ticks };
  }

  /**
   * The order a cancel or replace from `client` reaches, as the venue looks it up: by client
   * order id within the client's own orders, or by the order id that `step` was given (which
   * must then belong to the client).
   */
  resolveTarget(client: Trader, target: OrderTarget): PredictedOrder | undefined {
    if (target.byOrderId) {
      const order = this.orders.find((o) => o.step === target.step);
      return order?.accepted && !order.forgotten && order.client === client ? order : undefined;
    }
    return this.orders.findLast(
      (o) => o.accepted && !o.forgotten && o.client === client && o.clientOrderId === target.clientOrderId,
    );
  }

  /** Records one action as sent and predicts its effect. */
  apply(action: TradingAction): void {
    const step = this.steps;
    this.steps += 1;
    const placedBefore = this.orders.length;
    this.predict(action, step);
    this.retire(placedBefore);
  }

  private predict(action: TradingAction, step: number): void {
    switch (action.kind) {
      case 'place':
        this.place(action, step);
        break;
      case 'cancel':
        this.cancel(action);
        break;
      case 'replace':
        this.replace(action);
        break;
      case 'cancel_all':
        for (const o of this.orders) {
          if (
            (o.live || o.pendingStop) &&
            o.client === action.client &&
            (!action.symbol || o.symbol === action.symbol)
          ) {
            o.live = false;
            o.pendingStop = false;
          }
        }
        break;
      case 'set_mark':
        this.setMark(action);
        break;
      case 'reconnect':
      case 'status':
      case 'malformed':
      case 'configure':
        break;
      case 'halt':
      case 'resume_trading': {
        const known = this.grids.has(action.symbol ?? '');
        const symbols = action.symbol === undefined ? [...this.grids.keys()] : known ? [action.symbol] : [];
        for (const symbol of symbols) {
          if (action.kind === 'halt') this.halted.add(symbol);
          else this.halted.delete(symbol);
        }
        break;
      }
      case 'reset':
        this.reset();
        break;
      case 'fault': {
        const kind = `${action.fault.type}.${action.fault.effect}`;
        this.faultsSent.set(kind, (this.faultsSent.get(kind) ?? 0) + 1);
        break;
      }
    }
  }

  private place(action: PlaceAction, step: number): void {
    this.sentIds.add(action.clientOrderId);
    const grid = this.grids.get(action.symbol);
    const market = marketLike(action.orderType);
    const tif = action.tif ?? (market ? 'ioc' : 'gtc');
    const lots = grid ? lotsOf(grid, action.qty) : undefined;
    const priceTicks = grid && !market ? ticksOf(grid, action.price) : undefined;
    const stopTicks = grid && isStop(action.orderType) ? ticksOf(grid, action.stopPrice) : undefined;
    const order: PredictedOrder = {
      step,
      client: action.client,
      clientOrderId: action.clientOrderId,
      symbol: action.symbol,
      side: action.side,
      orderType: action.orderType,
      tif,
      stp: action.stp ?? this.config.defaultStp,
      place: action,
      accepted: grid !== undefined && this.wouldAccept(action, grid, tif, lots, priceTicks),
      priceTicks,
      lots,
      filledLots: 0,
      live: false,
      priority: 0,
      // Every order has the same fields (one object shape): stopTicks is undefined off stops.
      stopTicks,
      pendingStop: false,
      forgotten: false,
    };
    this.orders.push(order);
    if (!order.accepted) return;
    this.consumedIds.get(order.client)?.add(order.clientOrderId);
    if (isStop(action.orderType)) {
      order.pendingStop = true;
      return;
    }
    if (tif === 'fok' && this.fillable(order) < (order.lots ?? 0)) return;
    const survived = this.match(order);
    const rests = !market && (tif === 'gtc' || tif === 'post_only');
    if (survived && rests && remaining(order) > 0) {
      order.live = true;
      order.priority = ++this.priorityCounter;
    }
    this.runTriggered();
  }

  /** Whether a trade at `ticks` reaches a stop: at or above a buy stop, at or below a sell stop. */
  private reaches(stop: PredictedOrder, ticks: number): boolean {
    if (stop.stopTicks === undefined) return false;
    return stop.side === 'buy' ? ticks >= stop.stopTicks : ticks <= stop.stopTicks;
  }

  /** A trade printed: it is the symbol's last trade, and it triggers the stops it reaches. */
  private traded(symbol: string, ticks: number): void {
    this.lastTradeTicks.set(symbol, ticks);
    for (const o of this.orders) {
      if (o.pendingStop && o.symbol === symbol && this.reaches(o, ticks)) {
        o.pendingStop = false;
        this.triggered.push(o);
      }
    }
  }

  /** The stops triggered by this action's trades take liquidity in turn (and may trigger more). */
  private runTriggered(): void {
    for (let i = 0; i < this.triggered.length; i++) {
      const order = this.triggered[i];
      if (order.tif === 'fok' && this.fillable(order) < (order.lots ?? 0)) continue;
      const survived = this.match(order);
      if (survived && order.orderType === 'stop_limit' && order.tif === 'gtc' && remaining(order) > 0) {
        order.live = true;
        order.priority = ++this.priorityCounter;
      }
    }
    // Usually empty: setting an array's length is a call into the runtime.
    if (this.triggered.length > 0) this.triggered.length = 0;
  }

  private wouldAccept(
    action: PlaceAction,
    grid: InstrumentGrid,
    tif: TimeInForce,
    lots: number | undefined,
    priceTicks: number | undefined,
  ): boolean {
    const id = action.clientOrderId;
    if (id.length < 1 || id.length > MAX_CLIENT_ORDER_ID) return false;
    if (!this.sandboxSymbols.includes(action.symbol)) return false;
    if (this.halted.has(action.symbol)) return false;
    if (this.consumedIds.get(action.client)?.has(id)) return false;
    if (marketLike(action.orderType) && (tif === 'gtc' || tif === 'post_only')) return false;
    if (action.orderType === 'stop_limit' && tif === 'post_only') return false;
    if (lots === undefined || lots < grid.minLots || lots > grid.maxLots) return false;
    if (isStop(action.orderType)) {
      const stop = ticksOf(grid, action.stopPrice);
      if (stop === undefined || !this.inBand(grid, stop)) return false;
      const last = this.lastTradeTicks.get(action.symbol);
      if (last !== undefined && (action.side === 'buy' ? last >= stop : last <= stop)) return false;
    }
    if (marketLike(action.orderType)) return true;
    if (priceTicks === undefined || !this.inBand(grid, priceTicks)) return false;
    if (tif === 'post_only' && this.crosses(action.symbol, action.side, priceTicks)) return false;
    return this.marginAllows(action.client, grid, action.side, lots);
  }

  /**
   * The venue's margin rule, valued at the mark: an order that does not grow the worst position
   * always passes; otherwise the position limit, then equity minus every requirement must hold.
   */
  private marginAllows(trader: Trader, grid: InstrumentGrid, side: Side, lots: number): boolean {
    // worst() with and without the order, from one pass over the orders.
    let buys = 0;
    let sells = 0;
    for (const o of this.orders) {
      if (!o.live || o.client !== trader || o.symbol !== grid.symbol) continue;
      if (o.side === 'buy') buys += remaining(o);
      else sells += remaining(o);
    }
    const pos = this.position(trader, grid.symbol);
    const before = Math.max(Math.abs(pos + buys), Math.abs(pos - sells));
    if (side === 'buy') buys += lots;
    else sells += lots;
    const after = Math.max(Math.abs(pos + buys), Math.abs(pos - sells));
    if (after <= before) return true;
    if (after * grid.config.lotSize > grid.config.maxPosition + 1e-9) return false;
    // In exact cash atoms, as the venue counts (funding.ts): an order may spend every last unit.
    return availableAtoms(this, trader, { grid, side, lots }) >= 0;
  }

  private inBand(grid: InstrumentGrid, ticks: number): boolean {
    const band = bandTicks(grid, this.mark(grid.symbol));
    return ticks >= band.low && ticks <= band.high;
  }

  private crosses(symbol: string, side: Side, ticks: number): boolean {
    const best = this.bestTicks(symbol, side === 'buy' ? 'sell' : 'buy');
    return best !== undefined && (side === 'buy' ? best <= ticks : best >= ticks);
  }

  /** Resting orders a taker could reach, best first, then oldest first. */
  private opposite(taker: PredictedOrder): PredictedOrder[] {
    const grid = this.grid(taker.symbol);
    const band = bandTicks(grid, this.mark(taker.symbol));
    const limit = taker.priceTicks ?? (taker.side === 'buy' ? band.high : band.low);
    const buy = taker.side === 'buy';
    return this.orders
      .filter(
        (o) =>
          o.live &&
          o !== taker &&
          o.symbol === taker.symbol &&
          o.side !== taker.side &&
          o.priceTicks !== undefined &&
          (buy ? o.priceTicks <= limit : o.priceTicks >= limit),
      )
      .sort(
        (a, b) =>
          (buy ? a.priceTicks! - b.priceTicks! : b.priceTicks! - a.priceTicks!) || a.priority - b.priority,
      );
  }

  /** What a fill-or-kill could take before it reaches its own account's order (unless skipping it). */
  private fillable(taker: PredictedOrder): number {
    let total = 0;
    for (const maker of this.opposite(taker)) {
      if (maker.client === taker.client) {
        if (taker.stp === 'cancel_oldest') continue;
        break;
      }
      total += remaining(maker);
    }
    return total;
  }

  /** Trades a taker through the book; false when self-trade prevention cancelled the taker. */
  private match(taker: PredictedOrder): boolean {
    for (const maker of this.opposite(taker)) {
      const left = remaining(taker);
      if (left <= 0) break;
      if (maker.client === taker.client) {
        // cancel_newest keeps the resting order, the others cancel it; only cancel_oldest goes on.
        maker.live = taker.stp === 'cancel_newest';
        if (taker.stp !== 'cancel_oldest') return false;
        continue;
      }
      const qty = Math.min(left, remaining(maker));
      taker.filledLots += qty;
      maker.filledLots += qty;
      if (remaining(maker) <= 0) maker.live = false;
      this.trades += 1;
      this.traded(taker.symbol, maker.priceTicks!);
      const grid = this.grid(taker.symbol);
      const value =
        maker.priceTicks! *
        grid.config.tickSize *
        qty *
        grid.config.lotSize *
        (grid.config.contractMultiplier ?? 1);
      for (const o of [taker, maker]) {
        this.cash.set(o.client, (this.cash.get(o.client) ?? 0) + (o.side === 'buy' ? -value : value));
        this.fills.set(o.client, (this.fills.get(o.client) ?? 0) + 1);
        const key = this.positionKey(o.client, o.symbol);
        this.positions.set(key, (this.positions.get(key) ?? 0) + (o.side === 'buy' ? qty : -qty));
      }
    }
    return true;
  }

  private cancel(action: CancelAction): void {
    const order = this.resolveTarget(action.client, action.target);
    if (order) {
      order.live = false;
      order.pendingStop = false;
    }
  }

  private replace(action: ReplaceAction): void {
    const order = this.resolveTarget(action.client, action.target);
    if (!order?.live || order.lots === undefined || order.priceTicks === undefined) return;
    if (this.halted.has(order.symbol)) return;
    const grid = this.grid(order.symbol);
    const ticks = action.price === undefined ? order.priceTicks : ticksOf(grid, action.price);
    const lots = action.qty === undefined ? order.lots : lotsOf(grid, action.qty);
    if (ticks === undefined || !this.inBand(grid, ticks)) return;
    if (lots === undefined || lots < grid.minLots || lots > grid.maxLots || lots <= order.filledLots) return;
    if (ticks === order.priceTicks && lots === order.lots) return;
    if (order.tif === 'post_only' && this.crosses(order.symbol, order.side, ticks)) return;
    if (lots > order.lots && !this.marginAllows(order.client, grid, order.side, lots - order.lots)) return;
    if (ticks !== order.priceTicks || lots > order.lots) order.priority = ++this.priorityCounter;
    order.priceTicks = ticks;
    order.lots = lots;
    if (!this.match(order) || remaining(order) <= 0) order.live = false;
    this.runTriggered();
  }

  /** The venue back at its configured start: nothing open or remembered, cash, marks and halts as configured. */
  private reset(): void {
    this.resets += 1;
    for (const o of this.orders) {
      o.live = false;
      o.pendingStop = false;
      if (o.accepted) o.forgotten = true;
    }
    this.unfinished.clear();
    this.remembered.length = 0;
    for (const ids of this.consumedIds.values()) ids.clear();
    this.positions.clear();
    for (const trader of TRADERS) this.cash.set(trader, this.facts.startCash.get(trader) ?? 0);
    for (const grid of this.grids.values()) this.markTicks.set(grid.symbol, grid.markTicks);
    this.lastTradeTicks.clear();
    this.halted.clear();
  }

  /**
   * Orders accepted by the last action join the unfinished; those that finished join the
   * remembered, and beyond `retainFinishedOrders` the oldest are forgotten (their client order id
   * may be used again), as the venue forgets them.
   */
  private retire(placedBefore: number): void {
    for (let i = placedBefore; i < this.orders.length; i++) {
      const o = this.orders[i];
      if (o.accepted && !o.forgotten) this.unfinished.add(o);
    }
    for (const o of this.unfinished) {
      if (o.live || o.pendingStop) continue;
      this.unfinished.delete(o);
      this.remembered.push(o);
    }
    const retain = this.config.retainFinishedOrders;
    while (this.remembered.length > retain) {
      const o = this.remembered.shift()!;
      o.forgotten = true;
      this.consumedIds.get(o.client)?.delete(o.clientOrderId);
    }
  }

  private setMark(action: SetMarkAction): void {
    const grid = this.grids.get(action.symbol);
    if (!grid) return;
    const ticks = ticksOf(grid, action.price);
    if (ticks === undefined || ticks <= 0 || ticks > grid.markTicks * 10) return;
    this.markTicks.set(action.symbol, ticks);
    for (const o of this.orders) {
      if (
        o.live &&
        o.symbol === action.symbol &&
        o.priceTicks !== undefined &&
        !this.inBand(grid, o.priceTicks)
      ) {
        o.live = false;
      }
      // A waiting stop_limit whose limit the new band leaves out is cancelled too.
      if (
        o.pendingStop &&
        o.symbol === action.symbol &&
        o.priceTicks !== undefined &&
        !this.inBand(grid, o.priceTicks)
      )
        o.pendingStop = false;
    }
  }
}

function remaining(order: PredictedOrder): number {
  return (order.lots ?? 0) - order.filledLots;
}
