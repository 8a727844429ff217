import { Observable, Subject } from 'rxjs';
import type { FrameDirection } from '../../core/faults/fault.ts';
import { isShakedownError, ShakedownError } from '../../core/shakedown-error.ts';
import type { ControlResult, UpstreamControl } from '../../domains/feeds/protocol/admin-methods.ts';
import type { FeedsBugName } from '../../domains/feeds/protocol/feeds-bugs.ts';
import {
  type FeedsConfig,
  upstreamLatency,
  upstreamName,
  validateFeedsConfig,
} from '../../domains/feeds/protocol/feeds-config.ts';
import type { FeedsSnapshot, UpstreamStatus } from '../../domains/feeds/protocol/feeds-snapshot.ts';
import { JSON_RPC_ERRORS } from '../../domains/feeds/protocol/json-rpc.ts';
import type { ProxyMetrics } from '../../domains/feeds/protocol/proxy-metrics.ts';
import { BugSwitches } from '../bugs/bug-switches.ts';
import { NetworkChain } from '../chain/network-chain.ts';
import { SimulatedUpstream, type UpstreamEndpoint } from '../chain/simulated-upstream.ts';
import { type AdminAnswer, FeedsProxy, type ProxyEndpoint, type ProxyRecords } from '../proxy/feeds-proxy.ts';
import { MetricsRecorder } from '../proxy/metrics-recorder.ts';
import { Timers } from '../proxy/timers.ts';
import type { UpstreamDialer } from '../proxy/upstream-connection.ts';
import type { FeedsClientConnection, FeedsDialer, FeedsHostOptions, ProxySession } from './feeds-host-api.ts';

/** One-way latency of the convenience dialer's client links, ms. */
const CLIENT_LATENCY_MS = 1;

/**
 * The reference feeds system in one process: the network's chain, N simulated upstreams and the
 * proxy in front of them, all on one scheduler (virtual time in-process, so a seed replays byte
 * for byte). Clients connect through `connect` (frames as text) or `dialer`; the simulation is
 * steered by `control` (kill, restart, lag, reorg, fail, pause, disconnect; the same as the
 * `shakedown_` admin methods), the proxy process by `crashProxy`/`restartProxy`/`pauseProxy`;
 * `snapshot` is the whole truth for the invariants.
 */
export class FeedsHost {
  readonly config: FeedsConfig;
  readonly bugs: readonly FeedsBugName[];
  private readonly network: NetworkChain;
  private readonly upstreams: SimulatedUpstream[];
  private readonly hostTimers: Timers;
  private proxy: FeedsProxy | undefined;
  private proxyTimers: Timers | undefined;
  private incarnation = 0;
  private readonly records: ProxyRecords = {
    routing: [],
    failovers: [],
    breakerTransitions: [],
    subscriptions: [],
    clients: [],
  };
  private readonly crashes: { at: number; restartedAt?: number }[] = [];
  /** While the proxy is paused: what reached it, to run in order when it resumes. */
  private proxyPaused: (() => void)[] | undefined;
  private stopped = false;

  constructor(private readonly options: FeedsHostOptions) {
    this.config = validateFeedsConfig({ ...options.config });
    this.bugs = [...(options.bugs ?? [])];
    const scheduler = options.scheduler;
    this.hostTimers = new Timers(scheduler);
    const now = scheduler.now();
    const genesisAt = options.genesisAt ?? now;
    const since = Math.max(0, Math.floor((now - genesisAt) / this.config.headIntervalMs));
    this.network = new NetworkChain({
      chainSeed: this.config.chainSeed,
      initialBlocks: this.config.initialBlocks + since,
      maxLogsPerBlock: this.config.maxLogsPerBlock,
      genesisAt,
    });
    this.upstreams = Array.from({ length: this.config.upstreams }, (_, index) => {
      return new SimulatedUpstream({
        name: upstreamName(index),
        index,
        config: this.config,
        network: this.network,
        scheduler,
        latencyMs: upstreamLatency(this.config, index),
      });
    });
    const firstMint = genesisAt + (since + 1) * this.config.headIntervalMs - now;
    this.hostTimers.after(firstMint, () => this.mint());
    this.startProxy();
  }

  /** Whether the proxy process is running (not crashed). */
  get proxyUp(): boolean {
    return this.proxy !== undefined;
  }

