import type { BreakerReport, BreakerTransition } from '../../domains/feeds/protocol/breaker-state.ts';
import type { Head } from '../../domains/feeds/protocol/chain-types.ts';
import type { FeedsConfig } from '../../domains/feeds/protocol/feeds-config.ts';
import { fromHexQuantity } from '../../domains/feeds/protocol/hex-quantity.ts';
import { JSON_RPC_ERRORS } from '../../domains/feeds/protocol/json-rpc.ts';
import type { Ineligibility } from '../../domains/feeds/protocol/routing-decision.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { MetricsRecorder } from './metrics-recorder.ts';
import type { Timers } from './timers.ts';
import { UpstreamConnection, type UpstreamDialer, type UpstreamOutcome } from './upstream-connection.ts';

type Connection = UpstreamConnection;

import type { Candidate } from './upstream-selector.ts';

/** Successful-call latencies kept per upstream and method for the `fastest` strategy. */
const LATENCY_WINDOW = 16;

/** Why an upstream stopped being eligible, as a failover reason. */
export type DownReason = 'connection_lost' | 'breaker_open' | 'lagging';

export interface UpstreamPoolEvents {
  /** An upstream stopped being eligible (subscriptions on it must move). */
  down(upstream: string, reason: DownReason): void;
  /** An upstream became eligible (waiting subscriptions can be placed). */
  up(upstream: string): void;
  /** A head from an upstream's watcher subscription, in order with its other pushes. */
  head(upstream: string, head: Head): void;
  /** A push for one of the proxy's subscriptions on that upstream. */
  notification(upstream: string, subscription: string, result: unknown): void;
  breakerTransition(transition: BreakerTransition): void;
}

export interface UpstreamPoolOptions {
  names: readonly string[];
  config: FeedsConfig;
  timers: Timers;
  dialer: UpstreamDialer;
  metrics: MetricsRecorder;
  events: UpstreamPoolEvents;
  neverHalfOpens: boolean;
  ignoresRecoveryTimeout: boolean;
  /** Planted bug breaker_opens_early. */
  breakerOpensEarly?: boolean;
}

interface Upstream {
  name: string;
  connection?: Connection;
  connecting: boolean;
  /** The watcher (newHeads) subscription id, once it is in place. */
  watcher?: string;
  head?: { number: number; hash: string };
  breaker: CircuitBreaker;
  latencies: Map<string, number[]>;
  cancelReconnect?: () => void;
  /** Bumped on each new connection, so late callbacks of an old one are ignored. */
  generation: number;
}

/**
 * The proxy's upstreams: one connection each (dialed again after a loss), a watcher newHeads
 * subscription on each for its head, a circuit breaker each, and recent latencies. It tells
 * the proxy when an upstream stops or starts being eligible: connected with its watcher in
 * place, breaker closed, and not lagging (head no more than lagThresholdBlocks behind the best).
 */
export class UpstreamPool {
  private readonly upstreams: Upstream[];
  private eligibleNow = new Set<string>();
  /** Set when the proxy dies: nothing that comes back after is accounted or reported. */
  private stopped = false;

  constructor(private readonly options: UpstreamPoolOptions) {
    this.upstreams = options.names.map((name) => {
      const upstream: Upstream = {
        name,
        connecting: false,
        latencies: new Map(),
        generation: 0,
        breaker: undefined as unknown as CircuitBreaker,
      };
      upstream.breaker = new CircuitBreaker({
        upstream: name,
        failureThreshold: options.config.breakerFailureThreshold,
        recoveryMs: options.config.breakerRecoveryMs,
        timers: options.timers,
        neverHalfOpens: options.neverHalfOpens,
        ignoresRecoveryTimeout: options.ignoresRecoveryTimeout,
        opensEarly: options.breakerOpensEarly === true,
        onTransition: (transition) => {
          options.events.breakerTransition(transition);
          this.refresh();
        },
        onHalfOpen: () => this.probe(upstream),
      });
      return upstream;
    });
  }

  start(): void {
    for (const upstream of this.upstreams) this.connect(upstream);
  }

  stop(): void {
    this.stopped = true;
    for (const upstream of this.upstreams) {
      upstream.cancelReconnect?.();
      upstream.breaker.stop();
      upstream.connection?.close();
      upstream.connection = undefined;
    }
  }

  get names(): string[] {
    return this.upstreams.map((u) => u.name);
  }

  isEligible(name: string): boolean {
    return this.eligibleNow.has(name);
  }

  headOf(name: string): { number: number; hash: string } | undefined {
    return this.find(name)?.head;
  }

  breakers(): BreakerReport[] {
    return this.upstreams.map((u) => u.breaker.report());
  }

