import type { Reply } from '../../../core/model/client.ts';
import type { ExchangeEvent, Liquidity, OrderRejectedEvent } from '../protocol/exchange-event.ts';
import type { TimeInForce } from '../protocol/exchange-input.ts';
import type { RejectReason } from '../protocol/reject-reason.ts';
import type {
  CancelAction,
  CancelAllAction,
  PlaceAction,
  ReplaceAction,
  TradingAction,
} from '../trading-action.ts';
import type { BookLibrary, LibFill, ModifyOutcome, OpenBook, PlaceOutcome, Refusal } from './book-library.ts';
import { type KitInstrument, lotsOf, priceOf, priceOnGrid, qtyOf, qtyOnGrid } from './kit-instrument.ts';
import { isOpen, type KitOrder, KitOrders, orderResult, remainingLots, restingOrder } from './kit-orders.ts';
import { type CommittedInput, KitStreams } from './kit-streams.ts';
import { PublishedBook } from './published-book.ts';
import { readPrice, readQty } from './read-request.ts';

/** How the kit reads the library's answers, from the adapter's options. */
export interface VenueRules {
  /** The library's refusal codes -> reference reject reasons; a code not listed is reported as it is. */
  reasons: Readonly<Record<string, string>>;
  /** Whether something the library threw is one of its refusals (its code), or a crash (undefined). */
  refusalOf?: (error: unknown) => string | undefined;
  /** Order types and tifs the library takes; the kit refuses the others (`invalid_request`). */
  market: boolean;
  tifs: ReadonlySet<TimeInForce>;
}

/** One request handled: its reply (txn included when it made events), and the events to deliver. */
export interface Handled {
  reply: Reply;
  input: CommittedInput;
  /** For a place that was accepted: the order id, which the client learns with the reply. */
  orderId?: string;
}

interface Book {
  inst: KitInstrument;
  library: BookLibrary;
  published: PublishedBook;
}

/** What a library call came to: its answer, or that it threw something that is not a refusal. */
type Called<T> = T | Refusal | { threw: string };

const TIFS: readonly TimeInForce[] = ['gtc', 'ioc', 'fok', 'post_only'];
const isRefusal = (x: unknown): x is Refusal =>
  typeof x === 'object' && x !== null && typeof (x as Refusal).rejected === 'string';
const threw = (x: unknown): x is { threw: string } =>
  typeof x === 'object' && x !== null && typeof (x as { threw?: unknown }).threw === 'string';

/**
 * The venue around a matching library: each trading action becomes at most a few synchronous
 * library calls, and their answers become what a real venue would say, in the reference
 * shapes: a reply, and events on the streams (order_accepted, fill for both sides, trade,
 * order_cancelled, order_expired, order_replaced, order_rejected, book_delta), all of one input
 * under one txn. What the kit does itself is what the library cannot: accounts of orders,
 * client order ids, naming orders by step, and the checks of wire values against the grid.
 * It never corrects the library: sizes it reports are its arithmetic on the library's fills, and
 * the book is the library's own, so a disagreement between them is there for the invariants.
 */
export class LibraryVenue {
  readonly orders = new KitOrders();
  readonly streams = new KitStreams();
  readonly books = new Map<string, Book>();
  private trades = 0;
  private refs = 0;

  constructor(
    instruments: readonly KitInstrument[],
    open: OpenBook,
    private readonly rules: VenueRules,
    private readonly name: string,
  ) {
    for (const inst of instruments) {
      const library = open(inst);
      this.books.set(inst.symbol, { inst, library, published: new PublishedBook(inst, library) });
    }
  }

  handle(action: TradingAction): Handled {
    const touched = new Set<Book>();
    let outcome: { reply: Reply; orderId?: string };
    try {
      outcome = this.dispatch(action, touched);
    } catch (error) {
      // Not the library (its calls are caught one by one): an answer the kit could not read.
      this.streams.discard();
      outcome = { reply: info(`the adapter's answer could not be read: ${describe(error)}`) };
    }
    // The library's own levels, after the input: what changed goes out on book:<symbol>.
    for (const book of touched) {
      const deltas = this.call(() => book.published.changes());
      if (Array.isArray(deltas)) for (const d of deltas) this.streams.emit(`book:${book.inst.symbol}`, d);
    }
    const input = this.streams.commit();
    const reply: Reply =
      input.txn === undefined || outcome.reply.status === 'info'
        ? outcome.reply
        : { ...outcome.reply, txn: input.txn };
    return { reply, input, ...(outcome.orderId === undefined ? {} : { orderId: outcome.orderId }) };
  }

