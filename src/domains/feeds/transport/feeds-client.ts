import { Observable, of, type SchedulerLike, Subject, type Subscription } from 'rxjs';
import type { Client, ClientEvent, Reply } from '../../../core/model/client.ts';
import type { FeedsAction, SubscribeAction } from '../feeds-action.ts';
import { type FeedsClientEvent, sessionStream, subscriptionStream } from '../feeds-client-event.ts';
import type { Head, Log } from '../protocol/chain-types.ts';
import type { JsonRpcRequest } from '../protocol/json-rpc.ts';
import type { FeedsConnection, FeedsConnectionDialer } from './feeds-connection.ts';
import { callRequest, controlRequest, subscribeRequest } from './feeds-request.ts';

export interface FeedsClientOptions {
  name: string;
  /** How long a request may stay unanswered before its reply is `info`. */
  requestTimeoutMs: number;
  /**
   * With nothing heard for this long the client pings (eth_blockNumber); a ping unanswered with
   * the link silent means a dead (half-open) link, which it drops and redials. 0: never.
   */
  heartbeatMs: number;
  /** Wait before redialing a lost connection (doubled per failed dial, up to 8 times it). */
  reconnectDelayMs: number;
  /** What sync() waits before it confirms: the operator gives the system time to fail over. */
  syncWaitMs?: number;
}

type Pending = { method: string; settle: (reply: Reply) => void; timer: Subscription };

/** A subscription the client holds: made by the subscribe at `step`, known now by `id`. */
interface Held {
  action: SubscribeAction;
  step: number;
  id: string | undefined;
}

const UNKNOWN_SUBSCRIPTION = `0x${'0'.repeat(32)}`;

/**
 * The reference feeds client: JSON-RPC 2.0 over one connection, written once against a
 * FeedsConnection so it runs unchanged in-process and over WebSocket. Request ids count from 1
 * per client (clients share ids on purpose: a proxy that keys calls by id alone mixes them up).
 * A request unanswered in time is an `info` reply; every push is recorded on its subscription's
 * stream. A connection that dies or goes silent is redialed, and every subscription the client
 * holds is made again (a new id, a new stream), which it records. Everything runs on the
 * client's scheduler, so on virtual time it is exact.
 */
export class FeedsClient implements Client<FeedsAction, FeedsClientEvent, unknown> {
  readonly name: string;
  private readonly eventsSubject = new Subject<ClientEvent<FeedsClientEvent>>();
  readonly events$ = this.eventsSubject.asObservable();
  private connection: FeedsConnection | undefined;
  private connectionSub: Subscription | undefined;
  private connections = 0;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  /** Ids sent on this connection whose answer is in (a second one is stray) or was given up (a late one is not). */
  private readonly done = new Map<number, { method: string; answered: boolean; held?: Held }>();
  /** Held subscriptions by their subscribe's tag. */
  private readonly held = new Map<string, Held>();
  private readonly byId = new Map<string, Held>();
  private readonly seqs = new Map<string, number>();
  private readonly timers = new Set<Subscription>();
  private lastHeardAt = Number.NEGATIVE_INFINITY;
  private reconnecting = false;
  private resubscribing = 0;
  private failedDials = 0;
  private closed = false;
  /** The end-of-run barrier was reached: no idle heartbeats, so the proxy's counts stay still. */
  private finishing = false;

  constructor(
    private readonly dialer: FeedsConnectionDialer,
    private readonly scheduler: SchedulerLike,
    private readonly options: FeedsClientOptions,
  ) {
    this.name = options.name;
  }

  /** Dials once; emits when connected (errors if the first dial fails). */
  connect(): Observable<void> {
    return new Observable<void>((subscriber) => {
      const sub = this.dialer(this.name).subscribe({
        next: (connection) => {
          this.attach(connection);
          this.startHeartbeat();
          subscriber.next();
          subscriber.complete();
        },
        error: (error: unknown) => subscriber.error(error),
      });
      return () => sub.unsubscribe();
    });
  }

  send(action: FeedsAction, step: number): Observable<Reply> {
    switch (action.kind) {
      case 'configure':
        return of({ status: 'ok', result: { configured: true } });
      case 'fault':
        return of({ status: 'fail', code: 'SHK_FAULT_UNSUPPORTED', message: 'faults go to the target' });
      case 'subscribe':
        return this.subscribe(action, step);
      case 'unsubscribe': {
        const held = this.held.get(action.tag);
        const id = held?.id ?? UNKNOWN_SUBSCRIPTION;
        return this.request((rid) => ({ jsonrpc: '2.0', id: rid, method: 'eth_unsubscribe', params: [id] }), {
          onAnswer: () => {
            if (held === undefined) return;
            this.held.delete(action.tag);
            if (held.id !== undefined) this.byId.delete(held.id);
          },
        });
      }
      case 'eth_blockNumber':
      case 'eth_getBlockByNumber':
      case 'eth_getLogs':
        return this.request((id) => callRequest(action, id));
      case 'upstream':
        return this.request((id) => controlRequest(action.control, id));
    }
  }

