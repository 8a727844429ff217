import {
  concatMap,
  defer,
  map,
  Observable,
  of,
  type SchedulerLike,
  type Subscription,
  take,
  tap,
} from 'rxjs';
import seedrandom from 'seedrandom';
import type { Client, ClientEvent, Reply } from '../../../core/model/client.ts';
import type { ClientRequest, ServerMessage } from '../protocol/protocol-messages.ts';
import type { ResyncSnapshot } from '../protocol/resync-snapshot.ts';
import type { TradingAction } from '../trading-action.ts';
import { type SessionEvent, sessionStream, type TradingClientEvent } from '../trading-client-event.ts';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import type { ClientBug } from './client-bugs.ts';
import { Fanout } from './fanout.ts';
import { tradingRequest } from './trading-request.ts';
import type { VenueConnection, VenueDialer } from './venue-connection.ts';
import { BAD_FRAME_FROM_TARGET } from './ws-dialer.ts';

/** The floor of the first login's and subscribe's timeout (see handshakeTimeoutMs). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

export type CatchUp = 'resync' | 'resume';

/** A connection that stayed up this long ends an outage: the next cut backs off from the start. */
const STABLE_AFTER_MS = 1_000;

export interface TradingClientOptions {
  name: string;
  key: string;
  /** Streams to subscribe besides the own private stream (admins: every stream). */
  streams: readonly string[];
  requestTimeoutMs: number;
  /** Order ids learned from replies, shared by every client of a run: actions may name foreign orders. */
  orderIds: Map<number, string>;
  /** How the client catches up after a connection it did not close came back. */
  catchUp?: CatchUp;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  /** Dials per outage before the client gives up. */
  maxReconnects?: number;
  backoff?: BackoffPolicy;
  /** With nothing heard for this long the client pings; requestTimeoutMs when absent, 0 for none. */
  heartbeatMs?: number;
  bugs?: readonly ClientBug[];
  /** The target built this run's venue from the run's `configure` action (venue-config). */
  venueConfigured?: boolean;
}

type Pending = { settle: (reply: Reply) => void; cancelTimeout: () => void };

/**
 * A request on the wire: `then` gets its one reply (the answer, or `info` at its timeout or
 * when the connection goes); one object per request rather than a closure per way it can end.
 */
class PendingRequest implements Pending {
  answered = false;
  timer: Subscription | undefined;

  constructor(private readonly then: (reply: Reply) => void) {}

  answer(reply: Reply): void {
    if (this.answered) return;
    this.answered = true;
    this.then(reply);
  }

  settle(reply: Reply): void {
    this.timer?.unsubscribe();
    this.answer(reply);
  }

  cancelTimeout(): void {
    this.timer?.unsubscribe();
  }
}

/**
 * The reference trading client, written once against a VenueConnection so that it runs
 * unchanged in-process and over WebSocket. It behaves as a careful real client should, and the
 * invariants check that it does:
 * - one request id per attempt and a timeout per attempt; an unanswered attempt is retried
 *   (a place under the same clientOrderId, so the venue can refuse a second execution);
 * - after a 429 it waits at least the retry-after, after a 5xx it backs off;
 * - a connection it did not close is redialed with exponential backoff and jitter, then the
 *   client catches up (resync: snapshot plus seqs; resume: replay from the last seq seen),
 *   holding back live events until the catch-up answer so its stream stays in order;
 * - a timeout with no traffic at all since the request went out means a dead (half-open) link;
 * - a seq gap on a stream means a lost frame: it resyncs; a seq it already has is dropped.
 * Everything is an Observable on the client's scheduler, so on virtual time it is exact.
 */
