import {
  cashDecimalsOfInstrument,
  cashPerPxQtyOf,
} from '../../domains/trading/protocol/contract-multiplier.ts';
import {
  atomsDecimal,
  fromAtoms,
  pow10,
  readNumeric,
  toAtoms,
} from '../../domains/trading/protocol/decimal-codec.ts';
import { decimalsOf } from '../../domains/trading/protocol/decimals-of.ts';
import type {
  AccountConfig,
  ExchangeConfig,
  NumberSpelling,
} from '../../domains/trading/protocol/exchange-config.ts';
import {
  accountStream,
  type BalanceEvent,
  bookStream,
  type CancelReason,
  type EventEnvelope,
  type ExchangeEvent,
  type ExpireReason,
  marketStream,
  type OrderAcceptedEvent,
  type OrderRejectedEvent,
  type OrderStatus,
} from '../../domains/trading/protocol/exchange-event.ts';
import type {
  CancelAllInput,
  CancelInput,
  ExchangeInput,
  HaltInput,
  OrderRef,
  PlaceInput,
  ReplaceInput,
  SelfTradePrevention,
  SetMarkInput,
  TimeInForce,
} from '../../domains/trading/protocol/exchange-input.ts';
import type {
  AccountSnapshot,
  BookSnapshot,
  ExchangeSnapshot,
  InstrumentSnapshot,
  OrderSnapshot,
} from '../../domains/trading/protocol/exchange-snapshot.ts';
import type { RejectReason } from '../../domains/trading/protocol/reject-reason.ts';
import { BUG_NAMES, type BugName } from '../bugs/planted-bugs.ts';
import { buildAccountSnapshot, buildBookSnapshot, buildOrderSnapshot } from './build-snapshot.ts';
import { ClientIdMap, clientIdHash } from './client-id-map.ts';
import type { AccountState, InstrumentState, OrderState } from './engine-state.ts';
import type { EngineOutput, EngineResponse, OrderResult } from './exchange-output.ts';
import { marginFor, worstExposure } from './margin.ts';
import { NumberedIds } from './numbered-ids.ts';
import { BookSide } from './order-book.ts';
import { OrderIndex } from './order-index.ts';
import { hasLimit, isStopType, marketLike, StopBook, stopReached, validateStopPrice } from './stop-book.ts';
import { priceBand, validatePrice, validateQty } from './validate-amounts.ts';

/**
 * What the engine holds, counted (docs/exchange.md, "Memory limits"). Open orders are bounded
 * by each instrument's maxPosition and minQty; everything else by a config limit or a constant.
 */
export interface EngineRetained {
  openOrders: number;
  /** Finished orders still remembered: at most config.retainFinishedOrders. */
  finishedOrders: number;
  /** Orders findable by id: the open and the remembered finished ones. */
  indexedOrders: number;
  /** Client order ids taken, over all accounts: one per indexed order. */
  clientOrderIds: number;
  /** Price levels over all books, emptied ones not swept yet included. */
  bookLevels: number;
  /** Records of forgotten orders kept for reuse: at most 1024. */
  spareOrders: number;
}

export interface EngineOptions {
  config: ExchangeConfig;
  bugs?: Iterable<BugName>;
}

/**
 * An instrument's config as the engine reads it: derived once per config (see layoutOf). The
 * fields of its runtime record that never change after the config is read.
 */
type InstrumentShape = Pick<
  InstrumentState,
  | 'index'
  | 'cfg'
  | 'symbol'
  | 'sandbox'
  | 'priceScale'
  | 'qtyScale'
  | 'tick'
  | 'lot'
  | 'minQty'
  | 'maxQty'
  | 'maxPosition'
  | 'cashPerPxQty'
  | 'mark'
  | 'bandLow'
  | 'bandHigh'
  | 'marketStream'
  | 'bookStream'
>;

/** An account's config as the engine reads it. */
interface AccountShape {
  cfg: AccountConfig;
  stream: string;
  cash: number;
}

/**
 * Everything an engine derives from its config before the first input: scales, atoms, band
 * edges, stream names. Pure, so engines built from one config (one per run, one more for each
 * journal rebuild) share it instead of deriving it again. `source` holds what it was derived
 * from, field by field: a config edited in place since (tests do) is derived anew.
 */
interface EngineLayout {
  source: readonly unknown[];
  spellings: ReadonlySet<NumberSpelling> | undefined;
  cashScale: number;
  instruments: InstrumentShape[];
  accounts: AccountShape[];
  /** One 0 (and one false) per instrument: copied into each account's per-instrument arrays. */
  zeros: number[];
  falses: boolean[];
}

const layouts = new WeakMap<ExchangeConfig, EngineLayout>();

/** The config's fields a layout is derived from, in a fixed order (compared to tell it is still valid). */
function layoutSource(config: ExchangeConfig): unknown[] {
  const source: unknown[] = [config.sandboxPrefix, config.numberSpellings, ...(config.numberSpellings ?? [])];
  source.push(config.instruments.length);
  for (const cfg of config.instruments) {
    source.push(
      cfg,
      cfg.symbol,
      cfg.tickSize,
      cfg.lotSize,
      cfg.minQty,
      cfg.maxQty,
      cfg.maxPosition,
      cfg.markPrice,
      cfg.bandPct,
      cfg.contractMultiplier,
    );
  }
  source.push(config.accounts.length);
  for (const cfg of config.accounts) source.push(cfg, cfg.id, cfg.cash);
  return source;
}