  /**
   * A client connects to the proxy: `onFrame` gets each frame the proxy sends it, `onClose`
   * says the proxy dropped it. The returned session takes the client's frames. While the
   * proxy is down the session comes back closed (and onClose is called at once).
   */
  connect(client: string, onFrame: (frame: string) => void, onClose?: () => void): ProxySession {
    const proxy = this.proxy;
    if (proxy === undefined) {
      onClose?.();
      return { client, open: false, receive() {}, close() {} };
    }
    const endpoint: ProxyEndpoint = proxy.connect(
      client,
      (frame) => onFrame(frame),
      () => onClose?.(),
    );
    return {
      client,
      get open() {
        return endpoint.open;
      },
      receive: (frame) => this.whenProxyRuns(() => endpoint.receive(frame)),
      close: () => endpoint.close(),
    };
  }

  /** Connections without chaos, one scheduler ms each way: for tests and simple targets. */
  readonly dialer: FeedsDialer = (client) =>
    new Observable<FeedsClientConnection>((subscriber) => {
      const scheduler = this.options.scheduler;
      const ready = scheduler.schedule(() => {
        if (this.proxy === undefined) {
          subscriber.error(new Error('connection refused: the proxy is down'));
          return;
        }
        const frames = new Subject<string>();
        let open = true;
        const session = this.connect(
          client,
          (frame) =>
            scheduler.schedule(() => {
              if (open) frames.next(frame);
            }, CLIENT_LATENCY_MS),
          () =>
            scheduler.schedule(() => {
              open = false;
              frames.complete();
            }, CLIENT_LATENCY_MS),
        );
        subscriber.next({
          frames$: frames.asObservable(),
          send: (frame) => {
            if (open) scheduler.schedule(() => session.receive(frame), CLIENT_LATENCY_MS);
          },
          close: () => {
            if (!open) return;
            open = false;
            session.close();
            frames.complete();
          },
        });
        subscriber.complete();
      }, CLIENT_LATENCY_MS);
      return () => ready.unsubscribe();
    });

  /**
   * Acts on the simulation. Throws ShakedownError SHK_FEEDS_CONTROL when it cannot act (an
   * unknown upstream, killing a dead one, restarting a live one, a reorg deeper than allowed):
   * a control that misses is never reported as done.
   */
  control(control: UpstreamControl): ControlResult {
    if (control.kind === 'reorg' && control.upstream === undefined)
      return { ok: true, detail: this.reorgNetwork(control.depth) };
    const upstream = this.upstream(control.upstream as string);
    let detail: string;
    switch (control.kind) {
      case 'kill':
        // Planted bug kill_silently_misses: the kill is reported done and nothing dies.
        detail = this.bugs.includes('kill_silently_misses') ? `${control.upstream} killed` : upstream.kill();
        break;
      case 'restart':
        detail = upstream.restart();
        break;
      case 'lag':
        detail = upstream.lag(control.blocks, control.ms);
        break;
      case 'fail':
        detail = upstream.fail(control.calls);
        break;
      case 'pause':
        detail = upstream.pause(control.ms);
        break;
      case 'disconnect':
        detail = upstream.disconnect();
        break;
      case 'reorg':
        this.checkDepth(control.depth);
        detail = upstream.fork(control.depth);
        break;
    }
    return { ok: true, detail };
  }

  /** SIGKILL of the proxy: every client and upstream connection drops, its memory is lost. */
  crashProxy(): void {
    const proxy = this.proxy;
    if (proxy === undefined) throw refused('the proxy is already down: nothing to crash');
    this.proxy = undefined;
    this.proxyPaused = undefined;
    this.crashes.push({ at: this.options.scheduler.now() });
    proxy.stop();
  }

  /** Starts a fresh proxy process (nothing of the old one's memory survives). */
  restartProxy(): void {
    if (this.proxy !== undefined) throw refused('the proxy is running: nothing to restart');
    const crash = this.crashes[this.crashes.length - 1];
    if (crash !== undefined) crash.restartedAt = this.options.scheduler.now();
    this.startProxy();
  }

  /**
   * SIGSTOP of the proxy for `ms`: frames from clients and upstreams wait and are handled in
   * order when it resumes (its timers are not stopped: a timeout that falls in the pause fires
   * as soon as it resumes would have, which is close enough for the reference).
   */
  pauseProxy(ms: number): void {
    if (this.proxy === undefined) throw refused('the proxy is down: nothing to pause');
    if (this.proxyPaused !== undefined) throw refused('the proxy is already paused');
    const waiting: (() => void)[] = [];
    this.proxyPaused = waiting;
    this.hostTimers.after(ms, () => {
      if (this.proxyPaused !== waiting) return;
      this.proxyPaused = undefined;
      for (const run of waiting) run();
    });
  }

