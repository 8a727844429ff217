import type { Reply } from '../../src/core/model/client.ts';
import type { Operation, RecordedEvent } from '../../src/core/model/evidence.ts';
import {
  type CancelAction,
  type CancelAllAction,
  type PlaceAction,
  type ReconnectAction,
  type ReplaceAction,
  type SetMarkAction,
  TRADING_CLIENTS,
  type Trader,
  type TradingAction,
} from '../../src/domains/trading/trading-action.ts';
import { sessionStream, type TradingClientEvent } from '../../src/domains/trading/trading-client-event.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { tradingProjection } from '../../src/domains/trading/trading-projection.ts';
import type { TradingView } from '../../src/domains/trading/trading-view.ts';
import type { BugName } from '../../src/exchange/bugs/planted-bugs.ts';
import { defaultExchangeConfig, type ExchangeConfig } from '../../src/exchange/config/exchange-config.ts';
import type { Side } from '../../src/exchange/engine/exchange-input.ts';
import { ExchangeHost } from '../../src/exchange/gateway/exchange-host.ts';
import type {
  ClientRequest,
  EventMessage,
  ServerMessage,
} from '../../src/exchange/gateway/protocol-messages.ts';
import type { ResyncSnapshot, Session } from '../../src/exchange/gateway/session.ts';
import { MemoryJournal } from '../../src/exchange/journal/memory-journal.ts';

export const BTC = 'SANDBOX.BTC-USD';
export const ETH = 'SANDBOX.ETH-USD';

export interface ScenarioOptions {
  bugs?: BugName[];
  /** Journal every input and add the state replayed from the journal as extra.journalSnapshot. */
  journal?: boolean;
  config?: ExchangeConfig;
}

type Response = Extract<ServerMessage, { type: 'response' }>;
/** A request without its id (the builder numbers them), for each request type. */
type RequestBody = ClientRequest extends infer R ? (R extends ClientRequest ? Omit<R, 'id'> : never) : never;

/**
 * One simulated client connection. Like the reference trading client, it holds live events
 * back while it catches up after a reconnect, then lets out only those past what the catch-up
 * covered.
 */
interface SimClient {
  name: string;
  key: string;
  streams: string[];
  session?: Session;
  account: string | null;
  lastSeq: Map<string, number>;
  holding?: EventMessage[];
  responses: Map<string, Response>;
  sessionSeq: number;
  nextId: number;
}

/**
 * Drives an in-process ExchangeHost synchronously, the way a run would, and gathers the run's
 * evidence: every event each client received (numbered in capture order, tied to the step
 * whose reply names its txn), every operation with its reply, each client's folded view, the
 * final snapshot and the config. Actions execute as they are added.
 */
export class Scenario {
  readonly config: ExchangeConfig;
  private readonly bugs: BugName[];
  private readonly host: ExchangeHost;
  private readonly journal: MemoryJournal | undefined;
  private now = 1_000;
  private gseq = 0;
  private readonly clients = new Map<string, SimClient>();
  private readonly events: RecordedEvent<TradingClientEvent>[] = [];
  private readonly actions: TradingAction[] = [];
  private readonly history: Operation<TradingAction, unknown>[] = [];
  private readonly orderIds = new Map<number, string>();

  constructor(options: ScenarioOptions = {}) {
    this.config = options.config ?? defaultExchangeConfig();
    this.bugs = options.bugs ?? [];
    this.journal = options.journal ? new MemoryJournal() : undefined;
    this.host = new ExchangeHost({
      config: this.config,
      bugs: this.bugs,
      clock: () => this.now,
      journal: this.journal,
    });
    const symbols = this.config.instruments.map((i) => i.symbol);
    const publicOf = (list: string[]) => list.flatMap((s) => [`market:${s}`, `book:${s}`]);
    for (const name of TRADING_CLIENTS) {
      const admin = name === 'admin';
      const key = admin ? this.config.adminKey : this.config.accounts.find((a) => a.id === name)!.key;
      const streams = admin
        ? [...this.config.accounts.map((a) => `account:${a.id}`), ...publicOf(symbols)]
        : publicOf(symbols.filter((s) => s.startsWith(this.config.sandboxPrefix)));
      const client: SimClient = {
        name,
        key,
        streams,
        account: null,
        lastSeq: new Map(),
        responses: new Map(),
        sessionSeq: 0,
        nextId: 0,
      };
      this.clients.set(name, client);
      this.dial(client);
      const login = this.call(client, { type: 'login', key });
      client.account = (login.ok ? (login.result as { account?: string }).account : undefined) ?? null;
      this.call(client, { type: 'subscribe', streams });
      this.emitSession(client, { type: 'session_connected', account: client.account });
    }
  }

  // ------------------------------------------------------------------ actions

  place(
    client: Trader,
    clientOrderId: string,
    side: Side,
    price: unknown,
    qty: unknown,
    extra: Partial<Omit<PlaceAction, 'kind' | 'client'>> = {},
  ): Reply {
    return this.act({
      kind: 'place',
      client,
      gapMs: 1,
      symbol: BTC,
      side,
      orderType: 'limit',
      price,
      qty,
      clientOrderId,
      ...extra,
    });
  }

