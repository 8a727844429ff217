import type { Fault, FaultAction, ResponseFault } from '../../src/core/faults/fault.ts';
import { FaultLog } from '../../src/core/faults/fault-record.ts';
import type { Reply } from '../../src/core/model/client.ts';
import type { Operation, RecordedEvent } from '../../src/core/model/evidence.ts';
import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../../src/domains/trading/protocol/exchange-config.ts';
import type { Side } from '../../src/domains/trading/protocol/exchange-input.ts';
import type {
  ClientRequest,
  EventMessage,
  ServerMessage,
} from '../../src/domains/trading/protocol/protocol-messages.ts';
import type { ResyncSnapshot } from '../../src/domains/trading/protocol/resync-snapshot.ts';
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
  type TradingClient,
} from '../../src/domains/trading/trading-action.ts';
import {
  type SessionEvent,
  sessionStream,
  type TradingClientEvent,
} from '../../src/domains/trading/trading-client-event.ts';
import type { CrashRecord, TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { tradingProjection } from '../../src/domains/trading/trading-projection.ts';
import type { TradingView } from '../../src/domains/trading/trading-view.ts';
import { tradingRequest } from '../../src/domains/trading/transport/trading-request.ts';
import type { BugName } from '../../src/exchange/bugs/planted-bugs.ts';
import { ExchangeHost } from '../../src/exchange/gateway/exchange-host.ts';
import type { Session } from '../../src/exchange/gateway/session.ts';
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
  /** Chaos armed on the link to this client (see Scenario.fault). */
  dropping?: { step: number; left: number; only?: 'event' | 'response' };
  reordering?: { step: number; holdFor: number };
  held?: { message: EventMessage; passesLeft: number };
  forging?: { step: number; fault: ResponseFault };
}

/** The request a step sent and how many times it was sent again. */
interface Attempts {
  action: TradingAction;
  retries: number;
  clientOrderId?: string;
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
  private host: ExchangeHost;
  private journal: MemoryJournal | undefined;
  private now = 1_000;
  private gseq = 0;
  private readonly clients = new Map<string, SimClient>();
  private readonly events: RecordedEvent<TradingClientEvent>[] = [];
  private readonly actions: TradingAction[] = [];
  private readonly history: Operation<TradingAction, unknown>[] = [];
  private readonly orderIds = new Map<number, string>();
  private readonly faultLog = new FaultLog();
  private readonly crashes: CrashRecord[] = [];
  private readonly attempts = new Map<number, Attempts>();

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

  /** The admin resets the venue: every order and client order id forgotten. */
  reset(): Reply {
    return this.act({ kind: 'reset', client: 'admin', gapMs: 1 });
  }

  /** Loses the connection without coming back yet: events meanwhile are missed. Not a step. */
  drop(client: TradingClient, reason?: string): void {
    const c = this.clients.get(client)!;
    if (c.session === undefined) return;
    c.session.close();
    c.session = undefined;
    this.emitSession(
      c,
      reason === undefined ? { type: 'session_disconnected' } : { type: 'session_disconnected', reason },
    );
  }

  /** Lets virtual time pass without an action. */
  wait(ms: number): void {
    this.now += ms;
  }

  /** A session event the client makes itself (a retry, a reconnect attempt, a gap...). */
  session(client: TradingClient, event: SessionEvent): void {
    this.emitSession(this.clients.get(client)!, event);
  }

