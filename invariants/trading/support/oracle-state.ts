import { accountOfStream, type TradingRecord } from './events.ts';
import { type InstrumentRules, toAtoms, type VenueRules } from './oracle-config.ts';
import { bandEdges, marginOf, worstCase } from './oracle-formulas.ts';

export type Side = 'buy' | 'sell';

/** An order as the venue's record tells it, amounts in atoms. */
export interface ModelOrder {
  id: string;
  /** Creation order over the run: what "in order id order" means for cancel-all and band cancels. */
  created: number;
  account: string;
  symbol: string;
  side: Side;
  orderType: string;
  tif: string;
  /** The self-trade prevention the request asked for (or the venue default), when known. */
  stp: string | undefined;
  price: number | null;
  qty: number;
  filled: number;
  open: boolean;
  status: 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'expired';
  clientOrderId: string;
  /** Queue rank while resting: the txn of the input after which it joined its level's queue. */
  rank?: number;
  /** Index among finished orders, venue-wide, once finished. */
  finishedAt?: number;
  /**
   * A stop order still waiting off the book for its trigger. The oracle does not model stops:
   * it follows what their events say, and leaves out what their rules would decide.
   */
  pending: boolean;
  /** Its place in the queue relative to orders that joined in the same input is not known. */
  rankUnsure?: boolean;
}

/** The events of an account stream the oracle reads; any other stops it following the record. */
const ACCOUNT_EVENTS = new Set([
  'order_accepted',
  'order_rejected',
  'fill',
  'order_cancelled',
  'order_replaced',
  'order_expired',
  'order_triggered',
  'balance',
  'position',
]);
const MARKET_EVENTS = new Set(['trade', 'mark_price', 'instrument_status']);

export interface ModelAccount {
  id: string;
  cash: number;
  positions: Map<string, number>;
  /** Client order id -> the order it names (open, or finished and still remembered). */
  cids: Map<string, ModelOrder>;
}

/** How far from the retention bound a finished order must be to say for sure it is remembered or not. */
const RETENTION_MARGIN = 16;

export const remaining = (o: ModelOrder): number => o.qty - o.filled;

/** Bids best first (highest price), then by time in the queue. */
const bestBid = (a: ModelOrder, b: ModelOrder): number =>
  (b.price as number) - (a.price as number) || (a.rank as number) - (b.rank as number);
/** Asks best first (lowest price), then by time in the queue. */
const bestAsk = (a: ModelOrder, b: ModelOrder): number =>
  (a.price as number) - (b.price as number) || (a.rank as number) - (b.rank as number);

/**
 * The venue's state, followed input by input through its own record (the admin's events): the
 * events are facts, and the oracle's rules are applied to what they say. `broken` is set (and
 * stays set) when an event cannot be read against the state, so nothing after it is judged.
 */
export class VenueState {
  readonly orders = new Map<string, ModelOrder>();
  /**
   * The open ones among them, in creation order: an order joins when accepted (its `created`
   * is the next number) and leaves when finished, never to come back.
   */
  private readonly open = new Set<ModelOrder>();
  /** The open stop orders still waiting for their trigger (the `pending` ones among `open`). */
  private readonly waiting = new Set<ModelOrder>();
  readonly accounts = new Map<string, ModelAccount>();
  readonly marks = new Map<string, number>();
  readonly halted = new Set<string>();
  private finished: ModelOrder[] = [];
  private created = 0;
  broken: string | undefined;

  constructor(readonly rules: VenueRules) {
    this.reset();
  }

  /** The configured start: cash, no positions, no orders, configured marks, nothing halted. */
  reset(): void {
    for (const o of this.orders.values()) o.open = false;
    this.orders.clear();
    this.open.clear();
    this.waiting.clear();
    this.finished = [];
    this.halted.clear();
    for (const inst of this.rules.instruments.values()) this.marks.set(inst.symbol, inst.configuredMark);
    this.accounts.clear();
    for (const acct of this.rules.accounts.values()) {
      this.accounts.set(acct.id, { id: acct.id, cash: acct.cash, positions: new Map(), cids: new Map() });
    }
  }

  instrument(symbol: unknown): InstrumentRules | undefined {
    return typeof symbol === 'string' ? this.rules.instruments.get(symbol) : undefined;
  }

  mark(symbol: string): number {
    return this.marks.get(symbol) ?? Number.NaN;
  }

  band(symbol: string): { low: number; high: number } | undefined {
    const inst = this.rules.instruments.get(symbol);
    if (inst === undefined) return undefined;
    // The band moves only with the mark: worked out again only when the mark moved.
    const mark = this.mark(symbol);
    const known = this.bands.get(symbol);
    // Shared with the callers, which only read it.
    if (known !== undefined && Object.is(known.mark, mark)) return known.band;
    const band = bandEdges(mark, inst.bandPct, inst.tick);
    this.bands.set(symbol, { mark, band });
    return band;
  }