  private dispatch(action: TradingAction, touched: Set<Book>): { reply: Reply; orderId?: string } {
    switch (action.kind) {
      case 'place':
        return this.place(action, touched);
      case 'cancel':
        return this.cancel(action, touched);
      case 'replace':
        return this.replace(action, touched);
      case 'cancel_all':
        return this.cancelAll(action, touched);
      case 'set_mark':
        return { reply: fail('invalid_request', `${this.name} is a bare book: it has no marks`) };
      case 'reconnect':
        // Nothing to reconnect in process: the client is where it was, having missed nothing.
        return { reply: { status: 'ok', result: { kind: 'reconnect', mode: action.mode, inProcess: true } } };
      default:
        return { reply: fail('SHK_FAULT_UNSUPPORTED', 'faults go to the target') };
    }
  }

  // ---------------------------------------------------------------- requests

  private place(action: PlaceAction, touched: Set<Book>): { reply: Reply; orderId?: string } {
    const account = action.client;
    const refuse = (reason: string, message?: string) =>
      this.refuse(
        account,
        { request: 'place', clientOrderId: action.clientOrderId, symbol: action.symbol },
        reason,
        message,
      );
    const book = this.books.get(action.symbol);
    if (book === undefined) return refuse('unknown_symbol');
    if (this.orders.hasClientOrderId(account, action.clientOrderId))
      return refuse('duplicate_client_order_id');
    const type = action.orderType;
    const tif = action.tif ?? (type === 'market' ? 'ioc' : 'gtc');
    if (
      (action.side !== 'buy' && action.side !== 'sell') ||
      (type !== 'limit' && type !== 'market') ||
      !TIFS.includes(tif)
    )
      return refuse('invalid_request', 'side, order type or time in force is not one the reference knows');
    if ((type === 'market' && !this.rules.market) || !this.rules.tifs.has(tif))
      return refuse(
        'invalid_request',
        `${this.name} takes no ${type === 'market' ? 'market orders' : `${tif} orders`}`,
      );
    const inst = book.inst;
    const lots = readQty(action.qty, inst);
    if (typeof lots === 'string') return refuse(lots);
    const ticks = type === 'limit' ? readPrice(action.price, inst) : null;
    if (typeof ticks === 'string') return refuse(ticks);
    touched.add(book);
    const answer = this.call(() =>
      book.library.place({
        ref: `K${++this.refs}`,
        owner: account,
        clientOrderId: action.clientOrderId,
        side: action.side,
        type,
        tif,
        price: ticks === null ? null : priceOf(inst, ticks),
        priceTicks: ticks,
        qty: qtyOf(inst, lots),
        qtyLots: lots,
        ...(action.stp === undefined ? {} : { stp: action.stp }),
      }),
    );
    if (threw(answer)) return { reply: info(answer.threw) };
    if (isRefusal(answer)) return refuse(answer.rejected, answer.message);
    const taken = (answer as { accepted?: Extract<PlaceOutcome, { accepted: unknown }>['accepted'] })
      ?.accepted;
    if (typeof taken !== 'object' || taken === null) return { reply: info(malformed('place', answer)) };
    const order = this.orders.add({
      libId: taken.id,
      account,
      clientOrderId: action.clientOrderId,
      inst,
      side: action.side,
      type,
      tif,
      ticks,
      qtyLots: lots,
    });
    this.emit(order, {
      type: 'order_accepted',
      orderId: order.orderId,
      clientOrderId: order.clientOrderId,
      symbol: inst.symbol,
      side: order.side,
      orderType: type,
      tif,
      price: ticks === null ? null : priceOf(inst, ticks),
      qty: qtyOf(inst, lots),
    });
    this.take(order, taken.fills, taken.restingQty);
    return {
      reply: { status: 'ok', result: { kind: 'order', order: orderResult(order) } },
      orderId: order.orderId,
    };
  }

  private cancel(action: CancelAction, touched: Set<Book>): { reply: Reply } {
    const found = this.find(action.client, action, 'cancel');
    if ('reply' in found) return found;
    const order = found.order;
    const book = this.books.get(order.inst.symbol)!;
    touched.add(book);
    const answer = this.call(() => book.library.cancel(restingOrder(order)));
    if (threw(answer)) return { reply: info(answer.threw) };
    if (isRefusal(answer)) return this.refuse(order.account, found.ref, answer.rejected, answer.message);
    if ((answer as { cancelled?: unknown })?.cancelled !== true)
      return { reply: info(malformed('cancel', answer)) };
    this.cancelled(order, 'user');
    return { reply: { status: 'ok', result: { kind: 'order', order: orderResult(order) } } };
  }

