import {
  concatMap,
  defer,
  map,
  Observable,
  of,
  type SchedulerLike,
  Subject,
  type Subscription,
  take,
  tap,
} from 'rxjs';
import type { Client, ClientEvent, Reply } from '../../../core/model/client.ts';
import type { ClientRequest, ServerMessage } from '../../../exchange/gateway/protocol-messages.ts';
import type { ResyncSnapshot } from '../../../exchange/gateway/session.ts';
import type { TradingAction } from '../trading-action.ts';
import { sessionStream, type TradingClientEvent } from '../trading-client-event.ts';
import type { VenueConnection, VenueDialer } from './venue-connection.ts';

export interface TradingClientOptions {
  name: string;
  key: string;
  /** Streams to subscribe besides the own private stream (admins: every stream). */
  streams: readonly string[];
  requestTimeoutMs: number;
  /** Order ids learned from replies, shared by every client of a run: actions may name foreign orders. */
  orderIds: Map<number, string>;
}

type Pending = { settle: (reply: Reply) => void; cancelTimeout: () => void };

/**
 * The reference trading client, written once against a VenueConnection so that it runs
 * unchanged in-process and over WebSocket. It behaves as a careful real client: one request
 * id per request, a timeout per request that records the outcome as indeterminate, and after
 * a reconnect it catches up (resync: snapshot plus seqs; resume: replay from the last seq
 * seen) holding back live events until the catch-up answer, so its stream stays in order.
 */
export class TradingClient implements Client<TradingAction, TradingClientEvent, unknown> {
  readonly name: string;
  private readonly eventsSubject = new Subject<ClientEvent<TradingClientEvent>>();
  readonly events$: Observable<ClientEvent<TradingClientEvent>> = this.eventsSubject.asObservable();
  private connection: VenueConnection | undefined;
  private subscription: Subscription | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly lastSeq = new Map<string, number>();
  private sessionSeq = 0;
  private internalId = 0;
  /** While catching up after a reconnect, live events wait here. */
  private holding: ClientEvent<TradingClientEvent>[] | undefined;
  private account: string | null = null;
  private reconnecting = false;
  private readonly waitingReconnects: (() => void)[] = [];

  constructor(
    private readonly dialer: VenueDialer,
    private readonly scheduler: SchedulerLike,
    private readonly options: TradingClientOptions,
  ) {
    this.name = options.name;
  }

  /**
   * Dials, logs in and subscribes; emits once when the client can trade. Everything is an
   * Observable on the client's scheduler (no promises), so on a virtual scheduler the whole
   * handshake happens in virtual time, in order with everything else.
   */
  connect(): Observable<void> {
    return this.dial().pipe(
      concatMap(() => this.request({ id: this.nextId(), type: 'login', key: this.options.key })),
      concatMap((login) => {
        if (login.status !== 'ok') throw new Error(`${this.name}: login failed (${replyText(login)})`);
        this.account = (login.result as { account?: string }).account ?? null;
        const streams = this.options.streams;
        if (streams.length === 0) return of(undefined);
        return this.request({ id: this.nextId(), type: 'subscribe', streams: [...streams] }).pipe(
          map((sub) => {
            if (sub.status !== 'ok') throw new Error(`${this.name}: subscribe failed (${replyText(sub)})`);
          }),
        );
      }),
      tap(() => this.emitSession({ type: 'session_connected', account: this.account })),
    );
  }

  send(action: TradingAction, step: number): Observable<Reply> {
    if (action.kind === 'reconnect') return this.reconnect(action.mode);
    const request = this.toRequest(action, step);
    if (action.kind !== 'place') return this.request(request);
    // A place's order id is remembered so later actions may name the order by it.
    return this.request(request, (reply) => {
      if (reply.status !== 'ok') return;
      const orderId = (reply.result as { order?: { orderId?: string } }).order?.orderId;
      if (orderId !== undefined) this.options.orderIds.set(step, orderId);
    });
  }

  /** An admin request that is not a trading action (snapshot, reset, subscribe). */
  call(request: Omit<ClientRequest, 'id'>): Observable<Reply> {
    return this.request({ ...request, id: this.nextId() } as ClientRequest);
  }