export class TradingClient implements Client<TradingAction, TradingClientEvent, unknown> {
  readonly name: string;
  private readonly eventsOut = new Fanout<ClientEvent<TradingClientEvent>>();
  readonly events$: Observable<ClientEvent<TradingClientEvent>> = this.eventsOut.observable;
  private connection: VenueConnection | undefined;
  /** Stops hearing the current connection's messages. */
  private stopMessages: (() => void) | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly lastSeq = new Map<string, number>();
  /** Streams known to have lost events since the last resync: the view is stale until one. */
  private readonly gapped = new Set<string>();
  private gapResyncs = 0;
  private sessionSeq = 0;
  private internalId = 0;
  /** While catching up, live events wait here. */
  private holding: ClientEvent<TradingClientEvent>[] | undefined;
  /** Tells a stale catch-up answer (from a connection since replaced) from the current one. */
  private catchUpToken = 0;
  private account: string | null = null;
  /** A reconnect (requested or automatic) is under way. */
  private reconnecting = false;
  private readonly waitingReconnects: (() => void)[] = [];
  /** Requests waiting for the client to be connected and caught up again. */
  private readonly waitingReady: ((ready: boolean) => void)[] = [];
  private closed = false;
  private gaveUp = false;
  private lastHeardAt = Number.NEGATIVE_INFINITY;
  /** Dials of the current run of short-lived connections; reset once a connection stays up. */
  private streak = 0;
  private upSince = Number.NEGATIVE_INFINITY;
  /** The backoff jitter's sequence, found on its first use (most runs never back off), and how far this client drew. */
  private backoffDraws: BackoffDraws | undefined;
  private backoffDrawn = 0;
  private readonly bugs: ReadonlySet<ClientBug>;
  private readonly timers = new Set<Subscription>();
  /** Requests between attempts (waiting out a backoff or a reconnect). */
  private retrying = 0;
  private heartbeat: Subscription | undefined;

  constructor(
    private readonly dialer: VenueDialer,
    private readonly scheduler: SchedulerLike,
    private readonly options: TradingClientOptions,
  ) {
    this.name = options.name;
    this.bugs = new Set(options.bugs ?? []);
  }

  /**
   * Dials, logs in and subscribes; emits once when the client can trade. Everything is an
   * Observable on the client's scheduler (no promises), so on a virtual scheduler the whole
   * handshake happens in virtual time, in order with everything else.
   */
  connect(): Observable<void> {
    return this.dial().pipe(
      concatMap(() =>
        this.request({ id: this.nextId(), type: 'login', key: this.options.key }, this.handshakeTimeoutMs()),
      ),
      concatMap((login) => {
        if (login.status !== 'ok') throw new Error(`${this.name}: login failed (${replyText(login)})`);
        this.account = (login.result as { account?: string }).account ?? null;
        this.startFrom(login.result);
        const streams = this.options.streams;
        if (streams.length === 0) return of(undefined);
        return this.request(
          { id: this.nextId(), type: 'subscribe', streams: [...streams] },
          this.handshakeTimeoutMs(),
        ).pipe(
          map((sub) => {
            if (sub.status !== 'ok') throw new Error(`${this.name}: subscribe failed (${replyText(sub)})`);
            this.startFrom(sub.result);
          }),
        );
      }),
      tap(() => {
        this.upSince = this.scheduler.now();
        this.emitSession({ type: 'session_connected', account: this.account });
      }),
    );
  }

  send(action: TradingAction, step: number): Observable<Reply> {
    return new Observable<Reply>((subscriber) =>
      this.sendTo(action, step, (reply) => {
        subscriber.next(reply);
        subscriber.complete();
      }),
    );
  }

  /** send() without the Observable: the same work, the reply handed to `onReply` (Client.sendTo). */
  sendTo(action: TradingAction, step: number, onReply: (reply: Reply) => void): () => void {
    if (action.kind === 'fault') {
      onReply({ status: 'fail', code: 'SHK_FAULT_UNSUPPORTED', message: 'faults go to the target' });
      return NOTHING_TO_CANCEL;
    }
    if (action.kind === 'reconnect') {
      const sub = this.reconnect(action.mode).subscribe(onReply);
      return () => sub.unsubscribe();
    }
    if (action.kind === 'configure') {
      // Not a request: the target built this run's venue from it, or could not (configure-action.ts).
      onReply(
        this.options.venueConfigured
          ? { status: 'ok', result: { kind: 'configure' } }
          : {
              status: 'fail',
              code: 'configure_unsupported',
              message:
                "this target's venue is built once from the campaign's config; a run's configure action cannot change it",
            },
      );
      return NOTHING_TO_CANCEL;
    }
    const onOk =
      action.kind === 'place'
        ? (reply: Extract<Reply, { status: 'ok' }>): void => {
            const orderId = (reply.result as { order?: { orderId?: string } }).order?.orderId;
            if (orderId !== undefined) this.options.orderIds.set(step, orderId);
          }
        : undefined;
    return this.attempts(
      step,
      action,
      (attempt) => {
        const request = tradingRequest(action, step, this.options.orderIds);
        if (attempt === 1) return request;
        const retried = { ...request, id: `s${step}r${attempt}` } as ClientRequest;
        if (retried.type === 'place' && this.bugs.has('retry_fresh_client_order_id')) {
          retried.clientOrderId = `${retried.clientOrderId}-r${attempt}`;
        }
        return retried;
      },
      onOk,
      onReply,
    );
  }