  /**
   * The proxy is up and routes to every upstream that is alive and not paused: what a run waits
   * for before its first action (right after a start, the proxy is still dialing its upstreams
   * and a call would get noUpstream).
   */
  ready(): boolean {
    if (this.proxy === undefined || this.proxyPaused !== undefined) return false;
    const eligible = new Set(this.proxy.eligibleUpstreams());
    return this.upstreams.every((u) => !u.isAlive || u.isPaused || eligible.has(u.name));
  }

  /** The proxy's own telemetry (empty while it is down). */
  metrics(): ProxyMetrics {
    return this.proxy?.metricsSnapshot() ?? new MetricsRecorder(this.upstreams.map((u) => u.name)).snapshot();
  }

  upstreamStatuses(): UpstreamStatus[] {
    return this.upstreams.map((u) => u.status());
  }

  /** The whole truth now: chains, upstream calls and lives, and the proxy's records. */
  snapshot(): FeedsSnapshot {
    return {
      at: this.options.scheduler.now(),
      config: { ...this.config, upstreamLatencyMs: [...this.config.upstreamLatencyMs] },
      bugs: [...this.bugs],
      network: this.network.store.truth(),
      upstreams: this.upstreams.map((u) => u.truth()),
      proxy: {
        crashes: this.crashes.map((c) => ({ ...c })),
        breakerTransitions: this.records.breakerTransitions.map((t) => ({ ...t })),
        routing: this.records.routing.map((d) => ({ ...d })),
        failovers: this.records.failovers.map((f) => ({ ...f, backfilled: [...f.backfilled] })),
        subscriptions: this.records.subscriptions.map((s) => ({ ...s })),
        metrics: this.metrics(),
        clients: [...this.records.clients],
      },
    };
  }

  /** Nothing in motion: the proxy up, not paused, every feed live, no call waiting, no upstream paused. */
  settled(): boolean {
    if (this.proxy === undefined || this.proxyPaused !== undefined) return false;
    if (this.upstreams.some((u) => u.isPaused)) return false;
    return this.proxy.settled();
  }

  /** Stops everything: block production, the proxy, every timer. Safe to call twice. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.hostTimers.stop();
    this.proxy?.stop();
    this.proxy = undefined;
  }

  /** Answers the `shakedown_` methods the proxy leaves to the host. */
  private admin(method: string, params: unknown[]): AdminAnswer {
    const arg = (params[0] ?? {}) as Record<string, unknown>;
    const text = (key: string): string => String(arg[key] ?? '');
    const num = (key: string): number | undefined =>
      typeof arg[key] === 'number' ? (arg[key] as number) : undefined;
    try {
      switch (method) {
        case 'shakedown_upstreams':
          return { result: this.upstreamStatuses() };
        case 'shakedown_config':
          return { result: { config: this.config, bugs: [...this.bugs] } };
        case 'shakedown_snapshot':
          return { result: this.snapshot() };
        case 'shakedown_killUpstream':
          return { result: this.control({ kind: 'kill', upstream: text('upstream') }) };
        case 'shakedown_restartUpstream':
          return { result: this.control({ kind: 'restart', upstream: text('upstream') }) };
        case 'shakedown_lagUpstream':
          return {
            result: this.control({
              kind: 'lag',
              upstream: text('upstream'),
              blocks: num('blocks'),
              ms: num('ms'),
            }),
          };
        case 'shakedown_reorg': {
          const upstream = arg.upstream === undefined ? undefined : text('upstream');
          return {
            result: this.control({
              kind: 'reorg',
              depth: num('depth') ?? Number.NaN,
              ...(upstream !== undefined ? { upstream } : {}),
            }),
          };
        }
        case 'shakedown_failUpstream':
          return {
            result: this.control({ kind: 'fail', upstream: text('upstream'), calls: num('calls') ?? 0 }),
          };
        case 'shakedown_pauseUpstream':
          return { result: this.control({ kind: 'pause', upstream: text('upstream'), ms: num('ms') ?? 0 }) };
        case 'shakedown_disconnectUpstream':
          return { result: this.control({ kind: 'disconnect', upstream: text('upstream') }) };
        default:
          return { error: { code: JSON_RPC_ERRORS.methodNotFound, message: `method not found: ${method}` } };
      }
    } catch (error) {
      if (!isShakedownError(error)) throw error;
      return { error: { code: JSON_RPC_ERRORS.controlRefused, message: error.message, data: error.context } };
    }
  }

