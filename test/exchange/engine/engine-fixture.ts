import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../../../src/domains/trading/protocol/exchange-config.ts';
import type {
  ExchangeEvent,
  ExchangeEventType,
} from '../../../src/domains/trading/protocol/exchange-event.ts';
import type { ExchangeInput, PlaceInput } from '../../../src/domains/trading/protocol/exchange-input.ts';
import type { ExchangeSnapshot } from '../../../src/domains/trading/protocol/exchange-snapshot.ts';
import type { BugName } from '../../../src/exchange/bugs/planted-bugs.ts';
import { Engine } from '../../../src/exchange/engine/engine.ts';
import type { EngineOutput, OrderResult } from '../../../src/exchange/engine/exchange-output.ts';

export const BTC = 'SANDBOX.BTC-USD';
export const ETH = 'SANDBOX.ETH-USD';
export const LIVE_BTC = 'BTC-USD';

export interface VenueOptions {
  bugs?: BugName[];
  /** Edits a fresh copy of the default config before the engine is built. */
  config?: (config: ExchangeConfig) => void;
}

/** An engine with a ticking clock and short builders for the inputs the tests send. */
export class Venue {
  readonly engine: Engine;
  private clock = 1_000;

  constructor(options: VenueOptions = {}) {
    const config = defaultExchangeConfig();
    options.config?.(config);
    this.engine = new Engine({ config, bugs: options.bugs ?? [] });
  }

  apply(input: ExchangeInput): EngineOutput {
    return this.engine.apply(input, this.clock++);
  }

  /** Sends anything, junk included, as an input. */
  raw(input: Record<string, unknown>): EngineOutput {
    return this.apply(input as unknown as ExchangeInput);
  }

  limit(
    account: string,
    clientOrderId: string,
    side: 'buy' | 'sell',
    price: unknown,
    qty: unknown,
    extra: Partial<PlaceInput> = {},
  ): EngineOutput {
    return this.apply({
      op: 'place',
      account,
      symbol: BTC,
      side,
      type: 'limit',
      price,
      qty,
      clientOrderId,
      ...extra,
    });
  }

  buy(account: string, clientOrderId: string, price: unknown, qty: unknown, extra: Partial<PlaceInput> = {}) {
    return this.limit(account, clientOrderId, 'buy', price, qty, extra);
  }

  sell(
    account: string,
    clientOrderId: string,
    price: unknown,
    qty: unknown,
    extra: Partial<PlaceInput> = {},
  ) {
    return this.limit(account, clientOrderId, 'sell', price, qty, extra);
  }

  market(
    account: string,
    clientOrderId: string,
    side: 'buy' | 'sell',
    qty: unknown,
    extra: Partial<PlaceInput> = {},
  ) {
    return this.apply({
      op: 'place',
      account,
      symbol: BTC,
      side,
      type: 'market',
      qty,
      clientOrderId,
      ...extra,
    });
  }

  cancel(account: string, orderId: string): EngineOutput {
    return this.apply({ op: 'cancel', account, orderId });
  }

  replace(account: string, orderId: string, change: { price?: unknown; qty?: unknown }): EngineOutput {
    return this.apply({ op: 'replace', account, orderId, ...change });
  }

  setMark(price: unknown, symbol = BTC): EngineOutput {
    return this.apply({ op: 'set_mark', symbol, price });
  }

  /** The engine state without the counters that every event moves (txn, time, stream seqs). */
  state(): Omit<ExchangeSnapshot, 'txn' | 'time' | 'streams'> {
    const { txn: _txn, time: _time, streams: _streams, ...rest } = this.engine.snapshot();
    return rest;
  }

  account(id: string) {
    const snapshot = this.engine.accountSnapshot(id);
    if (!snapshot) throw new Error(`no account ${id}`);
    return snapshot;
  }

  /** Book levels of one side as [price, qty, count]. */
  levels(side: 'bids' | 'asks', symbol = BTC): [number, number, number][] {
    return this.engine.book(symbol)![side];
  }
}

export type EventOf<T extends ExchangeEventType> = Extract<ExchangeEvent, { type: T }>;

/** The events of one type in an output, in emission order. */
export function eventsOf<T extends ExchangeEventType>(output: EngineOutput, type: T): EventOf<T>[] {
  return output.events.filter((e) => e.event.type === type).map((e) => e.event as EventOf<T>);
}

/** The event types of an output on one stream, in order. */
export function typesOn(output: EngineOutput, stream: string): ExchangeEventType[] {
  return output.events.filter((e) => e.stream === stream).map((e) => e.event.type);
}

/** The order result of a successful order response; throws with the reject reason otherwise. */
export function orderOf(output: EngineOutput): OrderResult {
  const r = output.response;
  if (!r.ok)
    throw new Error(`expected an accepted order, got ${r.reason}${r.detail ? ` (${r.detail})` : ''}`);
  if (r.result.kind !== 'order') throw new Error(`expected an order result, got ${r.result.kind}`);
  return r.result.order;
}

/** The reject reason of a failed response, or 'ok'. */
export function reasonOf(output: EngineOutput): string {
  return output.response.ok ? 'ok' : output.response.reason;
}

/** Maker ids (by client order id) in the order their fills appear in an output. */
export function makerFillOrder(output: EngineOutput): string[] {
  return eventsOf(output, 'fill')
    .filter((f) => f.liquidity === 'maker')
    .map((f) => f.clientOrderId);
}