  /** The last band worked out per symbol, with the mark it was worked out from. */
  private readonly bands = new Map<string, { mark: number; band: { low: number; high: number } }>();

  position(account: string, symbol: string): number {
    return this.accounts.get(account)?.positions.get(symbol) ?? 0;
  }

  /** Open orders, in creation order, of one account (and symbol) or of all. */
  openOrders(account?: string, symbol?: string): ModelOrder[] {
    // `open` iterates in creation order already: no sort.
    const out: ModelOrder[] = [];
    for (const o of this.open) {
      if (account !== undefined && o.account !== account) continue;
      if (symbol !== undefined && o.symbol !== symbol) continue;
      out.push(o);
    }
    return out;
  }

  /** Resting orders of one side of a book: best price first, then by time in the queue. */
  resting(symbol: string, side: Side): ModelOrder[] {
    const out: ModelOrder[] = [];
    for (const o of this.open) {
      if (o.symbol !== symbol || o.side !== side || o.pending || o.price === null) continue;
      if (o.rank !== undefined && remaining(o) > 0) out.push(o);
    }
    // A stable sort of the creation order, as before: equal keys keep it.
    if (out.length < 2) return out;
    return out.sort(side === 'buy' ? bestBid : bestAsk);
  }

  /** Best resting price of one side, if any. */
  best(symbol: string, side: Side): number | undefined {
    // The price of resting(symbol, side)[0], without listing and sorting them all.
    let best: number | undefined;
    for (const o of this.open) {
      if (o.symbol !== symbol || o.side !== side || o.pending || o.price === null) continue;
      if (o.rank === undefined || !(remaining(o) > 0)) continue;
      if (best === undefined || (side === 'buy' ? o.price > best : o.price < best)) best = o.price;
    }
    return best;
  }

  /** Whether a finished order is still remembered (`unclear` near the retention bound). */
  remembered(order: ModelOrder): boolean | 'unclear' {
    if (order.open || order.finishedAt === undefined) return true;
    const newer = this.finished.length - 1 - order.finishedAt;
    const retain = this.rules.retainFinishedOrders;
    if (newer < retain - RETENTION_MARGIN) return true;
    if (newer >= retain + RETENTION_MARGIN) return false;
    return 'unclear';
  }

  /** The order an id names, as the venue must find it: only while open or remembered. */
  byId(id: string): ModelOrder | 'unknown' | 'unclear' {
    const order = this.orders.get(id);
    if (order === undefined) return 'unknown';
    const kept = this.remembered(order);
    return kept === 'unclear' ? 'unclear' : kept ? order : 'unknown';
  }

  /** The account's order with a client order id (open, or finished and remembered). */
  byClientId(account: string, cid: string): ModelOrder | 'unknown' | 'unclear' {
    const order = this.accounts.get(account)?.cids.get(cid);
    if (order === undefined) return 'unknown';
    const kept = this.remembered(order);
    return kept === 'unclear' ? 'unclear' : kept ? order : 'unknown';
  }

  /** Whether stop orders wait off the book (of one account, and one symbol when given). */
  hasPending(account?: string, symbol?: string): boolean {
    for (const o of this.waiting) {
      if ((account === undefined || o.account === account) && (symbol === undefined || o.symbol === symbol))
        return true;
    }
    return false;
  }

  /** Open quantity per side of one account on one symbol. */
  exposure(account: string, symbol: string): { pos: number; buy: number; sell: number } {
    let buy = 0;
    let sell = 0;
    // Whole atoms: the sum does not depend on the order they are added in.
    for (const o of this.open) {
      if (o.account !== account || o.symbol !== symbol) continue;
      if (o.side === 'buy') buy += remaining(o);
      else sell += remaining(o);
    }
    return { pos: this.position(account, symbol), buy, sell };
  }

  /** Open quantity per side of one account, per symbol it has open orders on. */
  private openBySymbol(account: string): Map<string, { buy: number; sell: number }> {
    const out = new Map<string, { buy: number; sell: number }>();
    for (const o of this.open) {
      if (o.account !== account) continue;
      let sums = out.get(o.symbol);
      if (sums === undefined) {
        sums = { buy: 0, sell: 0 };
        out.set(o.symbol, sums);
      }
      if (o.side === 'buy') sums.buy += remaining(o);
      else sums.sell += remaining(o);
    }
    return out;
  }

