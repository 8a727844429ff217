import type { Fault } from '../../../core/faults/fault.ts';
import type { Reply } from '../../../core/model/client.ts';
import type { ScenarioContext, ScenarioStep } from '../../../core/scenario/scenario.ts';
import type { OrderStatus } from '../protocol/exchange-event.ts';
import type { OrderType, SelfTradePrevention, Side, TimeInForce } from '../protocol/exchange-input.ts';
import type { Trader, TradingAction } from '../trading-action.ts';
import type { TradingClientEvent } from '../trading-client-event.ts';
import type { TradingView } from '../trading-view.ts';

export type TradingStep = ScenarioStep<TradingAction, TradingClientEvent, TradingView>;
export type TradingContext = ScenarioContext<TradingAction, TradingClientEvent, TradingView>;
type EventOf<T extends TradingClientEvent['type']> = Extract<TradingClientEvent, { type: T }>;

export const BTC = 'SANDBOX.BTC-USD';
export const ETH = 'SANDBOX.ETH-USD';
/** The live instrument sandbox accounts may never touch. */
export const LIVE_BTC = 'BTC-USD';

export interface OrderFields {
  symbol?: string;
  side: Side;
  type?: OrderType;
  tif?: TimeInForce;
  price?: unknown;
  qty: unknown;
  stp?: SelfTradePrevention;
  /** A client order id of its own; by default `<scenario>-<n>`, n counting the orders built. */
  id?: string;
}

/**
 * Writes a scenario's steps the way a person reads them: each action returns its step number,
 * so later steps name "the order placed at step 2" as the trading client does. Nothing sleeps;
 * `gapMs` of every action is 0 and waiting is done by waitFor / expectNoEventFor.
 */
export class ScenarioScript {
  readonly steps: TradingStep[] = [];
  private readonly actions: TradingAction[] = [];
  /** Orders built so far: ids stay unique when several are built before any is sent (a race). */
  private orders = 0;

  constructor(private readonly prefix: string) {}

  /** The action that `step` sent. */
  actionAt(step: number): TradingAction | undefined {
    return this.actions[step];
  }

  clientOrderIdOf(step: number): string {
    const action = this.actions[step];
    if (action?.kind !== 'place') throw new Error(`scenario ${this.prefix}: step ${step} is not a place`);
    return action.clientOrderId;
  }

  /** Sends and waits for the reply, which must have the status given (ok by default). */
  send(action: TradingAction, expect: Reply['status'] | 'any' = 'ok', code?: string): number {
    const step = this.actions.length;
    this.actions.push(action);
    this.steps.push({ kind: 'send', action, expect, ...(code === undefined ? {} : { code }) });
    return step;
  }

  placeAction(client: Trader, order: OrderFields): TradingAction {
    const n = this.orders++;
    return {
      kind: 'place',
      client,
      gapMs: 0,
      symbol: order.symbol ?? BTC,
      side: order.side,
      orderType: order.type ?? 'limit',
      ...(order.tif ? { tif: order.tif } : {}),
      ...(order.price === undefined ? {} : { price: order.price }),
      qty: order.qty,
      clientOrderId: order.id ?? `${this.prefix}-${n}`,
      ...(order.stp ? { stp: order.stp } : {}),
    };
  }

  place(client: Trader, order: OrderFields, expect: Reply['status'] | 'any' = 'ok'): number {
    return this.send(this.placeAction(client, order), expect);
  }

  /** A place the venue must refuse with `reason`. */
  reject(client: Trader, order: OrderFields, reason: string): number {
    return this.send(this.placeAction(client, order), 'fail', reason);
  }

  cancelAction(client: Trader, step: number, byOrderId = false): TradingAction {
    return {
      kind: 'cancel',
      client,
      gapMs: 0,
      target: { step, clientOrderId: this.clientOrderIdOf(step), byOrderId },
    };
  }

  cancel(client: Trader, step: number, expect: Reply['status'] | 'any' = 'ok', code?: string): number {
    return this.send(this.cancelAction(client, step), expect, code);
  }

