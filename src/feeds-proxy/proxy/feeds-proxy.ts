import type { BreakerReport, BreakerTransition } from '../../domains/feeds/protocol/breaker-state.ts';
import type { Head, Log, LogFilter } from '../../domains/feeds/protocol/chain-types.ts';
import type { FeedsConfig } from '../../domains/feeds/protocol/feeds-config.ts';
import { isFeedsMethod, MAX_LOG_RANGE_BLOCKS } from '../../domains/feeds/protocol/feeds-methods.ts';
import type { FailoverRecord, ProxySubscriptionTruth } from '../../domains/feeds/protocol/feeds-snapshot.ts';
import { fromHexQuantity } from '../../domains/feeds/protocol/hex-quantity.ts';
import {
  isJsonRpcId,
  isJsonRpcRequest,
  JSON_RPC_ERRORS,
  type JsonRpcErrorObject,
  type JsonRpcRequest,
  type JsonRpcResponse,
  jsonRpcError,
  jsonRpcResult,
  parseJsonRpcFrame,
} from '../../domains/feeds/protocol/json-rpc.ts';
import type { ProxyMetrics } from '../../domains/feeds/protocol/proxy-metrics.ts';
import type { RoutingDecision } from '../../domains/feeds/protocol/routing-decision.ts';
import type { BugSwitches } from '../bugs/bug-switches.ts';
import { hash32 } from '../chain/block-factory.ts';
import { Feed, type FeedContext } from './feed.ts';
import { MetricsRecorder } from './metrics-recorder.ts';
import type { Timers } from './timers.ts';
import type { UpstreamDialer } from './upstream-connection.ts';
import { UpstreamPool } from './upstream-pool.ts';
import { selectUpstream } from './upstream-selector.ts';
import { isBlockTag, validateLogFilter } from './validate-params.ts';

/** Planted bug answer_dropped_under_load: the client calls in flight at which an answer is dropped. */
const DROP_UNDER_LOAD_IN_FLIGHT = 3;

/** Records that outlive one proxy process (the host keeps them across crashes). */
export interface ProxyRecords {
  routing: RoutingDecision[];
  failovers: FailoverRecord[];
  breakerTransitions: BreakerTransition[];
  subscriptions: ProxySubscriptionTruth[];
  clients: string[];
}

/** The answer to a `shakedown_*` method the proxy leaves to its host (the controls and views of the simulation). */
export type AdminAnswer = { result: unknown } | { error: JsonRpcErrorObject };

export interface FeedsProxyOptions {
  config: FeedsConfig;
  bugs: BugSwitches;
  timers: Timers;
  dialer: UpstreamDialer;
  upstreams: readonly string[];
  records: ProxyRecords;
  admin: (method: string, params: unknown[]) => AdminAnswer;
  /** Distinguishes this process's subscription ids from an earlier one's. */
  incarnation: number;
}

/** One client connection as the proxy holds it. */
interface Session {
  client: string;
  open: boolean;
  send(frame: string): void;
  subscriptions: Set<string>;
  /** Client calls not answered yet. */
  pending: number;
}

interface ClientSubscription {
  session: Session;
  feed: Feed;
  truth: ProxySubscriptionTruth;
}

interface PendingSubscribe {
  session: Session;
  request: JsonRpcRequest;
  startedAt: number;
  id: string;
}

/** The proxy's side of one client connection. */
export interface ProxyEndpoint {
  readonly client: string;
  readonly open: boolean;
  receive(frame: string): void;
  close(): void;
}

/**
 * The reference feeds proxy: JSON-RPC 2.0 clients on one side, N upstreams on the other.
 * Plain calls are routed by the selection strategy and retried on another upstream when one
 * fails; subscriptions with the same key share one upstream subscription (a Feed) that keeps
 * them gapless, duplicate-free and reorg-announced across failovers. Its telemetry, breakers
 * and routing decisions answer the `shakedown_` admin methods. Time is the Timers' scheduler.
 */
export class FeedsProxy {
  private readonly metrics: MetricsRecorder;
  private readonly pool: UpstreamPool;
  private readonly feeds = new Map<string, Feed>();
  private readonly feedBySub = new Map<string, Feed>();
  private readonly subscriptions = new Map<string, ClientSubscription>();
  private readonly pendingSubscribes = new Map<Feed, PendingSubscribe[]>();
  private readonly sessions = new Set<Session>();
  /** How the proxy drops each client (when it dies). */
  private readonly closers = new Map<Session, () => void>();
  /** Planted bug responses_to_wrong_client: pending calls keyed by request id alone. */
  private readonly pendingById = new Map<string, Session>();
  private readonly cursors: Record<RoutingDecision['purpose'], number> = {
    call: 0,
    subscribe: 0,
    backfill: 0,
  };
  private nextSubscription = 1;
  private stopped = false;
  private readonly feedContext: FeedContext;