  equity(account: string): number {
    const acct = this.accounts.get(account);
    if (acct === undefined) return Number.NaN;
    let equity = acct.cash;
    for (const [symbol, pos] of acct.positions) {
      const inst = this.rules.instruments.get(symbol);
      if (inst === undefined || pos === 0) continue;
      equity += pos * this.mark(symbol) * inst.cashPerPxQty;
    }
    return equity;
  }

  /**
   * The margin rule (docs/exchange.md, "Accounts and margin") for adding `qty` of open quantity
   * on one side: whether the worst case grows, whether it then passes maxPosition, and whether
   * `available` would drop below zero.
   */
  risk(
    account: string,
    symbol: string,
    side: Side,
    qty: number,
  ): { grows: boolean; maxPosition: boolean; funds: boolean; unclear?: string } {
    // Whether and how waiting stops count against margin is not modelled.
    if (this.hasPending(account))
      return { grows: false, maxPosition: false, funds: false, unclear: 'margin with stop orders waiting' };
    const inst = this.rules.instruments.get(symbol);
    const acctRules = this.rules.accounts.get(account);
    if (inst === undefined || acctRules === undefined)
      return { grows: false, maxPosition: false, funds: false };
    const x = this.exposure(account, symbol);
    const before = worstCase(x.pos, x.buy, x.sell);
    const after = worstCase(x.pos, x.buy + (side === 'buy' ? qty : 0), x.sell + (side === 'sell' ? qty : 0));
    if (after <= before) return { grows: false, maxPosition: false, funds: false };
    let requirement = 0;
    // Every symbol's open quantity of the account in one pass (each sum adds the same orders in
    // the same order as exposure() does).
    const open = this.rules.instruments.size > 1 ? this.openBySymbol(account) : undefined;
    for (const other of this.rules.instruments.values()) {
      const worst =
        other.symbol === symbol
          ? after
          : worstCase(
              this.position(account, other.symbol),
              open?.get(other.symbol)?.buy ?? 0,
              open?.get(other.symbol)?.sell ?? 0,
            );
      if (worst === 0) continue;
      requirement += marginOf(worst, this.mark(other.symbol), other.cashPerPxQty, acctRules.leverage);
    }
    return {
      grows: true,
      maxPosition: after > inst.maxPosition,
      funds: this.equity(account) - requirement < 0,
    };
  }

  private finish(order: ModelOrder, status: ModelOrder['status']): void {
    order.open = false;
    this.open.delete(order);
    this.waiting.delete(order);
    order.status = status;
    order.rank = undefined;
    order.finishedAt = this.finished.length;
    this.finished.push(order);
  }

  private fail(why: string, rec: TradingRecord): void {
    this.broken ??= `${why} (event gseq ${rec.gseq}, txn ${rec.txn})`;
  }

  /**
   * Takes one input's events as facts. `stpOf` gives the self-trade prevention of an order
   * accepted here, when the request that placed it is known.
   */
  apply(group: readonly TradingRecord[], txn: number, stpOf: (orderId: string) => string | undefined): void {
    if (this.broken !== undefined) return;
    const queued: ModelOrder[] = [];
    let wasReset = false;
    for (const rec of group) {
      const e = rec.event as unknown as Record<string, unknown> & { type: string };
      if (e.type === 'reset') {
        if (!wasReset) this.reset();
        wasReset = true;
        continue;
      }
      if (rec.stream.startsWith('market:')) {
        const why = this.applyMarket(rec.stream.slice(7), e);
        if (why !== undefined) {
          this.fail(why, rec);
          return;
        }
        continue;
      }
      const accountId = accountOfStream(rec.stream);
      if (accountId === undefined) continue;
      if (!ACCOUNT_EVENTS.has(e.type)) {
        this.fail(`${e.type} on ${rec.stream}, an event the oracle does not read`, rec);
        return;
      }
      if (e.type === 'order_rejected' || e.type === 'balance' || e.type === 'position') continue;
      const why = this.applyOrderEvent(accountId, e, queued, stpOf);
      if (why !== undefined) {
        this.fail(why, rec);
        return;
      }
    }
    // One order joins a queue per input, but an input that triggered stops may rest several:
    // their order in the queue is left unsettled (the oracle does not model stops).
    if (queued.length === 0) return;
    const joining = queued.filter((o) => o.open && !o.pending && o.price !== null && o.rank === undefined);
    for (let i = 0; i < joining.length; i++) {
      joining[i].rank = txn + i / (joining.length + 1);
      joining[i].rankUnsure = joining.length > 1;
    }
  }

