import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../../../src/domains/trading/protocol/exchange-config.ts';
import type { ServerMessage } from '../../../src/domains/trading/protocol/protocol-messages.ts';
import type { BugName } from '../../../src/exchange/bugs/planted-bugs.ts';
import { ExchangeHost } from '../../../src/exchange/gateway/exchange-host.ts';
import type { Session } from '../../../src/exchange/gateway/session.ts';
import type { JournalEntry, JournalSink } from '../../../src/exchange/journal/journal-entry.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields of server messages
export type Msg = Record<string, any>;

export interface HarnessOptions {
  config?: ExchangeConfig;
  bugs?: BugName[];
  journal?: JournalSink;
  recover?: JournalEntry[];
  resumeBuffer?: number;
}

/** One in-process connection: what it was sent, and helpers to talk to it synchronously. */
export class Conn {
  readonly messages: Msg[] = [];
  readonly session: Session;
  private nextId = 1;

  constructor(host: ExchangeHost) {
    this.session = host.connect((m: ServerMessage) =>
      this.messages.push(JSON.parse(JSON.stringify(m)) as Msg),
    );
  }

  /** Sends a frame and returns the messages it produced on this connection. */
  send(frame: object | string): Msg[] {
    const before = this.messages.length;
    this.session.receive(typeof frame === 'string' ? frame : JSON.stringify(frame));
    return this.messages.slice(before);
  }

  /** Sends a request (numbering it) and returns its response. */
  request(frame: Record<string, unknown>): Msg {
    const id = this.nextId++;
    const out = this.send({ ...frame, id });
    const response = out.find((m) => m.type === 'response' && m.id === id);
    if (response === undefined) throw new Error(`no response to ${JSON.stringify(frame)}`);
    return response;
  }

  login(key: string): Msg {
    return this.request({ type: 'login', key });
  }

  events(stream?: string): Msg[] {
    return this.messages.filter((m) => m.type === 'event' && (stream === undefined || m.stream === stream));
  }
}

export function placeFrame(
  symbol: string,
  side: 'buy' | 'sell',
  price: number,
  qty: number,
  clientOrderId: string,
) {
  return { type: 'place', symbol, side, orderType: 'limit', price, qty, clientOrderId };
}

export const BTC = 'SANDBOX.BTC-USD';

/** A host on a virtual clock that the test moves by hand. */
export function makeHost(options: HarnessOptions = {}) {
  let now = 1_000;
  const host = new ExchangeHost({
    config: options.config ?? defaultExchangeConfig(),
    bugs: options.bugs,
    clock: () => now,
    journal: options.journal,
    recover: options.recover,
    resumeBuffer: options.resumeBuffer,
  });
  return {
    host,
    advance(ms: number): void {
      now += ms;
    },
    connect(): Conn {
      return new Conn(host);
    },
    trader(key: string): Conn {
      const conn = new Conn(host);
      conn.login(key);
      return conn;
    },
  };
}