  /** Every event from now on, with no Subscriber around the listener (Client.listen). */
  listen(onEvent: (event: ClientEvent<TradingClientEvent>) => void): () => void {
    return this.eventsOut.listen(onEvent);
  }

  /** An admin request that is not a trading action (snapshot, reset), retried like any other. */
  call(request: Omit<ClientRequest, 'id'>): Observable<Reply> {
    return this.withRetries(undefined, undefined, () => ({ ...request, id: this.nextId() }) as ClientRequest);
  }

  /**
   * The end-of-run barrier: a ping tells the last seq of every subscribed stream; a stream the
   * client is behind on lost its last frames, so the client resyncs. A client without catch-up
   * logic (the planted bug) has no such barrier either.
   */
  sync(): Observable<void> {
    if (this.bugs.has('reconnect_without_catch_up')) return of(undefined);
    // A lost pong is retried like any request: the barrier must not give up on one lost frame.
    return this.withRetries(undefined, undefined, () => ({ id: this.nextId(), type: 'ping' })).pipe(
      concatMap((reply) => {
        // No pong at all (every attempt lost, truncated or refused) confirms nothing: the client
        // cannot tell whether it lost the last frames of a stream, so it resyncs them all.
        if (reply.status !== 'ok') this.gapped.add('*');
        const behind = reply.status === 'ok' && this.behind(reply.result);
        if ((!behind && this.gapped.size === 0) || this.connection === undefined) return of(undefined);
        if (this.holding !== undefined || this.reconnecting) return of(undefined);
        return this.catchUp('resync').pipe(
          // A failed resync leaves the view stale: try again, as after a gap.
          tap((resync) => {
            if (resync.status !== 'ok' && this.gapped.size > 0) this.resyncAfterGap();
          }),
          map(() => undefined),
        );
      }),
    );
  }

  /**
   * A subscription says where each stream stands, so even its first event can be checked:
   * if that one is lost, the next shows a gap.
   */
  private startFrom(result: unknown): void {
    const seqs = (result as { seqs?: Record<string, number> } | null)?.seqs;
    if (seqs === undefined || seqs === null) return;
    for (const [stream, seq] of Object.entries(seqs)) {
      if (!this.lastSeq.has(stream)) this.lastSeq.set(stream, seq);
    }
  }

  /** Whether a pong's seqs show events this client never got (and says so on its session stream). */
  private behind(result: unknown): boolean {
    const seqs = (result as { seqs?: Record<string, number> } | null)?.seqs;
    if (seqs === undefined || seqs === null) return false;
    let behind = false;
    for (const [stream, seq] of Object.entries(seqs)) {
      const last = this.lastSeq.get(stream) ?? 0;
      if (seq <= last) continue;
      behind = true;
      this.gapped.add(stream);
      this.emitSession({ type: 'session_gap', stream, expected: last + 1, got: seq });
    }
    return behind;
  }

  /** Connected, caught up, nothing in flight and nothing to retry. */
  settled(): boolean {
    return (
      this.gaveUp ||
      (this.connection !== undefined &&
        !this.reconnecting &&
        this.holding === undefined &&
        this.gapped.size === 0 &&
        this.pending.size === 0 &&
        this.retrying === 0)
    );
  }

  close(): void {
    this.closed = true;
    this.heartbeat?.unsubscribe();
    for (const timer of this.timers) timer.unsubscribe();
    this.timers.clear();
    this.stopMessages?.();
    const connection = this.connection;
    this.connection = undefined;
    connection?.close();
    this.failPending('connection closed');
    this.settleWaiting(false);
    this.eventsOut.complete();
  }