function sameSource(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** The config's layout, derived on first use and whenever the config changed since. */
function layoutOf(config: ExchangeConfig): EngineLayout {
  const source = layoutSource(config);
  const known = layouts.get(config);
  if (known !== undefined && sameSource(known.source, source)) return known;
  let cashDecimals = 0;
  for (const cfg of config.instruments) cashDecimals = Math.max(cashDecimals, cashDecimalsOfInstrument(cfg));
  const cashScale = pow10(cashDecimals);
  const instruments = config.instruments.map((cfg, index): InstrumentShape => {
    const priceScale = pow10(decimalsOf(cfg.tickSize));
    const qtyScale = pow10(decimalsOf(cfg.lotSize));
    const tick = toAtoms(cfg.tickSize, priceScale);
    const mark = toAtoms(cfg.markPrice, priceScale);
    const band = priceBand(mark, cfg.bandPct, tick);
    return {
      index,
      cfg,
      symbol: cfg.symbol,
      sandbox: cfg.symbol.startsWith(config.sandboxPrefix),
      priceScale,
      qtyScale,
      tick,
      lot: toAtoms(cfg.lotSize, qtyScale),
      minQty: toAtoms(cfg.minQty, qtyScale),
      maxQty: toAtoms(cfg.maxQty, qtyScale),
      maxPosition: toAtoms(cfg.maxPosition, qtyScale),
      cashPerPxQty: cashPerPxQtyOf(cfg, cashDecimals),
      mark,
      bandLow: band.low,
      bandHigh: band.high,
      marketStream: marketStream(cfg.symbol),
      bookStream: bookStream(cfg.symbol),
    };
  });
  const layout: EngineLayout = {
    source,
    spellings: config.numberSpellings ? new Set(config.numberSpellings) : undefined,
    cashScale,
    instruments,
    accounts: config.accounts.map((cfg) => ({
      cfg,
      stream: accountStream(cfg.id),
      cash: toAtoms(cfg.cash, cashScale),
    })),
    zeros: instruments.map(() => 0),
    falses: instruments.map(() => false),
  };
  layouts.set(config, layout);
  return layout;
}

/** The planted bugs as a set and as flags; engines without bugs (nearly all) share one pair. */
function bugFlagsOf(bugs: Iterable<BugName> | undefined): {
  set: ReadonlySet<BugName>;
  flags: Readonly<Record<BugName, boolean>>;
} {
  const set = new Set(bugs ?? []);
  if (set.size === 0) return NO_BUGS;
  return { set, flags: flagsOf(set) };
}

function flagsOf(set: ReadonlySet<BugName>): Readonly<Record<BugName, boolean>> {
  return Object.fromEntries(BUG_NAMES.map((name) => [name, set.has(name)])) as Record<BugName, boolean>;
}

const NO_BUGS = { set: new Set<BugName>() as ReadonlySet<BugName>, flags: flagsOf(new Set()) };

const MAX_CLIENT_ORDER_ID = 64;
const MAX_SPARE_ORDERS = 1024;

/**
 * The reference exchange's matching engine: pure, synchronous and deterministic. The same
 * inputs at the same times always produce the same responses and the same events with the
 * same sequence numbers. It holds no clock and no randomness: time arrives with each input.
 *
 * Rules (see docs/exchange.md): price-time priority; partial fills; self-trade prevention;
 * cancel-replace loses priority on a price change or a quantity increase and keeps it on a
 * quantity decrease; a rejected replace leaves the order untouched; the margin model in
 * margin.ts; stop orders wait off the book (stop-book.ts) until a later trade reaches their
 * stop price, then act as their market or limit counterpart; all amounts are exact integer
 * atoms inside.
 */
export class Engine {
  readonly config: ExchangeConfig;
  private readonly bugs: ReadonlySet<BugName>;
  /** The same bugs as flags: a property read on the hot path instead of a Set lookup. */
  private readonly bug: Readonly<Record<BugName, boolean>>;
  private readonly instruments: InstrumentState[] = [];
  private readonly instrumentsBySymbol = new Map<string, InstrumentState>();
  private readonly accounts: AccountState[] = [];
  private readonly accountsById = new Map<string, AccountState>();
  /** Open and retained finished orders by number. */
  private readonly orders = new OrderIndex<OrderState>();
  private readonly cashScale: number;
  /** Finished orders, oldest first from finishedHead: the next to forget. */
  private readonly finished: OrderState[] = [];
  private finishedHead = 0;
  /**
   * Records of forgotten orders, reused for new ones: a record outlives a few young-generation
   * collections before it is forgotten, and copying it through them costs more than reusing
   * it. Nothing refers to a forgotten order any more (see forget), and records are taken only
   * when an order is placed, never while an input is still using one it just forgot.
   */
  private readonly spareOrders: OrderState[] = [];
  private txnCounter = 0;
  private orderCounter = 0;
  private tradeCounter = 0;
  private readonly orderIds = new NumberedIds('O');
  private readonly tradeIds = new NumberedIds('T');
  private priorityCounter = 0;
  private time = 0;

  // Scratch for the input being applied.
  /** Events of the input being applied: a new array each time, as the caller keeps it. */
  private out: EventEnvelope[] = [];
  private touchedAccounts: AccountState[] = [];
  private touchedInstruments: InstrumentState[] = [];
  /** The string spellings of prices and quantities taken (config.numberSpellings); all when undefined. */
  private readonly spellings: ReadonlySet<NumberSpelling> | undefined;
  /** Price atoms of the latest trade: the aggregated_tape_print bug prints at it. */
  private lastTradePrice = 0;
  /** Levels whose delta the book_delta_wrong_side bug files on the other side (levelKey). */
  private readonly misfiled = new Set<string>();
  /** Stops triggered in the input being applied, in trigger order, each with its trade. */
  private readonly triggered: { order: OrderState; tradeId: string; price: number }[] = [];

  constructor(options: EngineOptions) {
    this.config = options.config;
    const flags = bugFlagsOf(options.bugs);
    this.bugs = flags.set;
    this.bug = flags.flags;
    const layout = layoutOf(this.config);
    this.spellings = layout.spellings;
    this.cashScale = layout.cashScale;
    for (const shape of layout.instruments) {
      const inst: InstrumentState = {
        index: shape.index,
        cfg: shape.cfg,
        symbol: shape.symbol,
        sandbox: shape.sandbox,
        priceScale: shape.priceScale,
        qtyScale: shape.qtyScale,
        tick: shape.tick,
        lot: shape.lot,
        minQty: shape.minQty,
        maxQty: shape.maxQty,
        maxPosition: shape.maxPosition,
        cashPerPxQty: shape.cashPerPxQty,
        mark: shape.mark,
        previousMark: shape.mark,
        bandLow: shape.bandLow,
        bandHigh: shape.bandHigh,
        halted: false,
        bids: new BookSide(true),
        asks: new BookSide(false),
        marketStream: shape.marketStream,
        bookStream: shape.bookStream,
        marketSeq: 0,
        bookSeq: 0,
        touchedLevels: [],
        stops: new StopBook(),
        lastTrade: 0,
        lastTradeId: '',
      };
      this.instruments.push(inst);
      this.instrumentsBySymbol.set(shape.symbol, inst);
    }
    const { zeros, falses } = layout;
    for (const shape of layout.accounts) {
      const cfg = shape.cfg;
      const acct: AccountState = {
        id: cfg.id,
        cfg,
        sandbox: cfg.sandbox,
        leverage: cfg.leverage,
        forbidden: new Set(cfg.forbiddenSymbols ?? []),
        stream: shape.stream,
        seq: 0,
        cash: shape.cash,
        position: zeros.slice(),
        openCost: zeros.slice(),
        openBuy: zeros.slice(),
        openSell: zeros.slice(),
        requirement: zeros.slice(),
        positionMargin: zeros.slice(),
        requirementTotal: 0,
        positionMarginTotal: 0,
        leaked: 0,
        byClientId: new ClientIdMap(),
        openOrders: [],
        touched: false,
        positionChanged: falses.slice(),
        marginStale: falses.slice(),
      };
      this.accounts.push(acct);
      this.accountsById.set(cfg.id, acct);
    }
  }

  hasBug(name: BugName): boolean {
    return this.bugs.has(name);
  }

  get txn(): number {
    return this.txnCounter;
  }

  /** Applies one input. Deterministic; an input that changes nothing returns txn 0 and no events. */
  apply(input: ExchangeInput, time: number): EngineOutput {
    this.time = time;
    this.out = [];
    let response: EngineResponse;
    switch (input?.op) {
      case 'place':
        response = this.place(input);
        break;
      case 'cancel':
        response = this.cancel(input);
        break;
      case 'replace':
        response = this.replace(input);
        break;
      case 'cancel_all':
        response = this.cancelAll(input);
        break;
      case 'set_mark':
        response = this.setMark(input);
        break;
      case 'halt':
      case 'resume':
        response = this.haltOrResume(input);
        break;
      case 'reset':
        response = this.reset();
        break;
      default:
        response = { ok: false, reason: 'invalid_request', detail: 'unknown op' };
    }
    this.flush();
    const events = this.out;
    if (events.length === 0) return { txn: 0, response, events };
    this.txnCounter++;
    return { txn: this.txnCounter, response, events };
  }

  /** Order status query; it changes nothing and is never journaled. */
  orderStatus(account: string, ref: OrderRef): EngineResponse {
    const acct = this.accountsById.get(account);
    if (!acct) return { ok: false, reason: 'invalid_request', detail: 'unknown account' };
    const order = this.findOrder(acct, ref);
    if (typeof order === 'string') return { ok: false, reason: order };
    return { ok: true, result: { kind: 'order', order: this.orderResult(order) } };
  }

  /** Counts of what the engine retains; reading them changes nothing. */
  retained(): EngineRetained {
    let openOrders = 0;
    let clientOrderIds = 0;
    for (const acct of this.accounts) {
      openOrders += acct.openOrders.length;
      clientOrderIds += acct.byClientId.size;
    }
    let bookLevels = 0;
    for (const inst of this.instruments) bookLevels += inst.bids.levelCount + inst.asks.levelCount;
    return {
      openOrders,
      finishedOrders: this.finished.length - this.finishedHead,
      indexedOrders: this.orders.size,
      clientOrderIds,
      bookLevels,
      spareOrders: this.spareOrders.length,
    };
  }

  lastSeq(stream: string): number {
    const colon = stream.indexOf(':');
    const kind = stream.slice(0, colon);
    const name = stream.slice(colon + 1);
    if (kind === 'account') return this.accountsById.get(name)?.seq ?? 0;
    const inst = this.instrumentsBySymbol.get(name);
    if (!inst) return 0;
    if (kind === 'market') return inst.marketSeq;
    if (kind === 'book') return inst.bookSeq;
    return 0;
  }

  snapshot(): ExchangeSnapshot {
    const streams: Record<string, number> = {};
    for (const acct of this.accounts) if (acct.seq > 0) streams[acct.stream] = acct.seq;
    for (const inst of this.instruments) {
      if (inst.marketSeq > 0) streams[inst.marketStream] = inst.marketSeq;
      if (inst.bookSeq > 0) streams[inst.bookStream] = inst.bookSeq;
    }
    const orders: OrderSnapshot[] = [];
    for (const acct of this.accounts) for (const o of acct.openOrders) orders.push(buildOrderSnapshot(o));
    orders.sort((a, b) => Number(a.orderId.slice(1)) - Number(b.orderId.slice(1)));
    return {
      txn: this.txnCounter,
      time: this.time,
      instruments: this.instruments.map((i) => this.instrumentSnapshot(i)),
      accounts: this.accounts.map((a) => this.accountSnapshotOf(a)),
      orders,
      books: this.instruments.map((i) => buildBookSnapshot(i)),
      streams,
    };
  }

  accountSnapshot(account: string): AccountSnapshot | undefined {
    const acct = this.accountsById.get(account);
    return acct ? this.accountSnapshotOf(acct) : undefined;
  }

  openOrders(account: string): OrderSnapshot[] {
    const acct = this.accountsById.get(account);
    if (!acct) return [];
    return acct.openOrders
      .slice()
      .sort((a, b) => a.num - b.num)
      .map(buildOrderSnapshot);
  }

  book(symbol: string): BookSnapshot | undefined {
    const inst = this.instrumentsBySymbol.get(symbol);
    return inst ? buildBookSnapshot(inst) : undefined;
  }

  instrument(symbol: string): InstrumentSnapshot | undefined {
    const inst = this.instrumentsBySymbol.get(symbol);
    return inst ? this.instrumentSnapshot(inst) : undefined;
  }

  // ---------------------------------------------------------------- place

  private place(input: PlaceInput): EngineResponse {
    const acct = this.accountsById.get(input.account);
    if (!acct) return { ok: false, reason: 'invalid_request', detail: 'unknown account' };
    const cid = input.clientOrderId;
    if (typeof cid !== 'string' || cid.length === 0 || cid.length > MAX_CLIENT_ORDER_ID) {
      return this.rejectPlace(
        acct,
        input,
        'invalid_request',
        `clientOrderId must be a string of 1 to ${MAX_CLIENT_ORDER_ID} chars`,
      );
    }
    const inst = typeof input.symbol === 'string' ? this.instrumentsBySymbol.get(input.symbol) : undefined;
    if (!inst) return this.rejectPlace(acct, input, 'unknown_symbol');
    if (!this.mayTrade(acct, inst)) return this.rejectPlace(acct, input, 'forbidden_symbol');
    if (inst.halted) return this.rejectPlace(acct, input, 'halted');
    const cidHash = clientIdHash(cid);
    if (acct.byClientId.has(cid, cidHash) && !this.bug.duplicate_client_order_id) {
      return this.rejectPlace(acct, input, 'duplicate_client_order_id');
    }
    if (input.side !== 'buy' && input.side !== 'sell')
      return this.rejectPlace(acct, input, 'invalid_request', 'side must be buy or sell');
    const isStop = isStopType(input.type);
    if (input.type !== 'limit' && input.type !== 'market' && !isStop) {
      return this.rejectPlace(
        acct,
        input,
        'invalid_request',
        'type must be limit, market, stop_market or stop_limit',
      );
    }
    const tif: TimeInForce = input.tif ?? (marketLike(input.type) ? 'ioc' : 'gtc');
    if (tif !== 'gtc' && tif !== 'ioc' && tif !== 'fok' && tif !== 'post_only')
      return this.rejectPlace(acct, input, 'invalid_request', 'tif must be gtc, ioc, fok or post_only');
    if (marketLike(input.type) && (tif === 'gtc' || tif === 'post_only')) {
      return this.rejectPlace(acct, input, 'invalid_request', `a ${input.type} order is ioc or fok`);
    }
    if (input.type === 'stop_limit' && tif === 'post_only') {
      return this.rejectPlace(acct, input, 'invalid_request', 'a stop_limit order is gtc, ioc or fok');
    }
    const stp: SelfTradePrevention = input.stp ?? this.config.defaultStp;
    if (stp !== 'cancel_newest' && stp !== 'cancel_oldest' && stp !== 'cancel_both')
      return this.rejectPlace(
        acct,
        input,
        'invalid_request',
        'stp must be cancel_newest, cancel_oldest or cancel_both',
      );
    const qty = this.writtenOffGrid(input.qty, inst.qtyScale)
      ? 'qty_not_lot_multiple'
      : validateQty(input.qty, inst, this.spellings);
    if (typeof qty === 'string') return this.rejectPlace(acct, input, qty);
    const isBuy = input.side === 'buy';
    let stopPrice = 0;
    if (isStop) {
      const sp = validateStopPrice(input.stopPrice, inst, this.spellings);
      if (typeof sp === 'string') return this.rejectPlace(acct, input, sp);
      stopPrice = sp;
    }
    let price = 0;
    if (hasLimit(input.type)) {
      const p = this.writtenOffGrid(input.price, inst.priceScale)
        ? 'price_off_tick'
        : validatePrice(input.price, inst, this.spellings);
      // Planted: off_tick_refused_as_out_of_band names the wrong reason for an off-tick price.
      if (typeof p === 'string')
        return this.rejectPlace(
          acct,
          input,
          p === 'price_off_tick' && this.bug.off_tick_refused_as_out_of_band ? 'price_out_of_band' : p,
        );
      // Planted: rejects_valid_at_boundary refuses a price exactly on the band's top edge.
      if (this.bug.rejects_valid_at_boundary && p === inst.bandHigh)
        return this.rejectPlace(acct, input, 'price_out_of_band');
      price = p;
      if (tif === 'post_only' && this.wouldCross(inst, isBuy, price) && !this.bug.post_only_crosses) {
        return this.rejectPlace(acct, input, 'post_only_would_cross');
      }
    }
    // A stop the last trade has already reached would trigger at once: refused.
    const reachedAlready =
      isStop &&
      inst.lastTradeId !== '' &&
      (isBuy ? inst.lastTrade >= stopPrice : inst.lastTrade <= stopPrice);
    if (reachedAlready && !this.bug.stop_triggers_before_accept)
      return this.rejectPlace(acct, input, 'stop_would_trigger');
    const risk = this.checkRisk(acct, inst, isBuy, qty);
    if (risk) return this.rejectPlace(acct, input, risk);
    const modes = this.config.venueModes;
    if (modes.rejectEntries || modes.rejectExits) {
      // An exit reduces the position it faces; anything else opens or grows one.
      const pos = acct.position[inst.index] ?? 0;
      const exit = isBuy ? pos < 0 : pos > 0;
      if (exit ? modes.rejectExits : modes.rejectEntries)
        return this.rejectPlace(acct, input, 'venue_rejected');
    }

    const num = ++this.orderCounter;
    // Every field is set, as the record may be a spare one.
    const order = this.spareOrders.pop() ?? blankOrder(acct, inst);
    order.num = num;
    order.id = this.orderIds.idOf(num);
    order.clientOrderId = cid;
    order.clientIdHash = cidHash;
    order.account = acct;
    order.instrument = inst;
    order.isBuy = isBuy;
    order.type = input.type;
    order.tif = tif;
    order.stp = stp;
    order.price = price;
    order.stopPrice = stopPrice;
    order.pending = isStop;
    order.qty = qty;
    order.filled = 0;
    order.status = 'open';
    order.priority = 0;
    order.openSlot = acct.openOrders.length;
    order.level = null;
    order.prev = null;
    order.next = null;
    acct.byClientId.set(cid, order, cidHash);
    acct.openOrders.push(order);
    this.orders.add(num, order);
    this.addOpen(order, order.qty);
    this.touchAccount(acct);
    const accepted: OrderAcceptedEvent = {
      type: 'order_accepted',
      orderId: order.id,
      clientOrderId: cid,
      symbol: inst.symbol,
      side: input.side,
      orderType: input.type,
      tif,
      price: hasLimit(input.type) ? fromAtoms(price, inst.priceScale) : null,
      qty: fromAtoms(order.qty, inst.qtyScale),
    };
    if (isStop) accepted.stopPrice = fromAtoms(stopPrice, inst.priceScale);
    this.emitAccount(acct, accepted);
    if (isStop) {
      // Planted: stop_triggers_before_accept triggers it on the trade that printed before it.
      if (reachedAlready) this.triggered.push({ order, tradeId: inst.lastTradeId, price: inst.lastTrade });
      else inst.stops.add(order);
    } else if (tif === 'fok' && !this.bug.fok_partial_fill && this.fillableQty(order) < order.qty) {
      this.expire(order, 'fok');
    } else if (tif === 'post_only') {
      this.rest(order);
    } else {
      this.match(order);
      this.afterTaking(order);
    }
    if (this.triggered.length > 0) this.runTriggered();
    return { ok: true, result: { kind: 'order', order: this.orderResult(order) } };
  }

  /** What is left of a taker after matching: filled, resting, or expired by its time in force. */
  private afterTaking(order: OrderState): void {
    if (order.status === 'cancelled' || order.status === 'filled') return;
    if (this.remaining(order) <= 0) {
      this.finish(order, 'filled');
    } else if (hasLimit(order.type) && order.tif === 'gtc') {
      this.rest(order);
    } else {
      this.expire(order, marketLike(order.type) ? 'market' : order.tif === 'fok' ? 'fok' : 'ioc');
    }
  }

  // ---------------------------------------------------------------- stops

  /** Notes the stops a trade triggers; they act once the order taking liquidity is done. */
  private triggerStops(inst: InstrumentState, price: number, tradeId: string): void {
    // Planted: stop_never_triggers_on_gap triggers only on a trade exactly at the stop price.
    const reaches = this.bug.stop_never_triggers_on_gap
      ? (stop: OrderState, at: number) => at === stop.stopPrice
      : stopReached;
    const order = this.config.stopTriggerOrder ?? 'accepted';
    // Planted: stop_triggers_twice leaves a triggered stop waiting, to trigger again.
    for (const stop of inst.stops.triggeredBy(price, order, reaches, this.bug.stop_triggers_twice))
      this.triggered.push({ order: stop, tradeId, price });
  }

  /**
   * The stops triggered in this input, one after the other in the order they triggered: each
   * becomes its market or limit counterpart and takes liquidity now (a gtc limit rests what is
   * left, with the priority of this moment). Their trades may trigger more, which follow.
   */
  private runTriggered(): void {
    const queue = this.triggered;
    for (let i = 0; i < queue.length; i++) {
      const { order, tradeId, price } = queue[i];
      // Only stop_triggers_twice triggers a stop again: it says so, and nothing else happens.
      if (!order.pending) {
        if (this.orders.get(order.num) === order) this.emitTriggered(order, tradeId, price);
        continue;
      }
      order.pending = false;
      this.touchAccount(order.account);
      this.emitTriggered(order, tradeId, price);
      if (order.tif === 'fok' && !this.bug.fok_partial_fill && this.fillableQty(order) < order.qty) {
        this.expire(order, 'fok');
      } else {
        this.match(order);
        this.afterTaking(order);
      }
    }
    queue.length = 0;
  }

  private emitTriggered(order: OrderState, tradeId: string, price: number): void {
    const inst = order.instrument;
    const limit = hasLimit(order.type);
    this.emitAccount(order.account, {
      type: 'order_triggered',
      orderId: order.id,
      clientOrderId: order.clientOrderId,
      symbol: inst.symbol,
      side: order.isBuy ? 'buy' : 'sell',
      orderType: limit ? 'limit' : 'market',
      tif: order.tif,
      price: limit ? fromAtoms(order.price, inst.priceScale) : null,
      stopPrice: fromAtoms(order.stopPrice, inst.priceScale),
      qty: fromAtoms(order.qty, inst.qtyScale),
      triggerTradeId: tradeId,
      triggerPrice: fromAtoms(price, inst.priceScale),
    });
  }

  private rest(order: OrderState): void {
    order.priority = ++this.priorityCounter;
    const side = order.isBuy ? order.instrument.bids : order.instrument.asks;
    side.append(order);
    this.touchLevel(order.instrument, order.isBuy, order.price);
  }

  // ---------------------------------------------------------------- matching

  private match(taker: OrderState): void {
    const tradesBefore = this.tradeCounter;
    const filledBefore = taker.filled;
    this.matchAll(taker);
    // The aggregated_tape_print bug: one more print for the whole sweep, which no fill backs.
    if (this.bug.aggregated_tape_print && this.tradeCounter - tradesBefore >= 2) {
      const inst = taker.instrument;
      this.emitMarket(inst, {
        type: 'trade',
        tradeId: this.tradeIds.idOf(++this.tradeCounter),
        symbol: inst.symbol,
        price: fromAtoms(this.lastTradePrice, inst.priceScale),
        qty: fromAtoms(taker.filled - filledBefore, inst.qtyScale),
        takerSide: taker.isBuy ? 'buy' : 'sell',
      });
    }
  }

  private matchAll(taker: OrderState): void {
    const inst = taker.instrument;
    const book = taker.isBuy ? inst.asks : inst.bids;
    const walksBand = this.bug.market_walks_band;
    let limit: number;
    // Planted: stop_limit_trades_through_limit lets a triggered stop_limit trade like a market order.
    if (hasLimit(taker.type) && !(this.bug.stop_limit_trades_through_limit && taker.type === 'stop_limit'))
      limit = taker.price;
    else if (walksBand) limit = taker.isBuy ? Number.POSITIVE_INFINITY : 0;
    else limit = taker.isBuy ? inst.bandHigh : inst.bandLow;
    const allowSelfTrade = this.bug.self_trade;
    while (this.remaining(taker) > 0) {
      const level = book.best();
      if (!level) break;
      if (taker.isBuy ? level.price > limit : level.price < limit) break;
      let maker = level.head;
      while (maker && this.remaining(taker) > 0) {
        const next = maker.next;
        if (maker.account === taker.account && !allowSelfTrade) {
          // Planted: stp_cancels_wrong_order cancels the resting order under cancel_newest.
          const stp =
            this.bug.stp_cancels_wrong_order && taker.stp === 'cancel_newest' ? 'cancel_oldest' : taker.stp;
          if (stp === 'cancel_oldest' || stp === 'cancel_both') this.cancelOrder(maker, 'self_trade');
          if (stp === 'cancel_newest' || stp === 'cancel_both') {
            this.cancelOrder(taker, 'self_trade');
            return;
          }
        } else {
          this.execute(taker, maker, level.price);
          // In exact arithmetic a fill exhausts the maker or the taker. Only float_dust's
          // floating-point quantities can leave both with dust; stop rather than loop forever.
          if (this.remaining(maker) > 0 && this.remaining(taker) > 0) return;
        }
        maker = next;
      }
    }
  }

  /**
   * How much a fill-or-kill order could fill right now, stopping where self-trade prevention
   * would cancel it; it must be able to fill completely before it touches the book.
   */
  private fillableQty(taker: OrderState): number {
    const inst = taker.instrument;
    const book = taker.isBuy ? inst.asks : inst.bids;
    const limit = hasLimit(taker.type) ? taker.price : taker.isBuy ? inst.bandHigh : inst.bandLow;
    let total = 0;
    for (let i = book.ladder.length - 1; i >= 0; i--) {
      const level = book.ladder[i];
      if (level.count === 0) continue;
      if (taker.isBuy ? level.price > limit : level.price < limit) return total;
      for (let maker = level.head; maker; maker = maker.next) {
        if (maker.account === taker.account) {
          if (taker.stp !== 'cancel_oldest') return total;
          continue;
        }
        total += this.remaining(maker);
        if (total >= taker.qty) return total;
      }
      // Planted: fok_expires_when_coverable counts the best level only.
      if (this.bug.fok_expires_when_coverable) return total;
    }
    return total;
  }

  private execute(taker: OrderState, maker: OrderState, price: number): void {
    const inst = taker.instrument;
    const takerLeft = this.remaining(taker);
    const makerLeft = this.remaining(maker);
    const qty = this.bug.overfill ? takerLeft : Math.min(takerLeft, makerLeft);
    const tradeId = this.tradeIds.idOf(++this.tradeCounter);
    this.lastTradePrice = price;
    inst.lastTrade = price;
    inst.lastTradeId = tradeId;
    this.addFilled(maker, qty);
    this.addFilled(taker, qty);
    if (maker.level) maker.level.total -= qty;
    this.addOpen(maker, -qty);
    this.addOpen(taker, -qty);
    const buyer = taker.isBuy ? taker.account : maker.account;
    const seller = taker.isBuy ? maker.account : taker.account;
    const value = price * qty * inst.cashPerPxQty;
    buyer.cash -= value;
    seller.cash += value;
    this.applyPosition(buyer, inst, qty, price);
    this.applyPosition(seller, inst, -qty, price);
    this.touchAccount(buyer);
    this.touchAccount(seller);
    const px = fromAtoms(price, inst.priceScale);
    const q = fromAtoms(qty, inst.qtyScale);
    this.emitAccount(taker.account, this.fillEvent(taker, tradeId, px, q, 'taker'));
    const makerFill = this.fillEvent(maker, tradeId, px, q, 'maker');
    this.emitAccount(maker.account, makerFill);
    if (this.bug.private_event_leak) {
      const leakTo = this.accounts.find((a) => a !== maker.account && a !== taker.account);
      if (leakTo) this.emitAccount(leakTo, makerFill);
    }
    this.emitMarket(inst, {
      type: 'trade',
      tradeId,
      symbol: inst.symbol,
      price: px,
      qty: q,
      takerSide: taker.isBuy ? 'buy' : 'sell',
    });
    if (inst.stops.size > 0) this.triggerStops(inst, price, tradeId);
    // Planted: stale_level_after_partial_fill publishes nothing for a maker left partly filled,
    // empty_level_left_behind nothing for a level whose last order this fill takes.
    const makerDone = this.remaining(maker) <= 0;
    if (
      makerDone
        ? !(this.bug.empty_level_left_behind && maker.level?.count === 1)
        : !this.bug.stale_level_after_partial_fill
    )
      this.touchLevel(inst, maker.isBuy, maker.price);
    if (makerDone) {
      (maker.isBuy ? inst.bids : inst.asks).remove(maker);
      this.finish(maker, 'filled');
    } else {
      maker.status = 'partially_filled';
    }
    // Planted: wrong_status_after_partial_fill leaves a partly filled taker 'open'.
    if (this.remaining(taker) > 0 && !this.bug.wrong_status_after_partial_fill)
      taker.status = 'partially_filled';
  }

  /** Adds to the filled quantity; the float_dust bug does it in floating-point decimals. */
  private addFilled(order: OrderState, qty: number): void {
    if (this.bug.float_dust) {
      const scale = order.instrument.qtyScale;
      order.filled = (order.filled / scale + qty / scale) * scale;
    } else {
      order.filled += qty;
    }
  }

  private fillEvent(
    order: OrderState,
    tradeId: string,
    price: number,
    qty: number,
    liquidity: 'maker' | 'taker',
  ): ExchangeEvent {
    const scale = order.instrument.qtyScale;
    return {
      type: 'fill',
      orderId: order.id,
      clientOrderId: order.clientOrderId,
      symbol: order.instrument.symbol,
      side: order.isBuy ? 'buy' : 'sell',
      tradeId,
      price,
      qty,
      liquidity,
      filledQty: fromAtoms(order.filled, scale),
      remainingQty: fromAtoms(order.qty - order.filled, scale),
    };
  }

  /** Moves a position by a signed quantity at a price, keeping the cost of what is still open. */
  private applyPosition(acct: AccountState, inst: InstrumentState, delta: number, price: number): void {
    const i = inst.index;
    const pos = acct.position[i];
    const next = pos + delta;
    if (pos === 0 || Math.sign(pos) === Math.sign(delta)) {
      acct.openCost[i] += delta * price * inst.cashPerPxQty;
    } else if (next === 0 || Math.sign(next) === Math.sign(pos)) {
      acct.openCost[i] -= Math.round((acct.openCost[i] * Math.abs(delta)) / Math.abs(pos));
      if (next === 0) acct.openCost[i] = 0;
    } else {
      acct.openCost[i] = next * price * inst.cashPerPxQty;
    }
    acct.position[i] = next;
    acct.positionChanged[i] = true;
    acct.marginStale[i] = true;
  }

  // ---------------------------------------------------------------- cancel / replace

  private cancel(input: CancelInput): EngineResponse {
    const acct = this.accountsById.get(input.account);
    if (!acct) return { ok: false, reason: 'invalid_request', detail: 'unknown account' };
    const order = this.findOrder(acct, input);
    if (typeof order === 'string') return this.rejectOrderRequest(acct, 'cancel', input, order);
    if (!isOpen(order.status)) return this.rejectOrderRequest(acct, 'cancel', input, 'order_not_open');
    if (this.config.venueModes.rejectCancels)
      return this.rejectOrderRequest(acct, 'cancel', input, 'venue_rejected');
    this.cancelOrder(order, 'user');
    return { ok: true, result: { kind: 'order', order: this.orderResult(order) } };
  }

  private cancelAll(input: CancelAllInput): EngineResponse {
    const acct = this.accountsById.get(input.account);
    if (!acct) return { ok: false, reason: 'invalid_request', detail: 'unknown account' };
    if (input.symbol !== undefined && !this.instrumentsBySymbol.has(input.symbol)) {
      return { ok: false, reason: 'unknown_symbol' };
    }
    const targets = acct.openOrders
      .filter((o) => input.symbol === undefined || o.instrument.symbol === input.symbol)
      .sort((a, b) => a.num - b.num);
    for (const order of targets) this.cancelOrder(order, 'cancel_all');
    return { ok: true, result: { kind: 'cancel_all', cancelled: targets.length } };
  }

  private replace(input: ReplaceInput): EngineResponse {
    const acct = this.accountsById.get(input.account);
    if (!acct) return { ok: false, reason: 'invalid_request', detail: 'unknown account' };
    const order = this.findOrder(acct, input);
    if (typeof order === 'string') return this.rejectOrderRequest(acct, 'replace', input, order);
    if (!isOpen(order.status)) return this.rejectOrderRequest(acct, 'replace', input, 'order_not_open');
    // A stop that has not triggered is not on the book: it is cancelled, never replaced.
    if (order.pending) return this.rejectReplace(order, input, 'invalid_request');
    const inst = order.instrument;
    if (inst.halted) return this.rejectReplace(order, input, 'halted');
    let price = order.price;
    if (input.price !== undefined) {
      const p = this.writtenOffGrid(input.price, inst.priceScale)
        ? 'price_off_tick'
        : validatePrice(input.price, inst, this.spellings);
      if (typeof p === 'string') return this.rejectReplace(order, input, p);
      price = p;
    }
    let qty = order.qty;
    if (input.qty !== undefined) {
      const q = this.writtenOffGrid(input.qty, inst.qtyScale)
        ? 'qty_not_lot_multiple'
        : validateQty(input.qty, inst, this.spellings);
      if (typeof q === 'string') return this.rejectReplace(order, input, q);
      qty = q;
    }
    if (qty <= order.filled) return this.rejectReplace(order, input, 'replace_qty_not_above_filled');
    if (price === order.price && qty === order.qty)
      return this.rejectReplace(order, input, 'replace_no_change');
    const priceChanged = price !== order.price;
    const crosses = priceChanged && this.wouldCross(inst, order.isBuy, price);
    if (order.tif === 'post_only' && crosses && !this.bug.post_only_crosses) {
      return this.rejectReplace(order, input, 'post_only_would_cross');
    }
    const growth = qty - order.qty;
    if (growth > 0) {
      const risk = this.checkRisk(acct, inst, order.isBuy, growth);
      if (risk) return this.rejectReplace(order, input, risk);
    }
    // Priority rule: a price change or a quantity increase sends the order to the back of the
    // queue at its (new) price; a quantity decrease keeps its place.
    const keepsPriority = (!priceChanged || this.bug.replace_keeps_priority) && growth <= 0;
    const side = order.isBuy ? inst.bids : inst.asks;
    this.touchAccount(acct);
    this.addOpen(order, growth);
    if (!priceChanged && keepsPriority) {
      if (order.level) order.level.total += growth;
      order.qty = qty;
      this.touchLevel(inst, order.isBuy, price);
    } else {
      side.remove(order);
      this.touchLevel(inst, order.isBuy, order.price);
      order.price = price;
      order.qty = qty;
    }
    this.emitAccount(acct, {
      type: 'order_replaced',
      orderId: order.id,
      clientOrderId: order.clientOrderId,
      symbol: inst.symbol,
      price: fromAtoms(price, inst.priceScale),
      qty: fromAtoms(qty, inst.qtyScale),
      filledQty: fromAtoms(order.filled, inst.qtyScale),
      remainingQty: fromAtoms(qty - order.filled, inst.qtyScale),
      priorityKept: keepsPriority,
    });
    if (priceChanged && keepsPriority) {
      // Only reachable with the replace_keeps_priority bug: old place in a new queue.
      side.insertByPriority(order);
      this.touchLevel(inst, order.isBuy, price);
    } else if (!keepsPriority) {
      if (crosses && order.tif !== 'post_only') this.match(order);
      if (order.status !== 'cancelled') {
        if (this.remaining(order) <= 0) this.finish(order, 'filled');
        else {
          this.rest(order);
          // Planted book_delta_wrong_side: the new level's delta goes out on the other side.
          if (priceChanged && this.bug.book_delta_wrong_side)
            this.misfiled.add(levelKey(inst, order.isBuy, order.price));
        }
      }
    }
    if (this.triggered.length > 0) this.runTriggered();
    return { ok: true, result: { kind: 'order', order: this.orderResult(order) } };
  }

  /**
   * The decimals_counted_as_written bug: a string with more decimals written than the grid has
   * ("20000.50" on a 0.5 tick) is called off the grid, whatever its value.
   */
  private writtenOffGrid(value: unknown, scale: number): boolean {
    if (!this.bug.decimals_counted_as_written || typeof value !== 'string') return false;
    const written = /\.(\d*)/.exec(value)?.[1].length ?? 0;
    return 10 ** written > scale;
  }

  private rejectReplace(order: OrderState, input: ReplaceInput, reason: RejectReason): EngineResponse {
    if (this.bug.rejected_replace_drops_order) this.dropSilently(order);
    return this.rejectOrderRequest(order.account, 'replace', input, reason);
  }

  /** The rejected_replace_drops_order bug: the order leaves the book and no event says so. */
  private dropSilently(order: OrderState): void {
    if (order.pending) order.instrument.stops.remove(order);
    else {
      (order.isBuy ? order.instrument.bids : order.instrument.asks).remove(order);
      this.touchLevel(order.instrument, order.isBuy, order.price);
    }
    this.addOpen(order, -this.remaining(order));
    this.touchAccount(order.account);
    this.finish(order, 'cancelled');
  }

  /** Withdraws what is left of an order (resting or a taker mid-match) and says why. */
  private cancelOrder(order: OrderState, reason: CancelReason): void {
    const inst = order.instrument;
    const acct = order.account;
    const left = this.remaining(order);
    if (order.level) {
      (order.isBuy ? inst.bids : inst.asks).remove(order);
      this.touchLevel(inst, order.isBuy, order.price);
    }
    if (order.stopPrice > 0) inst.stops.remove(order);
    this.addOpen(order, -left);
    this.finish(order, 'cancelled');
    this.touchAccount(acct);
    if (
      this.bug.reserve_leak_on_cancel &&
      order.filled > 0 &&
      (reason === 'user' || reason === 'cancel_all')
    ) {
      const before = acct.requirement[inst.index];
      this.refreshMargin(acct, inst);
      acct.leaked += Math.max(0, before - acct.requirement[inst.index]);
    }
    this.emitAccount(acct, {
      type: 'order_cancelled',
      orderId: order.id,
      clientOrderId: order.clientOrderId,
      symbol: inst.symbol,
      reason,
      filledQty: fromAtoms(order.filled, inst.qtyScale),
      cancelledQty: fromAtoms(left, inst.qtyScale),
    });
  }

  private expire(order: OrderState, reason: ExpireReason): void {
    const inst = order.instrument;
    const left = this.remaining(order);
    this.addOpen(order, -left);
    this.finish(order, 'expired');
    this.emitAccount(order.account, {
      type: 'order_expired',
      orderId: order.id,
      clientOrderId: order.clientOrderId,
      symbol: inst.symbol,
      reason,
      filledQty: fromAtoms(order.filled, inst.qtyScale),
      expiredQty: fromAtoms(left, inst.qtyScale),
    });
  }

  private rejectPlace(
    acct: AccountState,
    input: PlaceInput,
    reason: RejectReason,
    detail?: string,
  ): EngineResponse {
    const event: OrderRejectedEvent = { type: 'order_rejected', request: 'place', reason };
    if (typeof input.clientOrderId === 'string') event.clientOrderId = input.clientOrderId;
    if (typeof input.symbol === 'string') event.symbol = input.symbol;
    this.emitAccount(acct, event);
    return detail ? { ok: false, reason, detail } : { ok: false, reason };
  }

  private rejectOrderRequest(
    acct: AccountState,
    request: 'cancel' | 'replace',
    ref: OrderRef,
    reason: RejectReason,
  ): EngineResponse {
    const event: OrderRejectedEvent = { type: 'order_rejected', request, reason };
    if (typeof ref.orderId === 'string') event.orderId = ref.orderId;
    if (typeof ref.clientOrderId === 'string') event.clientOrderId = ref.clientOrderId;
    this.emitAccount(acct, event);
    return { ok: false, reason };
  }

  /** The order a reference names, or why there is none (a string: no allocation per lookup). */
  private findOrder(acct: AccountState, ref: OrderRef): OrderState | RejectReason {
    if (typeof ref.orderId === 'string') {
      const order = this.orders.get(orderNumber(ref.orderId));
      if (!order) return 'unknown_order';
      return order.account === acct ? order : 'not_order_owner';
    }
    if (typeof ref.clientOrderId === 'string')
      return acct.byClientId.get(ref.clientOrderId) ?? 'unknown_order';
    return 'invalid_request';
  }

  // ---------------------------------------------------------------- admin

  private setMark(input: SetMarkInput): EngineResponse {
    const inst = this.instrumentsBySymbol.get(input.symbol);
    if (!inst) return { ok: false, reason: 'unknown_symbol' };
    const p = validateMark(input.price, inst, this.spellings);
    if (!p.ok) return { ok: false, reason: p.reason };
    inst.previousMark = inst.mark;
    inst.mark = p.atoms;
    const band = priceBand(inst.mark, inst.cfg.bandPct, inst.tick);
    inst.bandLow = band.low;
    inst.bandHigh = band.high;
    this.emitMarket(inst, this.markEvent(inst));
    // Orders left outside the new band are cancelled, so that no trade ever prints outside it.
    // The market_walks_band bug leaves them there for market orders to sweep.
    const outside: OrderState[] = [];
    for (const side of this.bug.market_walks_band ? [] : [inst.bids, inst.asks]) {
      for (const level of side.ladder) {
        if (level.price >= inst.bandLow && level.price <= inst.bandHigh) continue;
        for (let o = level.head; o; o = o.next) outside.push(o);
      }
    }
    // A waiting stop_limit whose limit price the new band leaves out goes too.
    for (const stop of this.bug.market_walks_band ? [] : inst.stops.list())
      if (stop.type === 'stop_limit' && (stop.price < inst.bandLow || stop.price > inst.bandHigh))
        outside.push(stop);
    outside.sort((a, b) => a.num - b.num);
    for (const order of outside) this.cancelOrder(order, 'band');
    for (const acct of this.accounts) {
      const i = inst.index;
      if (acct.position[i] !== 0 || acct.openBuy[i] !== 0 || acct.openSell[i] !== 0) {
        this.touchAccount(acct);
        acct.marginStale[i] = true;
        if (acct.position[i] !== 0) acct.positionChanged[i] = true;
      }
    }
    // Planted: stop_triggers_early triggers stops on the mark price, which no trade reached.
    if (this.bug.stop_triggers_early && inst.stops.size > 0) {
      const order = this.config.stopTriggerOrder ?? 'accepted';
      for (const stop of inst.stops.triggeredBy(inst.mark, order, stopReached))
        this.triggered.push({ order: stop, tradeId: inst.lastTradeId, price: inst.mark });
      this.runTriggered();
    }
    return {
      ok: true,
      result: { kind: 'mark', symbol: inst.symbol, price: fromAtoms(inst.mark, inst.priceScale) },
    };
  }

  private haltOrResume(input: HaltInput): EngineResponse {
    let targets = this.instruments;
    if (input.symbol !== undefined) {
      const inst = this.instrumentsBySymbol.get(input.symbol);
      if (!inst) return { ok: false, reason: 'unknown_symbol' };
      targets = [inst];
    }
    const halted = input.op === 'halt';
    for (const inst of targets) {
      inst.halted = halted;
      this.emitMarket(inst, { type: 'instrument_status', symbol: inst.symbol, halted });
    }
    return { ok: true, result: { kind: 'status', symbols: targets.map((i) => i.symbol), halted } };
  }

  /**
   * Back to the configured start. Ids, priorities and stream numbering carry on; every order
   * record, client id, book level and spare record is let go.
   */
  private reset(): EngineResponse {
    this.orders.clear();
    this.finished.length = 0;
    this.finishedHead = 0;
    this.spareOrders.length = 0;
    for (const inst of this.instruments) {
      inst.bids.clear();
      inst.asks.clear();
      inst.mark = toAtoms(inst.cfg.markPrice, inst.priceScale);
      inst.previousMark = inst.mark;
      const band = priceBand(inst.mark, inst.cfg.bandPct, inst.tick);
      inst.bandLow = band.low;
      inst.bandHigh = band.high;
      inst.halted = false;
      inst.touchedLevels.length = 0;
      inst.stops.clear();
      inst.lastTrade = 0;
      inst.lastTradeId = '';
      this.emitMarket(inst, { type: 'reset' });
      this.emitBook(inst, { type: 'reset' });
      this.emitMarket(inst, this.markEvent(inst));
    }
    for (const acct of this.accounts) {
      acct.cash = toAtoms(acct.cfg.cash, this.cashScale);
      for (let i = 0; i < this.instruments.length; i++) {
        acct.position[i] = 0;
        acct.openCost[i] = 0;
        acct.openBuy[i] = 0;
        acct.openSell[i] = 0;
        acct.requirement[i] = 0;
        acct.positionMargin[i] = 0;
        acct.positionChanged[i] = false;
        acct.marginStale[i] = false;
      }
      acct.requirementTotal = 0;
      acct.positionMarginTotal = 0;
      acct.leaked = 0;
      acct.byClientId.clear();
      for (const order of acct.openOrders) order.openSlot = -1;
      acct.openOrders.length = 0;
      this.emitAccount(acct, { type: 'reset' });
      this.touchAccount(acct);
    }
    return { ok: true, result: { kind: 'reset' } };
  }

  // ---------------------------------------------------------------- risk and margin

  private mayTrade(acct: AccountState, inst: InstrumentState): boolean {
    if (acct.forbidden.has(inst.symbol)) return false;
    return !this.config.sandboxIsolation || acct.sandbox === inst.sandbox;
  }

  /** Max position, then margin, for adding `qty` of open quantity on one side. */
  private checkRisk(
    acct: AccountState,
    inst: InstrumentState,
    isBuy: boolean,
    qty: number,
  ): RejectReason | null {
    const i = inst.index;
    const pos = acct.position[i];
    const buy = acct.openBuy[i] + (isBuy ? qty : 0);
    const sell = acct.openSell[i] + (isBuy ? 0 : qty);
    const before = worstExposure(pos, acct.openBuy[i], acct.openSell[i]);
    const after = worstExposure(pos, buy, sell);
    if (after <= before) return null;
    if (after > inst.maxPosition) return 'max_position';
    const need = marginFor(after, inst.mark, inst.cashPerPxQty, acct.leverage);
    const totalAfter = acct.requirementTotal - acct.requirement[i] + need;
    if (this.equity(acct) - totalAfter - acct.leaked < 0) {
      return acct.leverage > 1 ? 'insufficient_margin' : 'insufficient_funds';
    }
    return null;
  }

  private refreshMargin(acct: AccountState, inst: InstrumentState): void {
    const i = inst.index;
    const pos = acct.position[i];
    const requirement = marginFor(
      worstExposure(pos, acct.openBuy[i], acct.openSell[i]),
      inst.mark,
      inst.cashPerPxQty,
      acct.leverage,
    );
    const positionMargin = marginFor(Math.abs(pos), inst.mark, inst.cashPerPxQty, acct.leverage);
    acct.requirementTotal += requirement - acct.requirement[i];
    acct.positionMarginTotal += positionMargin - acct.positionMargin[i];
    acct.requirement[i] = requirement;
    acct.positionMargin[i] = positionMargin;
  }

  private equity(acct: AccountState): number {
    const stale = this.bug.stale_equity;
    let equity = acct.cash;
    for (const inst of this.instruments) {
      const pos = acct.position[inst.index];
      if (pos !== 0) equity += pos * (stale ? inst.previousMark : inst.mark) * inst.cashPerPxQty;
    }
    return equity;
  }

  // ---------------------------------------------------------------- bookkeeping

  private remaining(order: OrderState): number {
    return order.qty - order.filled;
  }

  private addOpen(order: OrderState, qty: number): void {
    const i = order.instrument.index;
    const acct = order.account;
    if (order.isBuy) acct.openBuy[i] += qty;
    else acct.openSell[i] += qty;
    acct.marginStale[i] = true;
  }

  private wouldCross(inst: InstrumentState, isBuy: boolean, price: number): boolean {
    const best = (isBuy ? inst.asks : inst.bids).best();
    return best !== undefined && (isBuy ? price >= best.price : price <= best.price);
  }

  private finish(order: OrderState, status: OrderStatus): void {
    order.status = status;
    this.removeOpen(order);
    this.finished.push(order);
    // Finished orders (and their client ids) are remembered up to a bound, oldest forgotten
    // first, so memory stays flat however long the venue runs.
    while (this.finished.length - this.finishedHead > this.config.retainFinishedOrders) {
      this.forget(this.finished[this.finishedHead++]);
    }
    if (this.finishedHead > 4096 && this.finishedHead * 2 > this.finished.length) {
      // In place: a slice() copy of what is kept would have to survive a young-generation GC.
      this.finished.splice(0, this.finishedHead);
      this.finishedHead = 0;
    }
  }

  private removeOpen(order: OrderState): void {
    const slot = order.openSlot;
    if (slot < 0) return;
    const open = order.account.openOrders;
    const last = open.pop()!;
    if (last !== order) {
      open[slot] = last;
      last.openSlot = slot;
    }
    order.openSlot = -1;
  }

  private forget(old: OrderState): void {
    if (this.orders.get(old.num) !== old) return;
    this.orders.delete(old.num);
    const byClientId = old.account.byClientId;
    const cid = old.clientOrderId;
    // Only the duplicate_client_order_id bug lets a later order take the client id over.
    if (!this.bug.duplicate_client_order_id || byClientId.get(cid, old.clientIdHash) === old) {
      byClientId.delete(cid, old.clientIdHash);
    }
    if (this.spareOrders.length < MAX_SPARE_ORDERS) this.spareOrders.push(old);
  }

  private touchAccount(acct: AccountState): void {
    if (!acct.touched) {
      acct.touched = true;
      this.touchedAccounts.push(acct);
    }
  }

  private touchLevel(inst: InstrumentState, isBuy: boolean, price: number): void {
    // An input touches a handful of levels, so a linear scan beats a Set (and its clear()).
    const key = isBuy ? price * 2 + 1 : price * 2;
    const touched = inst.touchedLevels;
    if (touched.length === 0) this.touchedInstruments.push(inst);
    else if (touched.includes(key)) return;
    touched.push(key);
  }

  /** End of an input: one book delta per touched level, then positions and balances. */
  private flush(): void {
    for (const inst of this.touchedInstruments) {
      for (const key of inst.touchedLevels) {
        const isBuy = key % 2 === 1;
        const price = isBuy ? (key - 1) / 2 : key / 2;
        const level = (isBuy ? inst.bids : inst.asks).levelAt(price);
        const flipped = this.misfiled.size > 0 && this.misfiled.has(levelKey(inst, isBuy, price));
        this.emitBook(inst, {
          type: 'book_delta',
          symbol: inst.symbol,
          side: isBuy !== flipped ? 'buy' : 'sell',
          price: fromAtoms(price, inst.priceScale),
          qty: level ? fromAtoms(level.total, inst.qtyScale) : 0,
        });
      }
      clearList(inst.touchedLevels);
    }
    clearList(this.touchedInstruments);
    if (this.misfiled.size > 0) this.misfiled.clear();
    for (const acct of this.touchedAccounts) {
      for (const inst of this.instruments) {
        if (acct.marginStale[inst.index]) {
          acct.marginStale[inst.index] = false;
          this.refreshMargin(acct, inst);
        }
        if (acct.positionChanged[inst.index]) {
          acct.positionChanged[inst.index] = false;
          this.emitAccount(acct, {
            type: 'position',
            symbol: inst.symbol,
            qty: fromAtoms(acct.position[inst.index], inst.qtyScale),
            markPrice: fromAtoms(inst.mark, inst.priceScale),
            unrealizedPnl: fromAtoms(this.unrealized(acct, inst), this.cashScale),
          });
        }
      }
      acct.touched = false;
      this.emitAccount(acct, this.balanceOf(acct));
    }
    clearList(this.touchedAccounts);
  }

  private unrealized(acct: AccountState, inst: InstrumentState): number {
    const i = inst.index;
    return acct.position[i] * inst.mark * inst.cashPerPxQty - acct.openCost[i];
  }

  private balanceOf(acct: AccountState): BalanceEvent {
    const s = this.cashScale;
    const equity = this.equity(acct);
    return {
      type: 'balance',
      cash: fromAtoms(acct.cash, s),
      reserved: fromAtoms(acct.requirementTotal - acct.positionMarginTotal + acct.leaked, s),
      positionMargin: fromAtoms(acct.positionMarginTotal, s),
      equity: fromAtoms(equity, s),
      available: fromAtoms(equity - acct.requirementTotal - acct.leaked, s),
    };
  }

  private markEvent(inst: InstrumentState): ExchangeEvent {
    return {
      type: 'mark_price',
      symbol: inst.symbol,
      price: fromAtoms(inst.mark, inst.priceScale),
      bandLow: fromAtoms(inst.bandLow, inst.priceScale),
      bandHigh: fromAtoms(inst.bandHigh, inst.priceScale),
    };
  }

  private orderResult(order: OrderState): OrderResult {
    const inst = order.instrument;
    const result: OrderResult = {
      orderId: order.id,
      clientOrderId: order.clientOrderId,
      status: order.status,
      price: hasLimit(order.type) ? fromAtoms(order.price, inst.priceScale) : null,
      qty: fromAtoms(order.qty, inst.qtyScale),
      filledQty: fromAtoms(order.filled, inst.qtyScale),
      remainingQty: isOpen(order.status) ? fromAtoms(order.qty - order.filled, inst.qtyScale) : 0,
    };
    if (order.stopPrice > 0) {
      result.stopPrice = fromAtoms(order.stopPrice, inst.priceScale);
      result.triggered = !order.pending;
    }
    return result;
  }

  private instrumentSnapshot(inst: InstrumentState): InstrumentSnapshot {
    return {
      symbol: inst.symbol,
      markPrice: fromAtoms(inst.mark, inst.priceScale),
      halted: inst.halted,
      bandLow: fromAtoms(inst.bandLow, inst.priceScale),
      bandHigh: fromAtoms(inst.bandHigh, inst.priceScale),
    };
  }

  private accountSnapshotOf(acct: AccountState): AccountSnapshot {
    return buildAccountSnapshot(
      acct,
      this.balanceOf(acct),
      this.instruments
        .filter((inst) => acct.position[inst.index] !== 0)
        .map((inst) => ({
          symbol: inst.symbol,
          qty: fromAtoms(acct.position[inst.index], inst.qtyScale),
          unrealizedPnl: fromAtoms(this.unrealized(acct, inst), this.cashScale),
        })),
    );
  }

  private emitAccount(acct: AccountState, event: ExchangeEvent): void {
    this.out.push({ stream: acct.stream, seq: ++acct.seq, txn: this.txnCounter + 1, time: this.time, event });
  }

  private emitMarket(inst: InstrumentState, event: ExchangeEvent): void {
    this.out.push({
      stream: inst.marketStream,
      seq: ++inst.marketSeq,
      txn: this.txnCounter + 1,
      time: this.time,
      event,
    });
  }

  private emitBook(inst: InstrumentState, event: ExchangeEvent): void {
    this.out.push({
      stream: inst.bookStream,
      seq: ++inst.bookSeq,
      txn: this.txnCounter + 1,
      time: this.time,
      event,
    });
  }
}

/** One price level of one instrument, as the book_delta_wrong_side bug remembers it. */
function levelKey(inst: InstrumentState, isBuy: boolean, price: number): string {
  return `${inst.index}:${isBuy ? 'b' : 'a'}:${price}`;
}

/** A record with every field of an order, for place() to fill in. */
function blankOrder(account: AccountState, instrument: InstrumentState): OrderState {
  return {
    num: 0,
    id: '',
    clientOrderId: '',
    clientIdHash: 0,
    account,
    instrument,
    isBuy: false,
    type: 'limit',
    tif: 'gtc',
    stp: 'cancel_newest',
    price: 0,
    stopPrice: 0,
    pending: false,
    qty: 0,
    filled: 0,
    status: 'open',
    priority: 0,
    openSlot: -1,
    level: null,
    prev: null,
    next: null,
  };
}

/** Empties a scratch list but keeps its capacity (setting length to 0 frees the backing store). */
function clearList(list: unknown[]): void {
  while (list.length > 0) list.pop();
}

/**
 * The number an order id names, or -1. Only the exact spelling the engine issues names an
 * order ('O02' does not name O2): 'O' and digits without a leading zero. Up to 15 digits, so
 * the number is exact; no order number gets longer.
 */
function orderNumber(id: string): number {
  const n = id.length;
  if (n < 2 || n > 16 || id[0] !== 'O' || id[1] === '0') return -1;
  let num = 0;
  for (let i = 1; i < n; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    num = num * 10 + digit;
  }
  return num;
}

function isOpen(status: OrderStatus): boolean {
  return status === 'open' || status === 'partially_filled';
}

/** A mark must be a positive price on the tick grid, within ten times the configured mark. */
function validateMark(
  value: unknown,
  inst: InstrumentState,
  spellings: ReadonlySet<NumberSpelling> | undefined,
): { ok: true; atoms: number } | { ok: false; reason: RejectReason } {
  const read = readNumeric(value, spellings);
  if (read.kind === 'missing' || read.kind === 'not_a_number')
    return { ok: false, reason: 'price_not_a_number' };
  if (read.kind === 'not_finite') return { ok: false, reason: 'price_not_finite' };
  const x = read.value;
  if (x <= 0) return { ok: false, reason: 'price_not_positive' };
  if (x > inst.cfg.markPrice * 10) return { ok: false, reason: 'price_out_of_band' };
  const atoms = toAtoms(x, inst.priceScale);
  const exact = read.exact === undefined || read.exact === atomsDecimal(atoms, inst.priceScale);
  if (!exact || Number.isNaN(atoms) || atoms % inst.tick !== 0)
    return { ok: false, reason: 'price_off_tick' };
  return { ok: true, atoms };
}