  close(): void {
    this.subscription?.unsubscribe();
    this.connection?.close();
    this.connection = undefined;
    this.failPending('connection closed');
    this.eventsSubject.complete();
  }

  private toRequest(action: TradingAction, step: number): ClientRequest {
    const id = `s${step}`;
    switch (action.kind) {
      case 'place':
        return {
          id,
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
      case 'cancel':
        return { id, type: 'cancel', ...this.orderRef(action.target) };
      case 'replace':
        return {
          id,
          type: 'replace',
          ...this.orderRef(action.target),
          ...(action.price === undefined ? {} : { price: action.price }),
          ...(action.qty === undefined ? {} : { qty: action.qty }),
        };
      case 'cancel_all':
        return { id, type: 'cancel_all', ...(action.symbol === undefined ? {} : { symbol: action.symbol }) };
      case 'set_mark':
        return { id, type: 'set_mark', symbol: action.symbol, price: action.price };
      case 'reconnect':
        throw new Error('reconnect is not a request');
    }
  }

  private orderRef(target: { step: number; clientOrderId: string; byOrderId: boolean }): {
    orderId?: string;
    clientOrderId?: string;
  } {
    const orderId = target.byOrderId ? this.options.orderIds.get(target.step) : undefined;
    return orderId === undefined ? { clientOrderId: target.clientOrderId } : { orderId };
  }

  /** Sends one request; emits exactly one Reply: the answer, or `info` on timeout or disconnect. */
  private request(request: ClientRequest, onReply?: (reply: Reply) => void): Observable<Reply> {
    return new Observable<Reply>((subscriber) => {
      const id = String(request.id);
      const connection = this.connection;
      if (connection === undefined) {
        subscriber.next({ status: 'info', reason: 'not connected' });
        subscriber.complete();
        return;
      }
      const timer = this.scheduler.schedule(() => {
        this.pending.delete(id);
        subscriber.next({ status: 'info', reason: `no reply within ${this.options.requestTimeoutMs} ms` });
        subscriber.complete();
      }, this.options.requestTimeoutMs);
      this.pending.set(id, {
        settle: (reply) => {
          timer.unsubscribe();
          onReply?.(reply);
          subscriber.next(reply);
          subscriber.complete();
        },
        cancelTimeout: () => timer.unsubscribe(),
      });
      connection.send(request);
    });
  }

  private dial(): Observable<void> {
    return this.dialer().pipe(
      take(1),
      map((connection) => {
        this.connection = connection;
        this.subscription = connection.messages$.subscribe({
          next: (message) => this.onMessage(message),
          complete: () => {
            if (this.connection === connection) {
              this.connection = undefined;
              this.failPending('connection closed before the reply');
            }
          },
        });
      }),
    );
  }

  /**
   * Reconnects one at a time: a reconnect asked for while another is under way waits for it,
   * as a real client's connection manager would, instead of tearing down a half-built session.
   */
  private reconnect(mode: 'resync' | 'resume'): Observable<Reply> {
    return new Observable<Reply>((subscriber) => {
      let sub: Subscription | undefined;
      const start = (): void => {
        this.reconnecting = true;
        sub = this.reconnectNow(mode).subscribe({
          next: (reply) => subscriber.next(reply),
          error: (error: unknown) => {
            subscriber.next({ status: 'info', reason: `reconnect failed: ${String(error)}` });
            this.reconnectDone();
            subscriber.complete();
          },
          complete: () => {
            this.reconnectDone();
            subscriber.complete();
          },
        });
      };
      if (this.reconnecting) this.waitingReconnects.push(start);
      else start();
      return () => sub?.unsubscribe();
    });
  }

  private reconnectDone(): void {
    this.reconnecting = false;
    this.waitingReconnects.shift()?.();
  }

  /** Drops the connection, dials again, logs in and catches up; emits the catch-up reply. */
  private reconnectNow(mode: 'resync' | 'resume'): Observable<Reply> {
    return defer(() => {
      this.subscription?.unsubscribe();
      this.connection?.close();
      this.connection = undefined;
      this.failPending('connection dropped by a reconnect');
      this.emitSession({ type: 'session_disconnected' });
      this.holding = [];
      return this.dial();
    }).pipe(
      concatMap(() => this.request({ id: this.nextId(), type: 'login', key: this.options.key })),
      concatMap((login) => {
        if (login.status !== 'ok') return of(login);
        const streams = this.allStreams();
        if (mode === 'resync') {
          return this.request({ id: this.nextId(), type: 'resync', streams }).pipe(
            tap((reply) => {
              if (reply.status !== 'ok') return;
              const { seqs, snapshot } = reply.result as {
                seqs: Record<string, number>;
                snapshot: ResyncSnapshot;
              };
              for (const [stream, seq] of Object.entries(seqs)) this.lastSeq.set(stream, seq);
              this.emitSession({ type: 'session_resynced', snapshot, seqs });
            }),
          );
        }
        const from: Record<string, number> = {};
        for (const stream of streams) from[stream] = this.lastSeq.get(stream) ?? 0;
        return this.request({ id: this.nextId(), type: 'resume', from }).pipe(
          tap((reply) => {
            if (reply.status === 'ok') this.emitSession({ type: 'session_resumed', from });
          }),
        );
      }),
      map((reply) => this.release(reply)),
    );
  }

  /**
   * Ends a catch-up: held live events go out in seq order per stream, minus what the catch-up
   * already covered (a resync snapshot, or events replayed by a resume).
   */
  private release(reply: Reply): Reply {
    const held = this.holding ?? [];
    this.holding = undefined;
    const byStream = new Map<string, ClientEvent<TradingClientEvent>[]>();
    for (const event of held) {
      const list = byStream.get(event.stream);
      if (list) list.push(event);
      else byStream.set(event.stream, [event]);
    }
    for (const list of byStream.values()) {
      list.sort((a, b) => a.seq - b.seq);
      for (const event of list) {
        if (event.seq > (this.lastSeq.get(event.stream) ?? 0)) this.deliver(event);
      }
    }
    return reply;
  }

  private allStreams(): string[] {
    const own = this.account === null ? [] : [`account:${this.account}`];
    return [...new Set([...own, ...this.options.streams])];
  }

  private onMessage(message: ServerMessage): void {
    if (message.type === 'response') {
      const id = String(message.id);
      const pending = this.pending.get(id);
      if (pending === undefined) return;
      this.pending.delete(id);
      const txn = message.txn === undefined ? {} : { txn: message.txn };
      pending.settle(
        message.ok
          ? { status: 'ok', result: message.result, ...txn }
          : {
              status: 'fail',
              code: message.error.code,
              message: message.error.message,
              ...txn,
              ...(message.error.retryAfterMs === undefined
                ? {}
                : { retryAfterMs: message.error.retryAfterMs }),
            },
      );
      return;
    }
    if (message.type === 'event') {
      const event: ClientEvent<TradingClientEvent> = {
        stream: message.stream,
        seq: message.seq,
        txn: message.txn,
        time: this.scheduler.now(),
        event: message.event,
      };
      if (this.holding !== undefined) this.holding.push(event);
      else this.deliver(event);
    }
  }

  private deliver(event: ClientEvent<TradingClientEvent>): void {
    const last = this.lastSeq.get(event.stream) ?? 0;
    if (event.seq > last) this.lastSeq.set(event.stream, event.seq);
    this.eventsSubject.next(event);
  }

  private emitSession(event: TradingClientEvent): void {
    this.eventsSubject.next({
      stream: sessionStream(this.name),
      seq: ++this.sessionSeq,
      time: this.scheduler.now(),
      event,
    });
  }

  private failPending(reason: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      p.cancelTimeout();
      p.settle({ status: 'info', reason });
    }
  }

  private nextId(): string {
    return `c${++this.internalId}`;
  }
}

function replyText(reply: Reply): string {
  if (reply.status === 'fail') return `${reply.code}: ${reply.message}`;
  if (reply.status === 'info') return reply.reason;
  return 'ok';
}