  constructor(private readonly options: FeedsProxyOptions) {
    this.metrics = new MetricsRecorder(options.upstreams);
    this.pool = new UpstreamPool({
      names: options.upstreams,
      config: options.config,
      timers: options.timers,
      dialer: options.dialer,
      metrics: this.metrics,
      neverHalfOpens: options.bugs.has('breaker_never_half_opens'),
      ignoresRecoveryTimeout: options.bugs.has('breaker_ignores_recovery_timeout'),
      breakerOpensEarly: options.bugs.has('breaker_opens_early'),
      events: {
        down: (upstream, reason) => {
          for (const feed of [...this.feeds.values()]) feed.upstreamDown(upstream, reason);
        },
        up: () => {
          for (const feed of [...this.feeds.values()]) feed.upstreamUp();
        },
        head: (upstream, head) => {
          for (const feed of [...this.feeds.values()]) feed.upstreamHead(upstream, head);
        },
        notification: (upstream, subscription, result) => {
          this.feedBySub.get(`${upstream}/${subscription}`)?.push(upstream, subscription, result);
        },
        breakerTransition: (transition) => options.records.breakerTransitions.push(transition),
      },
    });
    this.feedContext = {
      config: options.config,
      bugs: options.bugs,
      timers: options.timers,
      metrics: this.metrics,
      failovers: options.records.failovers,
      call: (upstream, method, params, done) => this.pool.call(upstream, method, params, done),
      choose: (purpose, method, exclude, attempt) => this.choose(purpose, method, exclude, attempt),
      deliver: (feed, result) => this.deliver(feed, result),
      bind: (upstream, subscription, feed, on) => {
        const key = `${upstream}/${subscription}`;
        if (on) this.feedBySub.set(key, feed);
        else this.feedBySub.delete(key);
        for (const id of feed.subscribers) {
          const sub = this.subscriptions.get(id);
          if (sub === undefined) continue;
          if (on) sub.truth.upstream = upstream;
          else delete sub.truth.upstream;
        }
      },
      placed: (feed, error) => this.placed(feed, error),
    };
    this.pool.start();
  }

  /** A client connected: `send` carries the proxy's frames to it, `closed` tells it the proxy dropped it. */
  connect(client: string, send: (frame: string) => void, closed: () => void): ProxyEndpoint {
    const session: Session = { client, open: !this.stopped, send, subscriptions: new Set(), pending: 0 };
    this.options.records.clients.push(client);
    if (this.stopped) closed();
    else this.sessions.add(session);
    const drop = (): void => {
      if (!session.open) return;
      session.open = false;
      this.sessions.delete(session);
      for (const id of [...session.subscriptions]) this.removeSubscription(id, 'disconnected');
    };
    this.closers.set(session, () => {
      drop();
      closed();
    });
    return {
      client,
      get open() {
        return session.open;
      },
      receive: (frame) => {
        if (session.open && !this.stopped) this.receive(session, frame);
      },
      close: drop,
    };
  }

  metricsSnapshot(): ProxyMetrics {
    return this.metrics.snapshot();
  }

  breakers(): BreakerReport[] {
    return this.pool.breakers();
  }

  /** The upstreams the proxy would route to now. */
  eligibleUpstreams(): string[] {
    return this.pool.names.filter((name) => this.pool.isEligible(name));
  }

  /** No feed mid-placement, resync or failover, and no client call waiting for an upstream. */
  settled(): boolean {
    for (const feed of this.feeds.values()) if (!feed.settled) return false;
    for (const session of this.sessions) if (session.pending > 0) return false;
    return true;
  }