  /**
   * A fault step, as a campaign injects it. Applied here: frame drop and reorder on the way to
   * the client (`only` narrows a drop to events or to responses), a response fault on the
   * client's next request (reject_429, error_5xx, with or without the effect), a connection
   * close, and a process crash (see crash). Destroyed frames are labelled in the fault record.
   */
  fault(client: TradingClient, fault: Fault, only?: 'event' | 'response'): Reply {
    const action: FaultAction = { kind: 'fault', client, gapMs: 1, fault };
    const step = this.actions.length;
    const c = this.clients.get(client)!;
    if (fault.type === 'frame' && fault.direction === 'from_target') {
      if (fault.effect === 'drop')
        c.dropping = { step, left: Math.max(1, fault.count), ...(only ? { only } : {}) };
      if (fault.effect === 'reorder') c.reordering = { step, holdFor: Math.max(1, fault.holdFor ?? 1) };
    } else if (fault.type === 'response') {
      c.forging = { step, fault };
    }
    const reply = this.act(action);
    if (fault.type === 'connection' && fault.effect === 'close' && c.session !== undefined) {
      this.faultLog.hit(step, client, 'connection.close', this.now, { downMs: fault.downMs });
      this.drop(client as Trader, 'closed by the venue');
    }
    if (fault.type === 'process' && fault.effect === 'crash_restart') this.restart(step, fault.downMs, 0);
    return reply;
  }

  /**
   * The venue's process is killed and restarted from its journal (a process.crash_restart
   * fault step): every connection drops, the admin comes back by resume (by resync when the
   * venue cannot resume), each trader redials after a backoff and resyncs. `lose` drops the
   * last journaled inputs first, as a venue that acknowledged them before journaling would
   * (the planted bug ack_before_journal, whose own held-back inputs are lost here too).
   */
  crash(options: { lose?: number; downMs?: number } = {}): void {
    const downMs = options.downMs ?? 50;
    const step = this.actions.length;
    this.act({
      kind: 'fault',
      client: 'admin',
      gapMs: 1,
      fault: { type: 'process', effect: 'crash_restart', downMs },
    });
    this.restart(step, downMs, options.lose ?? 0);
  }

  /**
   * A lost connection the client redials by itself: session_disconnected, one
   * session_reconnect_attempt per backoff (all but the last dial refused), then it logs in
   * and catches up: by resync, as the reference client does, by resume (the admin's way), or
   * not at all (`none`: it only subscribes again, as the client bug reconnect_without_catch_up
   * does). Not a step.
   */
  redial(
    client: TradingClient,
    backoffsMs: readonly number[] = [10],
    options: { reason?: string; catchUp?: 'resync' | 'resume' | 'none' } = {},
  ): Reply {
    const c = this.clients.get(client)!;
    this.drop(client, options.reason ?? 'closed by the venue');
    backoffsMs.forEach((backoffMs, i) => {
      this.emitSession(c, { type: 'session_reconnect_attempt', attempt: i + 1, backoffMs });
      this.now += backoffMs;
    });
    if (options.catchUp !== 'none') {
      return this.catchUp(c, options.catchUp ?? 'resync', { connected: true, fallback: true });
    }
    c.holding = [];
    this.dial(c);
    this.call(c, { type: 'login', key: c.key });
    this.emitSession(c, { type: 'session_connected', account: c.account });
    return this.release(c, toReply(this.call(c, { type: 'subscribe', streams: this.streamsOf(c) })));
  }

  /** The client resyncs on its live connection (after a gap), as the reference client does. */
  resync(client: Trader): Reply {
    const c = this.clients.get(client)!;
    return this.resyncOn(c);
  }