  /** A request the client makes for itself (the final snapshot, a metrics read): same rules. */
  call(method: string, params: unknown[] = []): Observable<Reply> {
    return this.request((id) => ({ jsonrpc: '2.0', id, method, params }), { internal: true });
  }

  /**
   * Connected, caught up, and not left wondering: a client that holds subscriptions and has
   * heard nothing for a heartbeat is not settled (its link may be dead) until its ping says.
   */
  settled(): boolean {
    if (this.closed) return true;
    if (this.connection === undefined || this.reconnecting || this.resubscribing > 0) return false;
    const every = this.options.heartbeatMs;
    return !(every > 0 && this.held.size > 0 && this.scheduler.now() - this.lastHeardAt >= every);
  }

  sync(): Observable<void> {
    this.finishing = true;
    const wait = this.options.syncWaitMs ?? 0;
    return new Observable<void>((subscriber) => {
      const timer = this.scheduler.schedule(() => {
        subscriber.next();
        subscriber.complete();
      }, wait);
      return () => timer.unsubscribe();
    });
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) timer.unsubscribe();
    this.timers.clear();
    for (const pending of this.pending.values()) pending.timer.unsubscribe();
    this.pending.clear();
    this.connectionSub?.unsubscribe();
    this.connection?.close();
    this.connection = undefined;
    this.eventsSubject.complete();
  }

  private subscribe(action: SubscribeAction, step: number): Observable<Reply> {
    const held: Held = { action, step, id: undefined };
    return this.request((id) => subscribeRequest(action, id), {
      held,
      onAnswer: (reply) => {
        if (reply.status !== 'ok' || typeof reply.result !== 'string') return;
        held.id = reply.result;
        this.held.set(action.tag, held);
        this.byId.set(reply.result, held);
      },
    });
  }

  private request(
    build: (id: number) => JsonRpcRequest,
    hooks: { onAnswer?: (reply: Reply) => void; held?: Held; internal?: boolean } = {},
  ): Observable<Reply> {
    return new Observable<Reply>((subscriber) => {
      const connection = this.connection;
      if (connection === undefined || this.closed) {
        subscriber.next({ status: 'info', reason: 'not connected (reconnecting)' });
        subscriber.complete();
        return;
      }
      const id = ++this.nextId;
      const request = build(id);
      const sentAt = this.scheduler.now();
      const settle = (reply: Reply): void => {
        const pending = this.pending.get(id);
        if (pending === undefined) return;
        pending.timer.unsubscribe();
        this.pending.delete(id);
        this.done.set(id, {
          method: request.method,
          answered: reply.status !== 'info',
          ...(hooks.held ? { held: hooks.held } : {}),
        });
        hooks.onAnswer?.(reply);
        if (hooks.internal)
          this.record(sessionStream(this.name), {
            type: 'internal_call',
            method: request.method,
            outcome: reply.status,
            latencyMs: this.scheduler.now() - sentAt,
          });
        subscriber.next(reply);
        subscriber.complete();
      };
      const timer = this.scheduler.schedule(() => {
        // Nothing heard at all since it went out: the link is dead, not the proxy slow.
        const silent = this.lastHeardAt < sentAt;
        settle({ status: 'info', reason: `no answer within ${this.options.requestTimeoutMs} ms` });
        if (silent && this.connection === connection) this.drop(connection, 'silent');
      }, this.options.requestTimeoutMs);
      this.pending.set(id, { method: request.method, settle, timer });
      connection.send(JSON.stringify(request));
    });
  }

  private attach(connection: FeedsConnection): void {
    this.connection = connection;
    this.connections++;
    this.done.clear();
    this.failedDials = 0;
    this.lastHeardAt = this.scheduler.now();
    this.record(sessionStream(this.name), { type: 'connected', connection: this.connections });
    this.connectionSub = connection.frames$.subscribe({
      next: (frame) => this.receive(frame),
      complete: () => {
        if (this.connection === connection) this.drop(connection, 'lost');
      },
    });
  }

  private receive(frame: string): void {
    this.lastHeardAt = this.scheduler.now();
    let message: Record<string, unknown>;
    try {
      const parsed = JSON.parse(frame) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      message = parsed as Record<string, unknown>;
    } catch (error) {
      this.record(sessionStream(this.name), {
        type: 'bad_frame',
        reason: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    if (message.method === 'eth_subscription') {
      const params = message.params as { subscription?: unknown; result?: unknown } | undefined;
      const id = String(params?.subscription);
      const held = this.byId.get(id);
      if (held === undefined) {
        this.record(sessionStream(this.name), {
          type: 'foreign_notification',
          subscription: id,
          result: params?.result,
        });
        return;
      }
      const stream = subscriptionStream(id);
      if (held.action.channel === 'newHeads')
        this.record(stream, {
          type: 'head',
          subscription: id,
          step: held.step,
          head: params?.result as Head,
        });
      else
        this.record(stream, { type: 'log', subscription: id, step: held.step, log: params?.result as Log });
      return;
    }
    if ('id' in message && ('result' in message || 'error' in message)) {
      const id = typeof message.id === 'number' ? message.id : Number.NaN;
      const pending = this.pending.get(id);
      if (pending === undefined) {
        const done = this.done.get(id);
        // An answer after the client gave up is late, not stray; a second answer is stray.
        if (done === undefined || done.answered)
          this.record(sessionStream(this.name), {
            type: 'stray_response',
            id: message.id,
            response: message,
          });
        else {
          done.answered = true;
          this.lateSubscription(id, message);
        }
        return;
      }
      const error = message.error as { code?: unknown; message?: unknown } | undefined;
      pending.settle(
        error !== undefined
          ? { status: 'fail', code: String(error.code), message: String(error.message) }
          : { status: 'ok', result: message.result },
      );
      return;
    }
    this.record(sessionStream(this.name), {
      type: 'bad_frame',
      reason: 'neither a response nor a notification',
    });
  }

  /** A subscribe answered after the client gave up on it: the subscription exists all the same. */
  private lateSubscription(id: number, message: Record<string, unknown>): void {
    const held = this.done.get(id)?.held;
    if (held === undefined || this.closed || held.id !== undefined || typeof message.result !== 'string')
      return;
    held.id = message.result;
    if (!this.held.has(held.action.tag)) this.held.set(held.action.tag, held);
    this.byId.set(message.result, held);
  }

  private drop(connection: FeedsConnection, reason: 'lost' | 'silent'): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.connectionSub?.unsubscribe();
    connection.close();
    this.record(sessionStream(this.name), { type: 'disconnected', connection: this.connections, reason });
    for (const pending of [...this.pending.values()])
      pending.settle({ status: 'info', reason: 'connection lost' });
    this.byId.clear();
    if (!this.closed) this.redial();
  }

  private redial(): void {
    this.reconnecting = true;
    const delay = this.options.reconnectDelayMs * 2 ** Math.min(3, this.failedDials);
    this.later(delay, () => {
      if (this.closed) return;
      const sub = this.dialer(this.name).subscribe({
        next: (connection) => {
          this.reconnecting = false;
          this.attach(connection);
          this.resubscribeAll();
        },
        error: () => {
          this.failedDials++;
          this.redial();
        },
      });
      this.timers.add(sub);
    });
  }

  /** Makes every held subscription again on the new connection, in the order they were made. */
  private resubscribeAll(): void {
    for (const held of [...this.held.values()].sort((a, b) => a.step - b.step)) {
      const previous = held.id;
      held.id = undefined;
      this.resubscribing++;
      const sub = this.request((id) => subscribeRequest(held.action, id), { held, internal: true }).subscribe(
        (reply) => {
          this.resubscribing--;
          if (
            reply.status === 'ok' &&
            typeof reply.result === 'string' &&
            this.held.get(held.action.tag) === held
          ) {
            held.id = reply.result;
            this.byId.set(reply.result, held);
          }
          this.record(sessionStream(this.name), {
            type: 'resubscribed',
            step: held.step,
            ...(previous === undefined ? {} : { previous }),
            ...(held.id === undefined ? {} : { subscription: held.id }),
          });
        },
      );
      this.timers.add(sub);
    }
  }

  private startHeartbeat(): void {
    const every = this.options.heartbeatMs;
    if (every <= 0) return;
    const beat = (): void => {
      if (this.closed) return;
      const connection = this.connection;
      // Past the end-of-run barrier only a feed gone silent is worth a ping (its link may be dead).
      if (
        connection !== undefined &&
        this.scheduler.now() - this.lastHeardAt >= every &&
        this.pending.size === 0 &&
        (!this.finishing || this.held.size > 0)
      )
        this.timers.add(this.call('eth_blockNumber').subscribe());
      this.later(every, beat);
    };
    this.later(every, beat);
  }

  private later(ms: number, work: () => void): void {
    const timer = this.scheduler.schedule(() => {
      this.timers.delete(timer);
      work();
    }, ms);
    this.timers.add(timer);
  }

  private record(stream: string, event: FeedsClientEvent): void {
    if (this.closed) return;
    const seq = (this.seqs.get(stream) ?? 0) + 1;
    this.seqs.set(stream, seq);
    this.eventsSubject.next({ stream, seq, time: this.scheduler.now(), event });
  }
}