  /** Every upstream in priority order, with why it cannot take a call of `method` now. */
  candidates(method: string, exclude: ReadonlySet<string>): Candidate[] {
    return this.upstreams.map((u) => {
      const why = exclude.has(u.name) ? 'tried' : this.ineligibility(u);
      const samples = u.latencies.get(method);
      const candidate: Candidate = { name: u.name };
      if (why !== undefined) candidate.ineligible = why;
      if (samples !== undefined && samples.length > 0)
        candidate.meanLatencyMs = samples.reduce((a, b) => a + b, 0) / samples.length;
      return candidate;
    });
  }

  /**
   * Sends a call to an upstream and accounts for it (metrics, breaker, latency): an error
   * answer, a timeout or a lost connection is a failure; an answer saying the request itself
   * was bad is not the upstream's fault.
   */
  call(name: string, method: string, params: unknown[], done: (outcome: UpstreamOutcome) => void): void {
    const upstream = this.find(name);
    if (upstream?.connection === undefined || !upstream.connection.open) {
      done({
        ok: false,
        kind: 'connection',
        error: { code: JSON_RPC_ERRORS.noUpstream, message: `not connected to ${name}` },
        latencyMs: 0,
      });
      return;
    }
    this.send(upstream, upstream.connection, method, params, false, done);
  }

  private send(
    upstream: Upstream,
    connection: Connection,
    method: string,
    params: unknown[],
    probe: boolean,
    done: (outcome: UpstreamOutcome) => void,
  ): void {
    const metrics = this.options.metrics;
    metrics.upstreamStarted(upstream.name);
    connection.call(method, params, (outcome) => {
      if (this.stopped) return;
      const failed = !outcome.ok && !clientFault(outcome.error.code);
      metrics.upstreamAnswered(upstream.name, outcome.latencyMs, outcome.ok ? 'ok' : outcome.kind);
      if (outcome.ok) this.recordLatency(upstream, method, outcome.latencyMs);
      if (!probe) {
        if (failed) upstream.breaker.failure();
        else upstream.breaker.success();
      }
      done(outcome);
    });
  }

  private recordLatency(upstream: Upstream, method: string, ms: number): void {
    let samples = upstream.latencies.get(method);
    if (samples === undefined) {
      samples = [];
      upstream.latencies.set(method, samples);
    }
    samples.push(ms);
    if (samples.length > LATENCY_WINDOW) samples.shift();
  }

  private find(name: string): Upstream | undefined {
    return this.upstreams.find((u) => u.name === name);
  }

  private ineligibility(upstream: Upstream): Ineligibility | undefined {
    if (upstream.connection === undefined || !upstream.connection.open || upstream.watcher === undefined)
      return 'disconnected';
    if (upstream.breaker.state === 'open') return 'breaker_open';
    if (upstream.breaker.state === 'half_open') return 'breaker_half_open';
    const best = this.bestHead();
    if (best !== undefined && (upstream.head?.number ?? -1) < best - this.options.config.lagThresholdBlocks)
      return 'lagging';
    return undefined;
  }

  /** The highest head among connected upstreams with a watcher. */
  private bestHead(): number | undefined {
    let best: number | undefined;
    for (const u of this.upstreams) {
      if (u.connection?.open && u.watcher !== undefined && u.head !== undefined)
        best = Math.max(best ?? u.head.number, u.head.number);
    }
    return best;
  }

  /** Recomputes who is eligible and tells the proxy what changed. */
  refresh(): void {
    const before = this.eligibleNow;
    const now = new Set<string>();
    const reasons = new Map<string, DownReason>();
    for (const u of this.upstreams) {
      const why = this.ineligibility(u);
      if (why === undefined) now.add(u.name);
      else
        reasons.set(
          u.name,
          why === 'lagging' ? 'lagging' : why === 'disconnected' ? 'connection_lost' : 'breaker_open',
        );
    }
    this.eligibleNow = now;
    for (const u of this.upstreams) {
      if (before.has(u.name) && !now.has(u.name))
        this.options.events.down(u.name, reasons.get(u.name) ?? 'connection_lost');
    }
    for (const u of this.upstreams) {
      if (!before.has(u.name) && now.has(u.name)) this.options.events.up(u.name);
    }
  }