  /**
   * The client sends the request of `step` again, as the reference client does after a 429, a
   * 5xx or no reply: session_retry, `afterMs` of waiting, then the request (a place under
   * `clientOrderId` when given, as a client that makes up a new one would). The step's reply
   * becomes the answer to this attempt.
   */
  retry(
    step: number,
    options: {
      reason: 'rate_limited' | 'unavailable' | 'no_reply';
      afterMs: number;
      retryAfterMs?: number;
      clientOrderId?: string;
    },
  ): Reply {
    const op = this.history[step];
    const attempts = this.attempts.get(step) ?? { action: op.action, retries: 0 };
    const previous = attempts.action;
    const c = this.clients.get(op.client)!;
    attempts.retries++;
    this.attempts.set(step, attempts);
    this.emitSession(c, {
      type: 'session_retry',
      step,
      attempt: attempts.retries + 1,
      reason: options.reason,
      afterMs: options.afterMs,
      ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
      ...(previous.kind === 'place' ? { clientOrderId: previous.clientOrderId } : {}),
    });
    this.now += options.afterMs;
    const again =
      previous.kind === 'place' && options.clientOrderId !== undefined
        ? { ...previous, clientOrderId: options.clientOrderId }
        : previous;
    attempts.action = again;
    if (again.kind === 'reconnect' || again.kind === 'fault')
      throw new Error(`step ${step} is not a request`);
    const reply = this.send(c, again, step);
    op.reply = reply;
    op.completedAt = this.now;
    return reply;
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
    if (this.faultLog.size > 0) extra.faults = this.faultLog.list();
    if (this.crashes.length > 0) extra.crashes = this.crashes;
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
      action.kind === 'fault'
        ? { status: 'ok' as const, result: { fault: `${action.fault.type}.${action.fault.effect}` } }
        : action.kind === 'reconnect'
          ? this.catchUp(client, action.mode)
          : this.send(client, action, step);
    op.completedAt = this.now;
    op.reply = reply;
    return reply;
  }

  private send(
    client: SimClient,
    action: Exclude<TradingAction, ReconnectAction | FaultAction>,
    step: number,
  ): Reply {
    if (client.session === undefined) return { status: 'info', reason: 'not connected' };
    // The same request the reference client sends, minus the id the builder's calls assign.
    const { id: _id, ...request } = tradingRequest(action, step, this.orderIds);
    const reply = this.answer(client, request as RequestBody, step);
    if (action.kind === 'place' && reply.status === 'ok') {
      const orderId = (reply.result as { order?: { orderId?: string } }).order?.orderId;
      if (orderId !== undefined) this.orderIds.set(step, orderId);
    }
    return reply;
  }

  /**
   * A request's answer as the client gets it: forged by an armed response fault, or `info`
   * when the chaos dropped the venue's answer.
   */
  private answer(client: SimClient, request: RequestBody, step: number): Reply {
    const forging = client.forging;
    client.forging = undefined;
    if (forging === undefined) {
      const response = this.tryCall(client, request);
      return response === undefined
        ? { status: 'info', reason: 'no reply within 1000 ms' }
        : toReply(response);
    }
    const { fault } = forging;
    this.faultLog.hit(forging.step, client.name, `response.${fault.effect}`, this.now, {
      request: `s${step}`,
    });
    if (fault.effect === 'error_5xx' && fault.afterEffect) this.tryCall(client, request);
    if (fault.effect === 'reject_429') {
      const retryAfterMs = fault.retryAfterMs ?? 100;
      return { status: 'fail', code: 'rate_limited', message: 'injected 429', retryAfterMs };
    }
    return { status: 'fail', code: 'unavailable', message: 'injected 503' };
  }

  /** Reconnect: drop (unless dropped already), dial, log in, then resync or resume while holding live events. */
  private catchUp(
    client: SimClient,
    mode: 'resync' | 'resume',
    options: { connected?: boolean; fallback?: boolean } = {},
  ): Reply {
    if (client.session !== undefined) this.drop(client.name as Trader);
    client.holding = [];
    this.dial(client);
    const login = this.call(client, { type: 'login', key: client.key });
    if (!login.ok) return this.release(client, toReply(login));
    if (options.connected) this.emitSession(client, { type: 'session_connected', account: client.account });
    if (mode === 'resync') return this.resyncOn(client);
    const from: Record<string, number> = {};
    for (const stream of this.streamsOf(client)) from[stream] = client.lastSeq.get(stream) ?? 0;
    const response = this.call(client, { type: 'resume', from });
    if (response.ok) this.emitSession(client, { type: 'session_resumed', from });
    // A venue that restarted without what was missed cannot resume: resync instead.
    else if (options.fallback) return this.resyncOn(client);
    return this.release(client, toReply(response));
  }