  /**
   * Sends a request until it gets an answer worth keeping, within maxAttempts. An attempt that
   * got no answer (timeout, lost connection) or a 5xx may have taken effect, so the request is
   * from then on indeterminate: a later refusal is reported as `info`, except for a place
   * refused as a duplicate, which the client looks up by clientOrderId, as a real one would.
   */
  private withRetries(
    step: number | undefined,
    action: TradingAction | undefined,
    requestFor: (attempt: number) => ClientRequest,
  ): Observable<Reply> {
    return new Observable<Reply>((subscriber) =>
      this.attempts(step, action, requestFor, undefined, (reply) => {
        subscriber.next(reply);
        subscriber.complete();
      }),
    );
  }

  /**
   * withRetries' work in callbacks: `onReply` gets the one reply, and the result cancels what
   * is still under way. Once the reply is handed over, what is left is cleaned up, as the
   * Observable's teardown did when it completed.
   */
  private attempts(
    step: number | undefined,
    action: TradingAction | undefined,
    requestFor: (attempt: number) => ClientRequest,
    onOk: ((reply: Extract<Reply, { status: 'ok' }>) => void) | undefined,
    onReply: (reply: Reply) => void,
  ): () => void {
    const maxAttempts = this.options.maxAttempts ?? 4;
    let inner: (() => void) | undefined;
    let timer: Subscription | undefined;
    let indeterminate = false;
    let done = false;
    const finish = (reply: Reply): void => {
      if (done) return;
      done = true;
      if (reply.status === 'ok') onOk?.(reply);
      onReply(reply);
      cancel();
    };
    let waiting = false;
    const setWaiting = (value: boolean): void => {
      if (waiting !== value) this.retrying += value ? 1 : -1;
      waiting = value;
    };
    const attempt = (n: number): void => {
      setWaiting(false);
      const request = requestFor(n);
      inner = this.sendWhenReady(request, (reply) => {
        if (reply.status === 'ok') return finish(reply);
        const retry = this.retryReason(reply);
        // Anything but a 429 may have taken effect. A replace has no idempotency key, so
        // sending it again could apply it twice: it is retried only when refused for sure.
        if (retry !== undefined && retry !== 'rate_limited') indeterminate = true;
        const safe = retry === 'rate_limited' || action?.kind !== 'replace';
        if (retry !== undefined && safe && n < maxAttempts && !this.closed) {
          const retryAfterMs = reply.status === 'fail' ? reply.retryAfterMs : undefined;
          const backoff = backoffDelay(n, this.options.backoff ?? DEFAULT_BACKOFF, this.random);
          const afterMs = this.bugs.has('ignore_retry_after') ? 0 : Math.max(backoff, retryAfterMs ?? 0);
          if (step !== undefined) {
            this.emitSession({
              type: 'session_retry',
              step,
              attempt: n + 1,
              reason: retry,
              afterMs,
              ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
              ...(request.type === 'place' ? { clientOrderId: request.clientOrderId } : {}),
            });
          }
          setWaiting(true);
          timer = this.scheduler.schedule(() => attempt(n + 1), afterMs);
          return;
        }
        if (reply.status === 'info' || !indeterminate) return finish(reply);
        if (n === 1)
          return finish({ status: 'info', reason: `${replyText(reply)}; it may have taken effect` });
        if (
          reply.status === 'fail' &&
          reply.code === 'duplicate_client_order_id' &&
          action?.kind === 'place'
        ) {
          inner = this.sendWhenReady(
            { id: this.nextId(), type: 'status', clientOrderId: action.clientOrderId },
            (status) =>
              finish(
                status.status === 'ok'
                  ? status
                  : { status: 'info', reason: `earlier attempt may have executed: ${replyText(reply)}` },
              ),
          );
          return;
        }
        finish({
          status: 'info',
          reason: `earlier attempt may have executed; the retry got ${replyText(reply)}`,
        });
      });
    };
    const cancel = (): void => {
      done = true;
      setWaiting(false);
      inner?.();
      timer?.unsubscribe();
    };
    attempt(1);
    return cancel;
  }

  private retryReason(reply: Reply): 'rate_limited' | 'unavailable' | 'no_reply' | undefined {
    if (reply.status === 'info') return 'no_reply';
    if (reply.status !== 'fail') return undefined;
    if (reply.code === 'rate_limited') return 'rate_limited';
    if (reply.code === 'unavailable' || reply.code === 'internal') return 'unavailable';
    return undefined;
  }