  private applyMarket(symbol: string, e: Record<string, unknown> & { type: string }): string | undefined {
    if (!MARKET_EVENTS.has(e.type)) return `${e.type} on market:${symbol}, an event the oracle does not read`;
    const inst = this.rules.instruments.get(symbol);
    if (e.type === 'mark_price' && inst !== undefined) {
      const mark = toAtoms(e.price as number, inst.priceDecimals);
      if (!Number.isSafeInteger(mark)) return `mark ${String(e.price)} off the tick grid`;
      this.marks.set(symbol, mark);
    } else if (e.type === 'instrument_status' && typeof e.halted === 'boolean') {
      if (e.halted) this.halted.add(symbol);
      else this.halted.delete(symbol);
    }
    return undefined;
  }

  /** One order event taken as a fact; returns why the record cannot be followed, if so. */
  private applyOrderEvent(
    accountId: string,
    e: Record<string, unknown> & { type: string },
    queued: ModelOrder[],
    stpOf: (orderId: string) => string | undefined,
  ): string | undefined {
    const account = this.accounts.get(accountId);
    if (account === undefined)
      return `order event on account:${accountId}, an account the config does not declare`;
    const id = e.orderId;
    if (typeof id !== 'string') return `${e.type} without an order id`;
    if (e.type === 'order_accepted') {
      const inst = this.rules.instruments.get(e.symbol as string);
      if (this.orders.has(id) || inst === undefined)
        return `order ${id} accepted twice, or on an unknown symbol`;
      const qty = toAtoms(e.qty as number, inst.qtyDecimals);
      const price =
        e.price === null || e.price === undefined ? null : toAtoms(e.price as number, inst.priceDecimals);
      if (!(qty > 0) || (price !== null && !Number.isSafeInteger(price)))
        return `order ${id} accepted with a quantity or price off the grid`;
      const orderType = String(e.orderType);
      const order: ModelOrder = {
        id,
        created: ++this.created,
        account: accountId,
        symbol: inst.symbol,
        side: e.side === 'sell' ? 'sell' : 'buy',
        orderType,
        tif: String(e.tif),
        stp: stpOf(id),
        price,
        qty,
        filled: 0,
        open: true,
        status: 'open',
        clientOrderId: String(e.clientOrderId),
        pending: orderType !== 'limit' && orderType !== 'market',
      };
      this.orders.set(id, order);
      this.open.add(order);
      if (order.pending) this.waiting.add(order);
      account.cids.set(order.clientOrderId, order);
      if (!order.pending) queued.push(order);
      return undefined;
    }
    const order = this.orders.get(id);
    if (order === undefined || order.account !== accountId || !order.open)
      return `${e.type} of ${id}, which is not an open order of ${accountId}`;
    const inst = this.rules.instruments.get(order.symbol) as InstrumentRules;
    switch (e.type) {
      case 'order_triggered': {
        if (!order.pending) return `${id} triggered, but it is no waiting stop`;
        const price =
          e.price === null || e.price === undefined ? null : toAtoms(e.price as number, inst.priceDecimals);
        if (price !== null && !Number.isSafeInteger(price)) return `${id} triggered at a price off the grid`;
        order.pending = false;
        this.waiting.delete(order);
        order.orderType = String(e.orderType);
        order.tif = String(e.tif);
        order.price = price;
        queued.push(order);
        return undefined;
      }
      case 'fill': {
        const qty = toAtoms(e.qty as number, inst.qtyDecimals);
        const price = toAtoms(e.price as number, inst.priceDecimals);
        if (!(qty > 0) || qty > remaining(order) || !Number.isSafeInteger(price))
          return `fill of ${id} off the grid or beyond its remaining quantity`;
        order.filled += qty;
        const sign = order.side === 'buy' ? 1 : -1;
        account.positions.set(order.symbol, this.position(accountId, order.symbol) + sign * qty);
        account.cash -= sign * price * qty * inst.cashPerPxQty;
        if (remaining(order) === 0) this.finish(order, 'filled');
        else order.status = 'partially_filled';
        return undefined;
      }
      case 'order_cancelled':
        this.finish(order, 'cancelled');
        return undefined;
      case 'order_expired':
        this.finish(order, 'expired');
        return undefined;
      case 'order_replaced': {
        const price = toAtoms(e.price as number, inst.priceDecimals);
        const qty = toAtoms(e.qty as number, inst.qtyDecimals);
        if (order.pending || !Number.isSafeInteger(price) || !(qty > order.filled))
          return `replace of ${id} to a price or quantity the record cannot follow`;
        // Priority rule: a new price or a larger quantity goes to the back of the queue.
        const lost = price !== order.price || qty > order.qty;
        order.price = price;
        order.qty = qty;
        if (lost) {
          order.rank = undefined;
          queued.push(order);
        }
        return undefined;
      }
    }
    return `${e.type}, an order event the oracle does not read`;
  }
}