  private resyncOn(client: SimClient): Reply {
    client.holding ??= [];
    const response = this.call(client, { type: 'resync', streams: this.streamsOf(client) });
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

  private streamsOf(client: SimClient): string[] {
    return [...new Set([...(client.account ? [`account:${client.account}`] : []), ...client.streams])];
  }

  /**
   * Kills the venue and starts it again from its journal, minus the last `lose` entries; the
   * admin catches up by resume (falling back to resync), the traders by redial and resync.
   */
  private restart(step: number, downMs: number, lose: number): void {
    if (this.journal === undefined)
      throw new Error('a crash needs a journal: new Scenario({ journal: true })');
    const at = this.now;
    const txnBefore = this.host.engine.snapshot().txn;
    for (const c of this.clients.values()) this.drop(c.name as TradingClient, 'closed by the venue');
    const entries = this.journal.entries();
    const kept = entries.slice(0, Math.max(0, entries.length - lose));
    this.journal = new MemoryJournal();
    for (const entry of kept) this.journal.append(entry.time, entry.input);
    this.now += downMs;
    this.host = new ExchangeHost({
      config: this.config,
      bugs: this.bugs,
      clock: () => this.now,
      journal: this.journal,
      recover: kept,
    });
    this.crashes.push({ step, at, restartedAt: this.now, txnBefore });
    this.faultLog.hit(step, 'admin', 'process.crash_restart', at, { downMs });
    for (const c of this.clients.values()) {
      if (c.name === 'admin') {
        this.catchUp(c, 'resume', { connected: true, fallback: true });
        continue;
      }
      this.emitSession(c, { type: 'session_reconnect_attempt', attempt: 1, backoffMs: 10 });
      this.now += 10;
      this.catchUp(c, 'resync', { connected: true });
    }
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
    if (message.type !== 'response' && message.type !== 'event') return;
    const dropping = client.dropping;
    if (dropping !== undefined && (dropping.only === undefined || dropping.only === message.type)) {
      if (--dropping.left <= 0) client.dropping = undefined;
      const label = message.type === 'event' ? `${message.stream}#${message.seq}` : `response#${message.id}`;
      this.faultLog.hit(
        dropping.step,
        client.name,
        'frame.drop',
        this.now,
        { direction: 'from_target' },
        label,
      );
      return;
    }
    if (message.type === 'response') {
      client.responses.set(String(message.id), message);
      return;
    }
    if (client.reordering !== undefined && client.held === undefined) {
      // Held back until `holdFor` later events went past it, then delivered late.
      this.faultLog.hit(client.reordering.step, client.name, 'frame.reorder', this.now, {
        direction: 'from_target',
      });
      client.held = { message, passesLeft: client.reordering.holdFor };
      client.reordering = undefined;
      return;
    }
    this.accept(client, message);
    const held = client.held;
    if (held !== undefined && --held.passesLeft <= 0) {
      client.held = undefined;
      // Like the reference client, a frame older than what it already has is dropped as stale.
      if (held.message.seq > (client.lastSeq.get(held.message.stream) ?? 0))
        this.accept(client, held.message);
    }
  }

  private accept(client: SimClient, message: EventMessage): void {
    if (client.holding !== undefined) client.holding.push(message);
    else this.record(client, message);
  }

  private call(client: SimClient, request: RequestBody): Response {
    const response = this.tryCall(client, request);
    if (response === undefined) throw new Error(`no response to ${JSON.stringify(request)}`);
    return response;
  }

  private tryCall(client: SimClient, request: RequestBody): Response | undefined {
    if (client.session === undefined) return undefined;
    const id = `${client.name}-${++client.nextId}`;
    client.session.handle({ ...request, id } as ClientRequest);
    const response = client.responses.get(id);
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