  /**
   * Sends `request` once the client is connected and caught up (at once when it is), or
   * answers `info` if it closed or gave up first; `then` gets the one reply. Returns a cancel.
   */
  private sendWhenReady(request: ClientRequest, then: (reply: Reply) => void): () => void {
    let cancelRequest: (() => void) | undefined;
    const cancelWait = this.onReady((ready) => {
      if (ready) cancelRequest = this.sendRequest(request, this.options.requestTimeoutMs, then);
      else then({ status: 'info', reason: 'not connected' });
    });
    return () => {
      cancelWait();
      cancelRequest?.();
    };
  }

  /** Calls `then` once: true once connected and caught up, false if the client closed or gave up. Returns a cancel. */
  private onReady(then: (ready: boolean) => void): () => void {
    if (this.closed || this.gaveUp) {
      then(false);
      return NOTHING_TO_CANCEL;
    }
    if (this.connection !== undefined && !this.reconnecting && this.holding === undefined) {
      then(true);
      return NOTHING_TO_CANCEL;
    }
    let done = false;
    const waiter = (ready: boolean): void => {
      if (done) return;
      done = true;
      then(ready);
    };
    this.waitingReady.push(waiter);
    return () => {
      done = true;
      const at = this.waitingReady.indexOf(waiter);
      if (at >= 0) this.waitingReady.splice(at, 1);
    };
  }

  private settleWaiting(ready: boolean): void {
    for (const waiter of this.waitingReady.splice(0)) waiter(ready);
  }

  /**
   * How long the first login and subscribe may take. No fault acts before a run's first step,
   * so a slow answer there is a busy machine, not a lost request: the short request timeout
   * that keeps faulted runs cheap would fail the run before it starts (seen over WebSocket with
   * the CPU loaded). On virtual time the answer comes first and this costs nothing.
   */
  private handshakeTimeoutMs(): number {
    return Math.max(this.options.requestTimeoutMs, HANDSHAKE_TIMEOUT_MS);
  }

  /** Sends one request; emits exactly one Reply: the answer, or `info` on timeout or disconnect. */
  private request(request: ClientRequest, timeoutMs = this.options.requestTimeoutMs): Observable<Reply> {
    return new Observable<Reply>((subscriber) =>
      this.sendRequest(request, timeoutMs, (reply) => {
        subscriber.next(reply);
        subscriber.complete();
      }),
    );
  }

  /**
   * Sends one request; `then` gets exactly one Reply: the answer, or `info` on timeout or
   * disconnect. Returns a cancel (the run ended before the answer: the request is forgotten).
   */
  private sendRequest(request: ClientRequest, timeoutMs: number, then: (reply: Reply) => void): () => void {
    const id = String(request.id);
    const connection = this.connection;
    if (connection === undefined) {
      then({ status: 'info', reason: 'not connected' });
      return NOTHING_TO_CANCEL;
    }
    const entry = new PendingRequest(then);
    const sentAt = this.scheduler.now();
    entry.timer = this.scheduler.schedule(() => {
      this.pending.delete(id);
      entry.answer({ status: 'info', reason: `no reply within ${timeoutMs} ms` });
      // Not a byte since the request went out: the link is dead even if nobody closed it.
      if (this.connection === connection && this.lastHeardAt < sentAt) {
        this.connectionLost(connection, `nothing heard for ${timeoutMs} ms (half-open link)`);
      }
    }, timeoutMs);
    this.pending.set(id, entry);
    connection.send(request);
    return () => {
      entry.answered = true;
      const left = this.pending.get(id);
      if (left === undefined) return;
      left.cancelTimeout();
      this.pending.delete(id);
    };
  }

  private dial(): Observable<void> {
    return this.dialer(this.name).pipe(
      take(1),
      map((connection) => {
        this.connection = connection;
        this.lastHeardAt = this.scheduler.now();
        const onMessage = (message: ServerMessage): void => this.onMessage(message);
        const onClose = (): void => this.connectionLost(connection, 'closed by the venue');
        const listen = connection.listen;
        if (listen !== undefined) this.stopMessages = listen(onMessage, onClose);
        else {
          const subscription = connection.messages$.subscribe({ next: onMessage, complete: onClose });
          this.stopMessages = () => subscription.unsubscribe();
        }
        this.startHeartbeat(connection);
      }),
    );
  }