  replace(
    client: Trader,
    step: number,
    edit: { price?: unknown; qty?: unknown },
    expect: Reply['status'] | 'any' = 'ok',
    code?: string,
  ): number {
    const action: TradingAction = {
      kind: 'replace',
      client,
      gapMs: 0,
      target: { step, clientOrderId: this.clientOrderIdOf(step), byOrderId: false },
      ...(edit.price === undefined ? {} : { price: edit.price }),
      ...(edit.qty === undefined ? {} : { qty: edit.qty }),
    };
    return this.send(action, expect, code);
  }

  cancelAll(client: Trader, symbol?: string): number {
    return this.send({ kind: 'cancel_all', client, gapMs: 0, ...(symbol ? { symbol } : {}) });
  }

  setMark(price: number, symbol = BTC): number {
    return this.send({ kind: 'set_mark', client: 'admin', gapMs: 0, symbol, price });
  }

  reconnect(client: Trader, mode: 'resync' | 'resume'): number {
    return this.send({ kind: 'reconnect', client, gapMs: 0, mode });
  }

  fault(client: string, fault: Fault): number {
    return this.send({ kind: 'fault', client, gapMs: 0, fault } as TradingAction, 'any');
  }

  /** Several actions at the same instant: a race whose every reply is awaited. */
  race(...actions: TradingAction[]): number[] {
    const first = this.actions.length;
    this.actions.push(...actions);
    this.steps.push({ kind: 'race', actions });
    return actions.map((_, i) => first + i);
  }

  waitFor<T extends TradingClientEvent['type']>(
    client: string,
    type: T,
    where: (event: EventOf<T>) => boolean = () => true,
    timeoutMs?: number,
  ): this {
    this.steps.push({
      kind: 'wait_for',
      client,
      what: type,
      match: (event) => event.type === type && where(event as EventOf<T>),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    return this;
  }

  expectNoEventFor<T extends TradingClientEvent['type']>(
    client: string,
    type: T,
    forMs: number,
    where: (event: EventOf<T>) => boolean = () => true,
  ): this {
    this.steps.push({
      kind: 'expect_no_event',
      client,
      what: type,
      forMs,
      match: (event) => event.type === type && where(event as EventOf<T>),
    });
    return this;
  }

  expect(what: string, check: (context: TradingContext) => string | undefined): this {
    this.steps.push({ kind: 'expect', what, check });
    return this;
  }

  /** The order placed at `step`, as `client` sees it, is in `status` (with `filled` when given). */
  expectOrder(client: Trader, step: number, status: OrderStatus, filled?: number): this {
    const id = this.clientOrderIdOf(step);
    return this.expect(`order ${id} ${status}`, (context) => {
      const order = Object.values(context.view(client).orders).find((o) => o.clientOrderId === id);
      if (!order) return `${client} knows no order ${id}`;
      if (order.status !== status) return `order ${id} is ${order.status}, expected ${status}`;
      if (filled !== undefined && Math.abs(order.filledQty - filled) > 1e-9)
        return `order ${id} filled ${order.filledQty}, expected ${filled}`;
      return undefined;
    });
  }

  /** The fills `client` received for the order of `step`, in order, have these quantities. */
  expectFills(client: Trader, step: number, quantities: number[]): this {
    const id = this.clientOrderIdOf(step);
    return this.expect(`fills of ${id}: ${quantities.join(', ') || 'none'}`, (context) => {
      const fills = context.events
        .filter((rec) => rec.client === client && rec.event.type === 'fill' && rec.event.clientOrderId === id)
        .map((rec) => (rec.event as EventOf<'fill'>).qty);
      const same =
        fills.length === quantities.length &&
        fills.every((q, i) => Math.abs(q - (quantities[i] ?? 0)) < 1e-9);
      return same
        ? undefined
        : `fills of ${id} were [${fills.join(', ')}], expected [${quantities.join(', ')}]`;
    });
  }

  /** `client`'s position in `symbol` is `qty`. */
  expectPosition(client: Trader, qty: number, symbol = BTC): this {
    return this.expect(`${client} position ${symbol} ${qty}`, (context) => {
      const position = context.view(client).positions[symbol] ?? 0;
      return Math.abs(position - qty) < 1e-9
        ? undefined
        : `${client} holds ${position} ${symbol}, expected ${qty}`;
    });
  }
}