  /** The process dies: every client and upstream connection drops, every timer stops. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const sub of this.subscriptions.values()) {
      if (sub.truth.endedAt === undefined) {
        sub.truth.endedAt = this.options.timers.now();
        sub.truth.endReason = 'proxy_crash';
      }
    }
    for (const feed of this.feeds.values()) feed.abandon();
    this.options.timers.stop();
    this.pool.stop();
    for (const session of [...this.sessions]) this.closers.get(session)?.();
  }

  private choose(
    purpose: RoutingDecision['purpose'],
    method: string,
    exclude: ReadonlySet<string>,
    attempt: number,
  ): string | undefined {
    const selection = selectUpstream({
      at: this.options.timers.now(),
      purpose,
      method,
      strategy: this.options.config.strategy,
      candidates: this.pool.candidates(method, exclude),
      cursor: this.cursors[purpose],
      attempt,
      ignoreStrategy: this.options.bugs.has('routing_ignores_strategy'),
    });
    this.cursors[purpose] = selection.cursor;
    this.options.records.routing.push(selection.decision);
    return selection.decision.chosen;
  }

  private receive(session: Session, frame: string): void {
    const message = parseJsonRpcFrame(frame);
    if ('error' in message && !('method' in message)) {
      session.send(JSON.stringify(message));
      return;
    }
    if (!isJsonRpcRequest(message) || (message as { jsonrpc?: unknown }).jsonrpc !== '2.0') {
      const id = (message as { id?: unknown }).id;
      session.send(
        JSON.stringify(
          jsonRpcError(
            isJsonRpcId(id) ? id : null,
            JSON_RPC_ERRORS.invalidRequest,
            'invalid request: not a JSON-RPC 2.0 request',
          ),
        ),
      );
      return;
    }
    const request = message;
    const startedAt = this.options.timers.now();
    const params = request.params === undefined ? [] : request.params;
    if (request.method.startsWith('shakedown_')) {
      this.admin(session, request, Array.isArray(params) ? params : [params]);
      return;
    }
    const method = isFeedsMethod(request.method) ? request.method : '(unknown)';
    this.metrics.methodStarted(method);
    session.pending++;
    if (this.options.bugs.has('responses_to_wrong_client')) this.pendingById.set(String(request.id), session);
    const answer = (response: JsonRpcResponse): void =>
      this.answer(session, request, method, startedAt, response);
    const invalid = (why: string): void =>
      answer(jsonRpcError(request.id, JSON_RPC_ERRORS.invalidParams, `invalid params: ${why}`));
    if (!Array.isArray(params)) {
      invalid('params must be a list');
      return;
    }
    switch (request.method) {
      case 'eth_blockNumber':
        if (params.length > 0) invalid('eth_blockNumber takes no params');
        else this.route(request, params, answer, 1, new Set());
        return;
      case 'eth_getBlockByNumber':
        if (
          params.length < 1 ||
          params.length > 2 ||
          !isBlockTag(params[0]) ||
          (params.length === 2 && typeof params[1] !== 'boolean')
        )
          invalid('expected [block number or tag, full transactions flag]');
        else this.route(request, params, answer, 1, new Set());
        return;
      case 'eth_getLogs': {
        const why =
          params.length !== 1
            ? 'expected [filter]'
            : (validateLogFilter(params[0], true) ?? rangeProblem(params[0]));
        if (why !== undefined) invalid(why);
        else this.route(request, params, answer, 1, new Set());
        return;
      }
      case 'eth_subscribe':
        this.subscribe(session, request, params, startedAt, answer, invalid);
        return;
      case 'eth_unsubscribe': {
        if (params.length !== 1 || typeof params[0] !== 'string') {
          invalid('expected [subscription id]');
          return;
        }
        const sub = this.subscriptions.get(params[0]);
        const mine = sub !== undefined && sub.session === session;
        if (mine) this.removeSubscription(params[0], 'unsubscribed');
        answer(jsonRpcResult(request.id, mine));
        return;
      }
      default:
        answer(
          jsonRpcError(request.id, JSON_RPC_ERRORS.methodNotFound, `method not found: ${request.method}`),
        );
    }
  }

  /** Sends a plain call to an upstream chosen by the strategy; on failure, to the next one. */
  private route(
    request: JsonRpcRequest,
    params: unknown[],
    answer: (response: JsonRpcResponse) => void,
    attempt: number,
    tried: Set<string>,
    lastError?: JsonRpcErrorObject,
  ): void {
    const upstream = this.choose('call', request.method, tried, attempt);
    if (upstream === undefined) {
      const message =
        lastError === undefined
          ? 'no upstream available'
          : `no upstream could answer (last: ${lastError.message})`;
      answer(
        jsonRpcError(
          request.id,
          lastError?.code === JSON_RPC_ERRORS.upstreamTimeout ? lastError.code : JSON_RPC_ERRORS.noUpstream,
          message,
        ),
      );
      return;
    }
    this.pool.call(upstream, request.method, params, (outcome) => {
      if (outcome.ok) {
        answer(jsonRpcResult(request.id, outcome.result));
        return;
      }
      const code = outcome.error.code;
      if (code === JSON_RPC_ERRORS.invalidParams || code === JSON_RPC_ERRORS.methodNotFound) {
        answer(jsonRpcError(request.id, code, outcome.error.message));
        return;
      }
      tried.add(upstream);
      this.route(request, params, answer, attempt + 1, tried, outcome.error);
    });
  }