  /**
   * A link can die without closing (half-open): with nothing heard for a while the client
   * pings, and a ping that meets silence declares the link dead (see request()).
   */
  private startHeartbeat(connection: VenueConnection): void {
    this.heartbeat?.unsubscribe();
    const every = this.options.heartbeatMs ?? this.options.requestTimeoutMs;
    if (every <= 0) return;
    const beat = (): void => {
      if (this.closed || this.connection !== connection) return;
      if (this.scheduler.now() - this.lastHeardAt >= every && this.pending.size === 0) {
        this.request({ id: this.nextId(), type: 'ping' }).subscribe((reply) => {
          if (reply.status !== 'ok' || this.bugs.has('reconnect_without_catch_up')) return;
          if (this.behind(reply.result)) this.resyncAfterGap();
        });
      }
      this.heartbeat = this.scheduler.schedule(beat, every);
    };
    this.heartbeat = this.scheduler.schedule(beat, every);
  }

  /** A connection the client did not choose to close is gone: say so and come back. */
  private connectionLost(connection: VenueConnection, reason: string): void {
    if (this.connection !== connection) return;
    this.stopMessages?.();
    this.connection = undefined;
    connection.close();
    this.catchUpToken++;
    this.failPending(`connection lost: ${reason}`);
    if (this.closed) return;
    this.emitSession({ type: 'session_disconnected', reason });
    if (this.reconnecting) return;
    this.reconnecting = true;
    // A connection that dies soon after it came back is the same outage: the backoff goes on
    // growing instead of starting small again, or a flapping link would be hammered.
    const stable = this.scheduler.now() - this.upSince >= STABLE_AFTER_MS;
    this.redial(stable ? 1 : this.streak + 1);
  }