  private replace(action: ReplaceAction, touched: Set<Book>): { reply: Reply } {
    const found = this.find(action.client, action, 'replace');
    if ('reply' in found) return found;
    const { order, ref } = found;
    const refuse = (reason: string, message?: string) => this.refuse(order.account, ref, reason, message);
    const book = this.books.get(order.inst.symbol)!;
    const modify = book.library.modify?.bind(book.library);
    if (modify === undefined || order.ticks === null)
      return refuse(
        'invalid_request',
        `${this.name} cannot modify ${order.ticks === null ? 'a market order' : 'orders'}`,
      );
    const inst = order.inst;
    const ticks = action.price === undefined ? order.ticks : readPrice(action.price, inst);
    if (typeof ticks === 'string') return refuse(ticks);
    const lots = action.qty === undefined ? order.qtyLots : readQty(action.qty, inst);
    if (typeof lots === 'string') return refuse(lots);
    if (lots <= order.filledLots) return refuse('replace_qty_not_above_filled');
    if (ticks === order.ticks && lots === order.qtyLots) return refuse('replace_no_change');
    touched.add(book);
    const priceChanged = ticks !== order.ticks;
    const answer = this.call(() =>
      modify(restingOrder(order), {
        price: priceOf(inst, ticks),
        priceTicks: ticks,
        qty: qtyOf(inst, lots),
        qtyLots: lots,
        remainingQty: qtyOf(inst, lots - order.filledLots),
        remainingLots: lots - order.filledLots,
        priceChanged,
      }),
    );
    if (threw(answer)) return { reply: info(answer.threw) };
    if (isRefusal(answer)) return refuse(answer.rejected, answer.message);
    const done = (answer as { modified?: Extract<ModifyOutcome, { modified: unknown }>['modified'] })
      ?.modified;
    if (typeof done !== 'object' || done === null) return { reply: info(malformed('modify', answer)) };
    // The rule, unless the library says otherwise: same price and no more size keeps the place.
    const priorityKept = done.priorityKept ?? (!priceChanged && lots <= order.qtyLots);
    if (done.id !== undefined) this.orders.rename(order, done.id);
    order.ticks = ticks;
    order.qtyLots = lots;
    if (!priorityKept) this.orders.requeue(order);
    this.emit(order, {
      type: 'order_replaced',
      orderId: order.orderId,
      clientOrderId: order.clientOrderId,
      symbol: inst.symbol,
      price: priceOf(inst, ticks),
      qty: qtyOf(inst, lots),
      filledQty: qtyOf(inst, order.filledLots),
      remainingQty: qtyOf(inst, remainingLots(order)),
      priorityKept,
    });
    this.take(order, done.fills, done.restingQty);
    return { reply: { status: 'ok', result: { kind: 'order', order: orderResult(order) } } };
  }

  private cancelAll(action: CancelAllAction, touched: Set<Book>): { reply: Reply } {
    let cancelled = 0;
    for (const order of this.orders.open(action.client, action.symbol)) {
      const book = this.books.get(order.inst.symbol)!;
      touched.add(book);
      const answer = this.call(() => book.library.cancel(restingOrder(order)));
      if ((answer as { cancelled?: unknown })?.cancelled !== true) continue;
      this.cancelled(order, 'cancel_all');
      cancelled++;
    }
    return { reply: { status: 'ok', result: { kind: 'cancel_all', cancelled } } };
  }

  // ---------------------------------------------------------------- what the answers mean

  /**
   * The trades an order made as taker (placed, or modified into a cross): a fill for each
   * side and a trade on the tape each, then the end of what may not rest. `restingQty`
   * undefined means all that is left rests.
   */
  private take(order: KitOrder, fills: readonly LibFill[] | undefined, restingQty: number | undefined): void {
    const inst = order.inst;
    for (const fill of fills ?? []) {
      const qty = qtyOnGrid(inst, fill.qty);
      const price = priceOnGrid(inst, fill.price);
      const lots = lotsOf(inst, fill.qty);
      const tradeId = `T${++this.trades}`;
      this.filled(order, lots, tradeId, price, qty, 'taker');
      // A fill against an order the kit does not know has no maker side: trades.both-sides says so.
      const maker = this.orders.byLibraryId(inst.symbol, fill.makerId);
      if (maker !== undefined) this.filled(maker, lots, tradeId, price, qty, 'maker');
      this.streams.emit(`market:${inst.symbol}`, {
        type: 'trade',
        tradeId,
        symbol: inst.symbol,
        price,
        qty,
        takerSide: order.side,
      });
    }
    const left = remainingLots(order);
    if (!isOpen(order) || !(left > 0)) return;
    const resting = restingQty === undefined ? left : lotsOf(inst, restingQty);
    // Something rests: for a gtc that is its place in the book; for an ioc, fok or market order
    // it is the library's bug, and orders.flags finds it still open after its input.
    if (resting > 0) return;
    if (order.type === 'market' || order.tif === 'ioc' || order.tif === 'fok') {
      order.status = 'expired';
      this.emit(order, {
        type: 'order_expired',
        orderId: order.orderId,
        clientOrderId: order.clientOrderId,
        symbol: inst.symbol,
        reason: order.type === 'market' ? 'market' : order.tif === 'fok' ? 'fok' : 'ioc',
        filledQty: qtyOf(inst, order.filledLots),
        expiredQty: qtyOf(inst, left),
      });
    }
    // A gtc or post-only order the library dropped without a trade or a word stays open here, as
    // its events say; the library's book then shows no such order (book.depth-matches-orders).
  }