  private answer(
    session: Session,
    request: JsonRpcRequest,
    method: string,
    startedAt: number,
    response: JsonRpcResponse,
  ): void {
    // Planted bug answer_dropped_under_load: with three or more client calls in flight, this answer is lost.
    let inFlight = 0;
    for (const open of this.sessions) inFlight += open.pending;
    const drop = this.options.bugs.has('answer_dropped_under_load') && inFlight >= DROP_UNDER_LOAD_IN_FLIGHT;
    session.pending = Math.max(0, session.pending - 1);
    const isError = 'error' in response;
    this.metrics.methodAnswered(
      method,
      this.options.timers.now() - startedAt,
      isError,
      !this.options.bugs.has('metrics_miss_errors'),
    );
    let target = session;
    if (this.options.bugs.has('responses_to_wrong_client')) {
      const key = String(request.id);
      target = this.pendingById.get(key) ?? session;
      if (target === session) this.pendingById.delete(key);
    }
    if (target.open && !this.stopped && !drop) target.send(JSON.stringify(response));
  }

  private subscribe(
    session: Session,
    request: JsonRpcRequest,
    params: unknown[],
    startedAt: number,
    answer: (response: JsonRpcResponse) => void,
    invalid: (why: string) => void,
  ): void {
    const kind = params[0];
    if (kind !== 'newHeads' && kind !== 'logs') {
      invalid('subscription kind must be newHeads or logs');
      return;
    }
    if (kind === 'newHeads' && params.length !== 1) {
      invalid('newHeads takes no filter');
      return;
    }
    if (kind === 'logs' && (params.length > 2 || validateLogFilter(params[1], false) !== undefined)) {
      invalid(validateLogFilter(params[1], false) ?? 'expected ["logs", filter]');
      return;
    }
    const filter = kind === 'logs' ? normalizeFilter((params[1] ?? {}) as LogFilter) : undefined;
    const key = kind === 'newHeads' ? 'newHeads' : `logs:${JSON.stringify(filter)}`;
    const id = hash32(`subscription:${this.options.incarnation}:${this.nextSubscription++}`).slice(0, 34);
    let feed = this.feeds.get(key);
    const fresh = feed === undefined;
    if (feed === undefined) {
      // Planted bug logs_ignore_topics: the upstream is asked for the address alone.
      const upstreamFilter =
        filter !== undefined && this.options.bugs.has('logs_ignore_topics') ? withoutTopics(filter) : filter;
      feed = new Feed(key, kind, upstreamFilter, this.feedContext);
      this.feeds.set(key, feed);
    }
    feed.subscribers.add(id);
    session.subscriptions.add(id);
    const truth: ProxySubscriptionTruth = {
      id,
      client: session.client,
      kind,
      createdAt: startedAt,
      ...(filter !== undefined ? { filter } : {}),
      ...(feed.upstream !== undefined ? { upstream: feed.upstream } : {}),
    };
    this.subscriptions.set(id, { session, feed, truth });
    if (feed.status !== 'placing') {
      this.options.records.subscriptions.push(truth);
      answer(jsonRpcResult(request.id, id));
      return;
    }
    let waiting = this.pendingSubscribes.get(feed);
    if (waiting === undefined) {
      waiting = [];
      this.pendingSubscribes.set(feed, waiting);
    }
    waiting.push({ session, request, startedAt, id });
    if (fresh) feed.place();
  }