  /** One more dial of an automatic reconnect, after the backoff for this attempt. */
  private redial(attempt: number): void {
    const maxReconnects = this.options.maxReconnects ?? 30;
    if (this.closed) return;
    this.streak = attempt;
    if (attempt > maxReconnects) {
      this.gaveUp = true;
      this.emitSession({ type: 'session_disconnected', reason: `gave up after ${maxReconnects} dials` });
      this.reconnectDone();
      this.settleWaiting(false);
      return;
    }
    const backoffMs = this.bugs.has('no_backoff')
      ? 0
      : backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF, this.random);
    this.emitSession({ type: 'session_reconnect_attempt', attempt, backoffMs });
    const timer = this.scheduler.schedule(() => {
      this.timers.delete(timer);
      const mode = this.bugs.has('reconnect_without_catch_up') ? 'none' : (this.options.catchUp ?? 'resync');
      this.reestablish(mode).subscribe({
        next: (reply) => {
          if (reply.status === 'ok') {
            this.reconnectDone();
            return;
          }
          this.dropQuietly();
          this.redial(attempt + 1);
        },
        error: () => {
          this.dropQuietly();
          this.redial(attempt + 1);
        },
      });
    }, backoffMs);
    this.timers.add(timer);
  }

  /** Closes a half-built connection without treating it as a new outage. */
  private dropQuietly(): void {
    const connection = this.connection;
    this.stopMessages?.();
    this.connection = undefined;
    connection?.close();
    this.holding = undefined;
    this.catchUpToken++;
    this.failPending('connection dropped during a reconnect');
  }

  /**
   * A requested reconnect. Reconnects go one at a time: one asked for while another is under
   * way waits for it, as a real client's connection manager would.
   */
  private reconnect(mode: CatchUp): Observable<Reply> {
    return new Observable<Reply>((subscriber) => {
      let sub: Subscription | undefined;
      const start = (): void => {
        this.reconnecting = true;
        sub = defer(() => {
          const connection = this.connection;
          this.stopMessages?.();
          this.connection = undefined;
          connection?.close();
          this.catchUpToken++;
          this.failPending('connection dropped by a reconnect');
          this.emitSession({ type: 'session_disconnected', reason: 'requested' });
          return this.reestablish(mode);
        }).subscribe({
          next: (reply) => {
            subscriber.next(reply);
            if (reply.status === 'ok') this.reconnectDone();
            else {
              this.dropQuietly();
              this.redial(1);
            }
            subscriber.complete();
          },
          error: (error: unknown) => {
            subscriber.next({ status: 'info', reason: `reconnect failed: ${String(error)}` });
            subscriber.complete();
            this.dropQuietly();
            this.redial(1);
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
    if (this.connection !== undefined) {
      this.gaveUp = false;
      this.upSince = this.scheduler.now();
    }
    const next = this.waitingReconnects.shift();
    if (next) {
      next();
      return;
    }
    if (this.connection !== undefined && this.holding === undefined) this.settleWaiting(true);
    // A catch-up (a resume) that itself showed a gap could not resync while reconnecting: now.
    if (this.gapped.size > 0) this.resyncAfterGap();
  }

  /** Dials, logs in and catches up; emits the catch-up reply (or the failed login). */
  private reestablish(mode: CatchUp | 'none'): Observable<Reply> {
    return defer(() => {
      this.holding = [];
      return this.dial();
    }).pipe(
      concatMap(() => this.request({ id: this.nextId(), type: 'login', key: this.options.key })),
      concatMap((login) => {
        if (login.status !== 'ok') return of(login);
        this.emitSession({ type: 'session_connected', account: this.account });
        return this.catchUp(mode);
      }),
    );
  }

  /** Asks where each stream continues; live events wait meanwhile and are released after. */
  private catchUp(mode: CatchUp | 'none'): Observable<Reply> {
    const token = ++this.catchUpToken;
    this.holding ??= [];
    const streams = this.allStreams();
    const answer =
      mode === 'none'
        ? this.request({ id: this.nextId(), type: 'subscribe', streams })
        : mode === 'resync'
          ? this.resync(streams)
          : this.resume(streams).pipe(
              // The venue no longer has what was missed (or restarted): resync instead.
              concatMap((reply) =>
                reply.status === 'fail' &&
                (reply.code === 'resume_gap_too_old' || reply.code === 'resume_seq_ahead')
                  ? this.resync(streams)
                  : of(reply),
              ),
            );
    return answer.pipe(map((reply) => (token === this.catchUpToken ? this.release(reply) : reply)));
  }

  private resync(streams: string[]): Observable<Reply> {
    return this.request({ id: this.nextId(), type: 'resync', streams }).pipe(
      tap((reply) => {
        if (reply.status !== 'ok') return;
        const { seqs, snapshot } = reply.result as { seqs: Record<string, number>; snapshot: ResyncSnapshot };
        for (const [stream, seq] of Object.entries(seqs)) this.lastSeq.set(stream, seq);
        this.gapped.clear();
        this.gapResyncs = 0;
        this.emitSession({ type: 'session_resynced', snapshot, seqs });
      }),
    );
  }

  private resume(streams: string[]): Observable<Reply> {
    const from: Record<string, number> = {};
    for (const stream of streams) from[stream] = this.lastSeq.get(stream) ?? 0;
    return this.request({ id: this.nextId(), type: 'resume', from }).pipe(
      tap((reply) => {
        if (reply.status === 'ok') this.emitSession({ type: 'session_resumed', from });
      }),
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
      for (const event of list) this.deliver(event);
    }
    if (!this.reconnecting && this.connection !== undefined && this.holding === undefined)
      this.settleWaiting(true);
    return reply;
  }

  private allStreams(): string[] {
    const own = this.account === null ? [] : [`account:${this.account}`];
    return [...new Set([...own, ...this.options.streams])];
  }

  private onMessage(message: ServerMessage): void {
    this.lastHeardAt = this.scheduler.now();
    if (message.type === 'response') {
      const id = String(message.id);
      const pending = this.pending.get(id);
      if (pending === undefined) return;
      this.pending.delete(id);
      pending.settle(replyOf(message));
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
      return;
    }
    if (message.type === 'error' && message.error.code === BAD_FRAME_FROM_TARGET) {
      this.emitSession({ type: 'session_bad_frame', reason: message.error.message });
      // An unreadable frame may have been an event of any stream: resync them all.
      if (this.bugs.has('reconnect_without_catch_up')) return;
      this.gapped.add('*');
      this.resyncAfterGap();
    }
  }

  /**
   * Passes one event on. A seq already seen is dropped (a duplicated or late frame); a seq
   * past the next one means frames were lost: the event still goes out, as received, and the
   * client resyncs the stream.
   */
  private deliver(event: ClientEvent<TradingClientEvent>): void {
    const last = this.lastSeq.get(event.stream);
    if (last !== undefined && event.seq <= last) return;
    this.lastSeq.set(event.stream, event.seq);
    this.eventsOut.next(event);
    if (last !== undefined && event.seq > last + 1 && !this.bugs.has('reconnect_without_catch_up')) {
      this.gapped.add(event.stream);
      this.emitSession({ type: 'session_gap', stream: event.stream, expected: last + 1, got: event.seq });
      this.resyncAfterGap();
    }
  }

  /**
   * A gap on a live connection: resync in place, unless a catch-up is already under way (a
   * reconnect's resync covers it). A resync that fails (a 429, a lost answer) is tried again
   * after a backoff: until one succeeds, the view is known to be stale.
   */
  private resyncAfterGap(): void {
    if (this.holding !== undefined || this.reconnecting || this.connection === undefined || this.closed)
      return;
    const sub = this.catchUp('resync').subscribe((reply) => {
      this.timers.delete(sub);
      if (reply.status === 'ok' || this.gapped.size === 0) return;
      if (++this.gapResyncs > (this.options.maxAttempts ?? 4) * 3) return;
      const retry = this.scheduler.schedule(
        () => {
          this.timers.delete(retry);
          this.resyncAfterGap();
        },
        Math.max(
          backoffDelay(this.gapResyncs, this.options.backoff ?? DEFAULT_BACKOFF, this.random),
          reply.status === 'fail' ? (reply.retryAfterMs ?? 0) : 0,
        ),
      );
      this.timers.add(retry);
    });
    this.timers.add(sub);
  }

  private emitSession(event: SessionEvent): void {
    this.eventsOut.next({
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

  /**
   * The backoff jitter: seeded by the client's name, so a run backs off the same every time.
   * Every client of that name draws the same sequence, so it is drawn once per process and
   * shared (BackoffDraws) rather than seeded again for every run.
   */
  private readonly random = (): number => {
    this.backoffDraws ??= BackoffDraws.of(`backoff:${this.options.name}`);
    return this.backoffDraws.at(this.backoffDrawn++);
  };

  private nextId(): string {
    return `c${++this.internalId}`;
  }
}

/**
 * The values of `seedrandom(seed)`, drawn once per process and read by index: a seeded
 * generator is a fixed sequence, and seeding one (ARC4's key schedule) costs more than the
 * few draws a run makes. Shared up to MAX_SHARED values; past them a reader draws on its own.
 */
class BackoffDraws {
  private static readonly bySeed = new Map<string, BackoffDraws>();
  private static readonly MAX_SHARED = 4096;
  private readonly values: number[] = [];
  private readonly source: () => number;

  private constructor(private readonly seed: string) {
    this.source = seedrandom(seed);
  }

  static of(seed: string): BackoffDraws {
    let draws = BackoffDraws.bySeed.get(seed);
    if (draws === undefined) {
      draws = new BackoffDraws(seed);
      BackoffDraws.bySeed.set(seed, draws);
    }
    return draws;
  }

  /** The `index`th value (from 0) of the seeded sequence. */
  at(index: number): number {
    const values = this.values;
    while (values.length <= index && values.length < BackoffDraws.MAX_SHARED) values.push(this.source());
    if (index < values.length) return values[index];
    // Far past what runs draw: a generator of its own, moved to the index (never seen in practice).
    const own = seedrandom(this.seed);
    for (let i = 0; i < index; i++) own();
    return own();
  }
}

/**
 * A response as the Reply it settles, its fields in the order they were always written (status,
 * result or code and message, txn, retryAfterMs), as literals: no spread of temporary objects.
 */
function replyOf(message: Extract<ServerMessage, { type: 'response' }>): Reply {
  const txn = message.txn;
  if (message.ok) {
    return txn === undefined
      ? { status: 'ok', result: message.result }
      : { status: 'ok', result: message.result, txn };
  }
  const { code, message: text, retryAfterMs } = message.error;
  if (retryAfterMs === undefined) {
    return txn === undefined
      ? { status: 'fail', code, message: text }
      : { status: 'fail', code, message: text, txn };
  }
  return txn === undefined
    ? { status: 'fail', code, message: text, retryAfterMs }
    : { status: 'fail', code, message: text, txn, retryAfterMs };
}

/** The cancel of something already done. */
const NOTHING_TO_CANCEL = (): void => {};

function replyText(reply: Reply): string {
  if (reply.status === 'fail') return `${reply.code}: ${reply.message}`;
  if (reply.status === 'info') return reply.reason;
  return 'ok';
}