  /** A market order (price ignored by the venue). */
  market(
    client: Trader,
    clientOrderId: string,
    side: Side,
    qty: unknown,
    extra: Partial<PlaceAction> = {},
  ): Reply {
    return this.place(client, clientOrderId, side, undefined, qty, { orderType: 'market', ...extra });
  }

  cancel(client: Trader, clientOrderId: string, byOrderId = false): Reply {
    const action: CancelAction = {
      kind: 'cancel',
      client,
      gapMs: 1,
      target: this.target(client, clientOrderId, byOrderId),
    };
    return this.act(action);
  }

  replace(
    client: Trader,
    clientOrderId: string,
    change: { price?: unknown; qty?: unknown },
    byOrderId = false,
  ): Reply {
    const action: ReplaceAction = {
      kind: 'replace',
      client,
      gapMs: 1,
      target: this.target(client, clientOrderId, byOrderId),
      ...change,
    };
    return this.act(action);
  }

  cancelAll(client: Trader, symbol?: string): Reply {
    const action: CancelAllAction = { kind: 'cancel_all', client, gapMs: 1, ...(symbol ? { symbol } : {}) };
    return this.act(action);
  }

  setMark(symbol: string, price: number): Reply {
    const action: SetMarkAction = { kind: 'set_mark', client: 'admin', gapMs: 1, symbol, price };
    return this.act(action);
  }

  /** Loses the connection without coming back yet: events meanwhile are missed. Not a step. */
  drop(client: Trader): void {
    const c = this.clients.get(client)!;
    if (c.session === undefined) return;
    c.session.close();
    c.session = undefined;
    this.emitSession(c, { type: 'session_disconnected' });
  }

  reconnect(client: Trader, mode: 'resync' | 'resume'): Reply {
    const action: ReconnectAction = { kind: 'reconnect', client, gapMs: 1, mode };
    return this.act(action);
  }

  /** The step of the last place of this client order id by this client. */
  stepOf(client: Trader, clientOrderId: string): number {
    for (let i = this.actions.length - 1; i >= 0; i--) {
      const a = this.actions[i];
      if (a.kind === 'place' && a.client === client && a.clientOrderId === clientOrderId) return i;
    }
    return -1;
  }

  /** Finishes the run: steps resolved, views folded, state read. A deep copy, free to corrupt. */
  evidence(): TradingEvidence {
    const stepOfTxn = new Map<number, number>();
    for (const op of this.history) {
      const reply = op.reply;
      if (
        reply !== undefined &&
        reply.status !== 'info' &&
        reply.txn !== undefined &&
        !stepOfTxn.has(reply.txn)
      ) {
        stepOfTxn.set(reply.txn, op.step);
      }
    }
    for (const rec of this.events) {
      if (rec.txn !== undefined && stepOfTxn.has(rec.txn)) rec.step = stepOfTxn.get(rec.txn);
    }
    const projections: Record<string, TradingView> = {};
    for (const name of TRADING_CLIENTS) projections[name] = tradingProjection.init(name);
    for (const rec of structuredClone(this.events)) {
      projections[rec.client] = tradingProjection.apply(projections[rec.client], rec);
    }
    const extra: TradingEvidence['extra'] = { config: this.config };
    if (this.journal !== undefined) {
      const replay = new ExchangeHost({
        config: this.config,
        bugs: this.bugs,
        clock: () => this.now,
        recover: this.journal.entries(),
      });
      extra.journalSnapshot = replay.snapshot();
    }
    return structuredClone({
      actions: this.actions,
      history: this.history,
      events: this.events,
      projections,
      snapshot: this.host.snapshot(),
      extra,
    });
  }

  // ------------------------------------------------------------------ plumbing

  private target(client: Trader, clientOrderId: string, byOrderId: boolean) {
    return { step: this.stepOf(client, clientOrderId), clientOrderId, byOrderId };
  }

  private act(action: TradingAction): Reply {
    this.now += action.gapMs;
    const step = this.actions.length;
    this.actions.push(action);
    const op: Operation<TradingAction, unknown> = {
      step,
      client: action.client,
      action,
      invokedAt: this.now,
    };
    this.history.push(op);
    const client = this.clients.get(action.client)!;
    const reply =
      action.kind === 'reconnect' ? this.catchUp(client, action.mode) : this.send(client, action, step);
    op.completedAt = this.now;
    op.reply = reply;
    return reply;
  }