  private placed(feed: Feed, error?: JsonRpcErrorObject): void {
    const waiting = this.pendingSubscribes.get(feed) ?? [];
    this.pendingSubscribes.delete(feed);
    if (error !== undefined && this.feeds.get(feed.key) === feed) this.feeds.delete(feed.key);
    for (const pending of waiting) {
      const sub = this.subscriptions.get(pending.id);
      const method = 'eth_subscribe';
      if (error !== undefined || sub === undefined) {
        if (sub !== undefined) {
          this.subscriptions.delete(pending.id);
          pending.session.subscriptions.delete(pending.id);
          feed.subscribers.delete(pending.id);
        }
        this.answer(
          pending.session,
          pending.request,
          method,
          pending.startedAt,
          jsonRpcError(
            pending.request.id,
            error?.code ?? JSON_RPC_ERRORS.noUpstream,
            error?.message ?? 'subscription ended before it started',
          ),
        );
        continue;
      }
      if (feed.upstream !== undefined) sub.truth.upstream = feed.upstream;
      this.options.records.subscriptions.push(sub.truth);
      this.answer(
        pending.session,
        pending.request,
        method,
        pending.startedAt,
        jsonRpcResult(pending.request.id, pending.id),
      );
    }
    // Every subscriber left while it was being placed: give it back.
    if (error === undefined && feed.subscribers.size === 0) {
      feed.close();
      if (this.feeds.get(feed.key) === feed) this.feeds.delete(feed.key);
    }
  }

  private removeSubscription(id: string, reason: 'unsubscribed' | 'disconnected'): void {
    const sub = this.subscriptions.get(id);
    if (sub === undefined) return;
    this.subscriptions.delete(id);
    sub.session.subscriptions.delete(id);
    sub.feed.subscribers.delete(id);
    if (sub.truth.endedAt === undefined) {
      sub.truth.endedAt = this.options.timers.now();
      sub.truth.endReason = reason;
    }
    if (sub.feed.subscribers.size === 0 && sub.feed.status !== 'placing') {
      sub.feed.close();
      if (this.feeds.get(sub.feed.key) === sub.feed) this.feeds.delete(sub.feed.key);
    }
  }

  private deliver(feed: Feed, result: Head | Log): void {
    // Planted bug notification_to_wrong_session: every push goes down the first subscriber's connection.
    const first = this.options.bugs.has('notification_to_wrong_session')
      ? this.subscriptions.get([...feed.subscribers][0] ?? '')?.session
      : undefined;
    for (const id of feed.subscribers) {
      const sub = this.subscriptions.get(id);
      if (sub === undefined || !sub.session.open) continue;
      const session = first?.open ? first : sub.session;
      session.send(
        JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: id, result } }),
      );
    }
  }

  private admin(session: Session, request: JsonRpcRequest, params: unknown[]): void {
    let response: JsonRpcResponse;
    switch (request.method) {
      case 'shakedown_metrics':
        response = jsonRpcResult(request.id, this.metrics.snapshot());
        break;
      case 'shakedown_breakers':
        response = jsonRpcResult(request.id, this.pool.breakers());
        break;
      case 'shakedown_routing': {
        const since = typeof params[0] === 'number' && params[0] > 0 ? Math.floor(params[0]) : 0;
        const all = this.options.records.routing;
        response = jsonRpcResult(request.id, { total: all.length, decisions: all.slice(since) });
        break;
      }
      default: {
        const outcome = this.options.admin(request.method, params);
        response =
          'error' in outcome
            ? { jsonrpc: '2.0', id: request.id, error: outcome.error }
            : jsonRpcResult(request.id, outcome.result);
      }
    }
    session.send(JSON.stringify(response));
  }
}

/** Filters with the same meaning share a feed: hex lowercased, empty parts dropped. */
function normalizeFilter(filter: LogFilter): LogFilter {
  const lower = (value: string): `0x${string}` => value.toLowerCase() as `0x${string}`;
  const out: LogFilter = {};
  if (filter.address !== undefined) {
    out.address = Array.isArray(filter.address) ? filter.address.map(lower) : lower(filter.address);
  }
  if (filter.topics !== undefined && filter.topics.length > 0) {
    out.topics = filter.topics.map((topic) =>
      topic === null ? null : Array.isArray(topic) ? topic.map(lower) : lower(topic),
    );
  }
  return out;
}

/** The filter with its topics left out (planted bug logs_ignore_topics). */
function withoutTopics(filter: LogFilter): LogFilter {
  const { topics: _topics, ...rest } = filter;
  return rest;
}

/** A numeric eth_getLogs range wider than the limit. */
function rangeProblem(filter: unknown): string | undefined {
  const range = filter as { fromBlock?: unknown; toBlock?: unknown };
  const from = fromHexQuantity(range.fromBlock);
  const to = fromHexQuantity(range.toBlock);
  if (from !== undefined && to !== undefined && to - from + 1 > MAX_LOG_RANGE_BLOCKS)
    return `range over ${MAX_LOG_RANGE_BLOCKS} blocks`;
  return undefined;
}