  private filled(
    order: KitOrder,
    lots: number,
    tradeId: string,
    price: number,
    qty: number,
    liquidity: Liquidity,
  ): void {
    order.filledLots += lots;
    if (isOpen(order)) order.status = remainingLots(order) > 0 ? 'partially_filled' : 'filled';
    this.emit(order, {
      type: 'fill',
      orderId: order.orderId,
      clientOrderId: order.clientOrderId,
      symbol: order.inst.symbol,
      side: order.side,
      tradeId,
      price,
      qty,
      liquidity,
      filledQty: qtyOf(order.inst, order.filledLots),
      remainingQty: qtyOf(order.inst, remainingLots(order)),
    });
  }

  private cancelled(order: KitOrder, reason: 'user' | 'cancel_all'): void {
    const left = remainingLots(order);
    order.status = 'cancelled';
    this.emit(order, {
      type: 'order_cancelled',
      orderId: order.orderId,
      clientOrderId: order.clientOrderId,
      symbol: order.inst.symbol,
      reason,
      filledQty: qtyOf(order.inst, order.filledLots),
      cancelledQty: qtyOf(order.inst, left),
    });
  }

  /** The order a cancel or replace names, open, or the refusal that answers the request. */
  private find(
    account: string,
    action: CancelAction | ReplaceAction,
    request: 'cancel' | 'replace',
  ): { order: KitOrder; ref: RejectedRef } | { reply: Reply } {
    const id = action.target.byOrderId ? this.orders.orderIdOfStep.get(action.target.step) : undefined;
    const ref: RejectedRef =
      id !== undefined ? { request, orderId: id } : { request, clientOrderId: action.target.clientOrderId };
    const found = this.orders.find(account, action.target);
    if (typeof found === 'string') return this.refuse(account, ref, found);
    if (!isOpen(found)) return this.refuse(account, ref, 'order_not_open');
    return { order: found, ref };
  }

  /** A refusal: order_rejected on the account's stream, and a `fail` reply with the reason. */
  private refuse(account: string, ref: RejectedRef, code: string, message?: string): { reply: Reply } {
    const reason = this.rules.reasons[code] ?? code;
    const event: OrderRejectedEvent = { type: 'order_rejected', ...ref, reason: reason as RejectReason };
    this.streams.emit(`account:${account}`, event);
    const why =
      reason === code ? (message ?? reason) : `${this.name} said ${code}${message ? `: ${message}` : ''}`;
    return { reply: fail(reason, why) };
  }

  private emit(order: KitOrder, event: ExchangeEvent): void {
    this.streams.emit(`account:${order.account}`, event);
  }

  /** A library call; what it throws is a refusal when `refusalOf` names it, else a crash. */
  private call<T>(fn: () => T): Called<T> {
    try {
      return fn();
    } catch (error) {
      const code = this.rules.refusalOf?.(error);
      if (code !== undefined) return { rejected: code, message: describe(error) };
      return { threw: describe(error) };
    }
  }
}

type RejectedRef = Pick<OrderRejectedEvent, 'request' | 'clientOrderId' | 'orderId' | 'symbol'>;

function fail(code: string, message: string): Reply {
  return { status: 'fail', code, message };
}

/** The library threw: it may have done part of the request, so the answer is indeterminate. */
function info(what: string): Reply {
  return { status: 'info', reason: `the library threw: ${what}` };
}

/** The adapter answered neither of the outcomes its port allows. */
function malformed(call: string, answer: unknown): string {
  let shown: string;
  try {
    shown = JSON.stringify(answer) ?? String(answer);
  } catch {
    shown = String(answer);
  }
  return `${call} answered ${shown.slice(0, 200)}, neither an outcome nor a refusal`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