  /**
   * Dials an upstream; once connected, places the watcher. A refused dial is a failure; while
   * the breaker stays closed the pool dials again after reconnectDelayMs.
   */
  private connect(upstream: Upstream, then?: (ok: boolean) => void): void {
    if (upstream.connecting || upstream.connection?.open) {
      then?.(upstream.connection?.open === true && upstream.watcher !== undefined);
      return;
    }
    upstream.connecting = true;
    const generation = ++upstream.generation;
    let connection: Connection | undefined;
    this.options.dialer(
      upstream.name,
      {
        frame: (text) => connection?.frame(text),
        closed: () => connection?.closed(),
      },
      (link) => {
        if (generation !== upstream.generation || this.stopped) {
          link?.close();
          return;
        }
        upstream.connecting = false;
        if (link === undefined) {
          this.options.metrics.upstreamStarted(upstream.name);
          this.options.metrics.upstreamAnswered(upstream.name, 0, 'connection');
          if (then) then(false);
          else {
            upstream.breaker.failure();
            this.scheduleReconnect(upstream);
          }
          return;
        }
        connection = new UpstreamConnection({
          upstream: upstream.name,
          link,
          timers: this.options.timers,
          timeoutMs: this.options.config.requestTimeoutMs,
          onNotification: (subscription, result) => {
            if (subscription === upstream.watcher) this.watched(upstream, result);
            else this.options.events.notification(upstream.name, subscription, result);
          },
          onClosed: () => this.lost(upstream, generation),
        });
        upstream.connection = connection;
        this.watch(upstream, connection, then);
      },
    );
  }

  /** Places the watcher subscription on a fresh connection. */
  private watch(upstream: Upstream, connection: Connection, then?: (ok: boolean) => void): void {
    this.send(upstream, connection, 'eth_subscribe', ['newHeads'], then !== undefined, (outcome) => {
      if (upstream.connection !== connection || !connection.open) {
        then?.(false);
        return;
      }
      if (!outcome.ok || typeof outcome.result !== 'string') {
        if (then) {
          then(false);
          return;
        }
        // Try again on the same connection while the breaker lets calls through.
        this.options.timers.after(this.options.config.reconnectDelayMs, () => {
          if (upstream.connection === connection && connection.open && upstream.breaker.state === 'closed')
            this.watch(upstream, connection);
        });
        return;
      }
      const watcher = outcome.result;
      // Its head now, so that lag is judged from the start, not from the first block pushed.
      this.send(
        upstream,
        connection,
        'eth_getBlockByNumber',
        ['latest', false],
        then !== undefined,
        (latest) => {
          if (upstream.connection !== connection || !connection.open) {
            then?.(false);
            return;
          }
          const head = latest.ok ? (latest.result as Head | null) : null;
          const number = fromHexQuantity(head?.number);
          if (
            head !== null &&
            number !== undefined &&
            (upstream.head === undefined || upstream.head.number < number)
          )
            upstream.head = { number, hash: head.hash };
          upstream.watcher = watcher;
          then?.(true);
          this.refresh();
        },
      );
    });
  }

  private watched(upstream: Upstream, result: unknown): void {
    const head = result as Head;
    const number = fromHexQuantity(head?.number);
    if (number === undefined || typeof head.hash !== 'string') return;
    upstream.head = { number, hash: head.hash };
    this.options.events.head(upstream.name, head);
    this.refresh();
  }

  /** The connection closed under us: a failure, and a redial while the breaker is closed. */
  private lost(upstream: Upstream, generation: number): void {
    if (generation !== upstream.generation || this.stopped) return;
    upstream.connection = undefined;
    upstream.watcher = undefined;
    upstream.breaker.failure();
    this.refresh();
    this.scheduleReconnect(upstream);
  }

  private scheduleReconnect(upstream: Upstream): void {
    upstream.cancelReconnect?.();
    upstream.cancelReconnect = undefined;
    if (upstream.breaker.state !== 'closed') return;
    upstream.cancelReconnect = this.options.timers.after(this.options.config.reconnectDelayMs, () => {
      upstream.cancelReconnect = undefined;
      if (upstream.breaker.state === 'closed') this.connect(upstream);
    });
  }

  /** The breaker half-opened: one probe (dial and watcher if needed, then eth_blockNumber). */
  private probe(upstream: Upstream): void {
    upstream.cancelReconnect?.();
    upstream.cancelReconnect = undefined;
    const ask = (): void => {
      const connection = upstream.connection;
      if (connection === undefined || !connection.open) {
        upstream.breaker.probeResult(false);
        return;
      }
      this.send(upstream, connection, 'eth_blockNumber', [], true, (outcome) => {
        upstream.breaker.probeResult(outcome.ok);
      });
    };
    if (upstream.connection?.open && upstream.watcher !== undefined) ask();
    else {
      upstream.connection?.close();
      upstream.connection = undefined;
      upstream.watcher = undefined;
      upstream.connecting = false;
      this.connect(upstream, (ok) => {
        if (ok) ask();
        else upstream.breaker.probeResult(false);
      });
    }
  }
}

/** Errors that say the request was bad, not that the upstream failed. */
function clientFault(code: number): boolean {
  return (
    code === JSON_RPC_ERRORS.invalidParams ||
    code === JSON_RPC_ERRORS.invalidRequest ||
    code === JSON_RPC_ERRORS.methodNotFound
  );
}