  private startProxy(): void {
    this.incarnation++;
    const timers = new Timers(this.options.scheduler);
    this.proxyTimers = timers;
    this.proxy = new FeedsProxy({
      config: this.config,
      bugs: new BugSwitches(this.bugs),
      timers,
      dialer: this.dialUpstream,
      upstreams: this.upstreams.map((u) => u.name),
      records: this.records,
      admin: (method, params) => this.admin(method, params),
      incarnation: this.incarnation,
    });
  }

  private whenProxyRuns(run: () => void): void {
    if (this.proxyPaused !== undefined) this.proxyPaused.push(run);
    else run();
  }

  /**
   * Links the proxy to an upstream: frames as text, the upstream's latency each way, through the
   * tap when there is one; a close reaches the other side one latency later, and frames still
   * in flight then are lost (a kill is abrupt).
   */
  private readonly dialUpstream: UpstreamDialer = (name, handlers, done) => {
    const scheduler = this.options.scheduler;
    const upstream = this.upstream(name);
    const latency = upstreamLatency(this.config, this.upstreams.indexOf(upstream));
    const timers = this.proxyTimers as Timers;
    timers.after(latency, () => {
      const link = { open: true, established: false };
      let endpoint: UpstreamEndpoint | undefined;
      const deliver = (direction: FrameDirection, frame: string): void => {
        scheduler.schedule(() => {
          if (!link.open) return;
          if (direction === 'to_target') endpoint?.receive(frame);
          else this.whenProxyRuns(() => link.open && handlers.frame(frame));
        }, latency);
      };
      // The link lost: the upstream and the proxy each notice one latency later.
      const cut = (): void => {
        if (!link.open || !link.established) return;
        link.open = false;
        const accepted = endpoint;
        if (accepted !== undefined) scheduler.schedule(() => accepted.closed(), latency);
        timers.after(latency, () => this.whenProxyRuns(() => handlers.closed()));
      };
      const pass = this.options.upstreamTap?.(name, deliver, cut) ?? deliver;
      endpoint = upstream.accept({
        send: (frame) => {
          if (link.open) pass('from_target', frame);
        },
        close: () => {
          if (!link.open) return;
          link.open = false;
          timers.after(latency, () => this.whenProxyRuns(() => handlers.closed()));
        },
      });
      const accepted = endpoint;
      timers.after(latency, () => {
        if (accepted === undefined) {
          done(undefined);
          return;
        }
        link.established = link.open;
        done({
          send: (frame) => {
            if (link.open) pass('to_target', frame);
          },
          close: () => {
            if (!link.open) return;
            link.open = false;
            scheduler.schedule(() => accepted.closed(), latency);
          },
        });
      });
    });
  };

  private mint(): void {
    this.network.mint(this.options.scheduler.now());
    for (const upstream of this.upstreams) upstream.networkChanged();
    this.hostTimers.after(this.config.headIntervalMs, () => this.mint());
  }

  private reorgNetwork(depth: number): string {
    this.checkDepth(depth);
    if (depth > this.network.height)
      throw refused(`cannot reorg ${depth} blocks at height ${this.network.height}`);
    const tip = this.network.reorg(depth, this.options.scheduler.now());
    for (const upstream of this.upstreams) upstream.networkChanged();
    return `network reorged ${depth} blocks deep: new tip ${tip.number} ${tip.head.hash}`;
  }

  private checkDepth(depth: number): void {
    if (!Number.isInteger(depth) || depth < 1 || depth > this.config.maxReorgDepth)
      throw refused(
        `reorg depth must be an integer from 1 to maxReorgDepth ${this.config.maxReorgDepth}, not ${depth}`,
      );
  }

  private upstream(name: string): SimulatedUpstream {
    const upstream = this.upstreams.find((u) => u.name === name);
    if (upstream === undefined)
      throw new ShakedownError('SHK_FEEDS_CONTROL', `no upstream named ${JSON.stringify(name)}`, {
        context: { upstream: name, upstreams: this.upstreams.map((u) => u.name) },
      });
    return upstream;
  }
}

function refused(message: string): ShakedownError {
  return new ShakedownError('SHK_FEEDS_CONTROL', message);
}