  private send(client: SimClient, action: Exclude<TradingAction, ReconnectAction>, step: number): Reply {
    if (client.session === undefined) return { status: 'info', reason: 'not connected' };
    const ref = (target: { step: number; clientOrderId: string; byOrderId: boolean }) => {
      const orderId = target.byOrderId ? this.orderIds.get(target.step) : undefined;
      return orderId === undefined ? { clientOrderId: target.clientOrderId } : { orderId };
    };
    let request: RequestBody;
    switch (action.kind) {
      case 'place':
        request = {
          type: 'place',
          symbol: action.symbol,
          side: action.side,
          orderType: action.orderType,
          ...(action.tif === undefined ? {} : { tif: action.tif }),
          ...(action.price === undefined ? {} : { price: action.price }),
          qty: action.qty,
          clientOrderId: action.clientOrderId,
          ...(action.stp === undefined ? {} : { stp: action.stp }),
        };
        break;
      case 'cancel':
        request = { type: 'cancel', ...ref(action.target) };
        break;
      case 'replace':
        request = {
          type: 'replace',
          ...ref(action.target),
          ...(action.price === undefined ? {} : { price: action.price }),
          ...(action.qty === undefined ? {} : { qty: action.qty }),
        };
        break;
      case 'cancel_all':
        request = { type: 'cancel_all', ...(action.symbol === undefined ? {} : { symbol: action.symbol }) };
        break;
      case 'set_mark':
        request = { type: 'set_mark', symbol: action.symbol, price: action.price };
        break;
    }
    const reply = toReply(this.call(client, request));
    if (action.kind === 'place' && reply.status === 'ok') {
      const orderId = (reply.result as { order?: { orderId?: string } }).order?.orderId;
      if (orderId !== undefined) this.orderIds.set(step, orderId);
    }
    return reply;
  }

  /** Reconnect: drop (unless dropped already), dial, log in, then resync or resume while holding live events. */
  private catchUp(client: SimClient, mode: 'resync' | 'resume'): Reply {
    if (client.session !== undefined) this.drop(client.name as Trader);
    client.holding = [];
    this.dial(client);
    const login = this.call(client, { type: 'login', key: client.key });
    if (!login.ok) return this.release(client, toReply(login));
    const streams = [
      ...new Set([...(client.account ? [`account:${client.account}`] : []), ...client.streams]),
    ];
    if (mode === 'resync') {
      const response = this.call(client, { type: 'resync', streams });
      if (response.ok) {
        const { seqs, snapshot } = response.result as {
          seqs: Record<string, number>;
          snapshot: ResyncSnapshot;
        };
        for (const [stream, seq] of Object.entries(seqs)) client.lastSeq.set(stream, seq);
        this.emitSession(client, { type: 'session_resynced', snapshot, seqs });
      }
      return this.release(client, toReply(response));
    }
    const from: Record<string, number> = {};
    for (const stream of streams) from[stream] = client.lastSeq.get(stream) ?? 0;
    const response = this.call(client, { type: 'resume', from });
    if (response.ok) this.emitSession(client, { type: 'session_resumed', from });
    return this.release(client, toReply(response));
  }

  /** Ends a catch-up: held events in seq order per stream, minus what the catch-up covered. */
  private release(client: SimClient, reply: Reply): Reply {
    const held = client.holding ?? [];
    client.holding = undefined;
    const byStream = new Map<string, EventMessage[]>();
    for (const m of held) byStream.set(m.stream, [...(byStream.get(m.stream) ?? []), m]);
    for (const list of byStream.values()) {
      list.sort((a, b) => a.seq - b.seq);
      for (const m of list) if (m.seq > (client.lastSeq.get(m.stream) ?? 0)) this.record(client, m);
    }
    return reply;
  }

  private dial(client: SimClient): void {
    client.session = this.host.connect((message) => this.deliver(client, message));
  }

  private deliver(client: SimClient, message: ServerMessage): void {
    if (message.type === 'response') client.responses.set(String(message.id), message);
    else if (message.type === 'event') {
      if (client.holding !== undefined) client.holding.push(message);
      else this.record(client, message);
    }
  }

  private call(client: SimClient, request: RequestBody): Response {
    const id = `${client.name}-${++client.nextId}`;
    client.session!.handle({ ...request, id } as ClientRequest);
    const response = client.responses.get(id);
    if (response === undefined) throw new Error(`no response to ${JSON.stringify(request)}`);
    client.responses.delete(id);
    return response;
  }

  private record(client: SimClient, message: EventMessage): void {
    const last = client.lastSeq.get(message.stream) ?? 0;
    if (message.seq > last) client.lastSeq.set(message.stream, message.seq);
    this.events.push({
      gseq: ++this.gseq,
      client: client.name,
      stream: message.stream,
      seq: message.seq,
      txn: message.txn,
      time: this.now,
      // Each client gets its own copy, as over a wire: a test may corrupt one client's record alone.
      event: structuredClone(message.event),
    });
  }

  private emitSession(client: SimClient, event: TradingClientEvent): void {
    this.events.push({
      gseq: ++this.gseq,
      client: client.name,
      stream: sessionStream(client.name),
      seq: ++client.sessionSeq,
      time: this.now,
      event,
    });
  }
}

function toReply(response: Response): Reply {
  const txn = response.txn === undefined ? {} : { txn: response.txn };
  return response.ok
    ? { status: 'ok', result: response.result, ...txn }
    : { status: 'fail', code: response.error.code, message: response.error.message, ...txn };
}

/** Events of the evidence matching a filter, for tests that corrupt or inspect them. */
export function findEvents(
  evidence: TradingEvidence,
  match: (rec: RecordedEvent<TradingClientEvent>) => boolean,
): RecordedEvent<TradingClientEvent>[] {
  return evidence.events.filter(match);
}
