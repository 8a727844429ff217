import type { SchedulerLike } from 'rxjs';
import { ShakedownError } from '../../core/shakedown-error.ts';
import type { Head, Log, LogFilter, LogRangeFilter } from '../../domains/feeds/protocol/chain-types.ts';
import { logMatchesFilter } from '../../domains/feeds/protocol/chain-types.ts';
import type { FeedsConfig } from '../../domains/feeds/protocol/feeds-config.ts';
import { MAX_LOG_RANGE_BLOCKS } from '../../domains/feeds/protocol/feeds-methods.ts';
import type {
  UpstreamCallRecord,
  UpstreamLifeEvent,
  UpstreamStatus,
  UpstreamTruth,
} from '../../domains/feeds/protocol/feeds-snapshot.ts';
import { fromHexQuantity, toHexQuantity } from '../../domains/feeds/protocol/hex-quantity.ts';
import {
  isJsonRpcRequest,
  JSON_RPC_ERRORS,
  type JsonRpcRequest,
  type JsonRpcResponse,
  jsonRpcError,
  jsonRpcResult,
  parseJsonRpcFrame,
} from '../../domains/feeds/protocol/json-rpc.ts';
import { validateLogFilter } from '../proxy/validate-params.ts';
import { type ChainChange, ChainStore } from './chain-store.ts';
import type { NetworkChain } from './network-chain.ts';

/** How the upstream talks back on one connection (the link delivers it, with latency). */
export interface UpstreamPeer {
  send(frame: string): void;
  /** The upstream ends the connection (it died, or dropped the client). */
  close(): void;
}

/** The upstream's end of one connection. */
export interface UpstreamEndpoint {
  receive(frame: string): void;
  /** The other side closed it. */
  closed(): void;
}

interface Connection {
  peer: UpstreamPeer;
  open: boolean;
  subscriptions: Map<string, { kind: 'newHeads' | 'logs'; filter: LogFilter }>;
}

export interface SimulatedUpstreamOptions {
  name: string;
  index: number;
  config: FeedsConfig;
  network: NetworkChain;
  scheduler: SchedulerLike;
  latencyMs: number;
}

/**
 * One simulated upstream provider: a node that follows the network's chain (late by its lag),
 * answers the feeds methods from its own copy, pushes newHeads and logs to its subscribers
 * (with removed logs and the new branch's heads on a reorg, as geth does), and can be killed,
 * restarted, paused, told to lag, fork or fail its next calls. Everything runs on the given
 * scheduler; every call it received and every life event is kept for the snapshot.
 */
export class SimulatedUpstream {
  readonly store = new ChainStore();
  private alive = true;
  private lagBlocks = 0;
  private lagMs = 0;
  private failNext = 0;
  private paused: (() => void)[] | undefined;
  /** While forked privately: the network height at the fork; the fork is abandoned once the network passes it. */
  private forkedAt: number | undefined;
  private readonly connections = new Set<Connection>();
  private readonly calls: UpstreamCallRecord[] = [];
  private readonly life: UpstreamLifeEvent[] = [];
  private notificationsSent = 0;
  private nextSubscription = 1;

  constructor(private readonly options: SimulatedUpstreamOptions) {
    this.store.adopt(options.network.store.canonical, options.network.height, this.now(), 'network');
  }

  get name(): string {
    return this.options.name;
  }

  get isAlive(): boolean {
    return this.alive;
  }

  get isPaused(): boolean {
    return this.paused !== undefined;
  }

  /** A new connection, or undefined when the upstream is dead (connection refused). */
  accept(peer: UpstreamPeer): UpstreamEndpoint | undefined {
    if (!this.alive) return undefined;
    const connection: Connection = { peer, open: true, subscriptions: new Map() };
    this.connections.add(connection);
    return {
      receive: (frame) => {
        if (!connection.open) return;
        this.whenRunning(() => {
          if (connection.open) this.handle(connection, frame);
        });
      },
      closed: () => {
        connection.open = false;
        this.connections.delete(connection);
      },
    };
  }

  /** The network changed (a block, a reorg): follow it after this upstream's lag. */
  networkChanged(): void {
    if (!this.alive) return;
    const height = this.options.network.height;
    if (this.lagMs <= 0) this.whenRunning(() => this.sync(height));
    else this.options.scheduler.schedule(() => this.whenRunning(() => this.sync(height)), this.lagMs);
  }

  kill(): string {
    if (!this.alive) throw refused(`upstream ${this.name} is already dead: nothing to kill`, this.name);
    this.alive = false;
    this.paused = undefined;
    this.forkedAt = undefined;
    this.event('killed');
    this.dropConnections();
    return `${this.name} killed`;
  }

  restart(): string {
    if (this.alive) throw refused(`upstream ${this.name} is alive: nothing to restart`, this.name);
    this.alive = true;
    this.lagBlocks = 0;
    this.lagMs = 0;
    this.failNext = 0;
    this.event('restarted', `synced to ${this.options.network.height}`);
    this.sync(this.options.network.height);
    return `${this.name} restarted at block ${this.store.height}`;
  }

  lag(blocks: number | undefined, ms: number | undefined): string {
    this.requireAlive('lag');
    if (blocks !== undefined) this.lagBlocks = Math.max(0, Math.floor(blocks));
    if (ms !== undefined) this.lagMs = Math.max(0, Math.floor(ms));
    this.event('lag', `${this.lagBlocks} blocks, ${this.lagMs} ms`);
    // Less lag than before: catch up at once.
    this.whenRunning(() => this.sync(this.options.network.height));
    return `${this.name} lags ${this.lagBlocks} blocks and ${this.lagMs} ms`;
  }

  fail(calls: number): string {
    this.requireAlive('fail');
    this.failNext += Math.max(0, Math.floor(calls));
    this.event('fail_armed', `${this.failNext} calls`);
    return `${this.name} fails its next ${this.failNext} calls`;
  }

  /** Forks privately: its top `depth` blocks are replaced by a branch only it has. */
  fork(depth: number): string {
    this.requireAlive('fork');
    if (this.paused !== undefined)
      throw refused(`upstream ${this.name} is paused: cannot fork it`, this.name);
    const forkPoint = this.store.height - depth;
    if (depth < 1 || forkPoint < 0)
      throw refused(
        `cannot fork ${this.name} ${depth} blocks deep at height ${this.store.height}`,
        this.name,
      );
    const branch = this.options.network.newBranch(forkPoint, depth, this.now());
    // newBranch builds on the network's block at forkPoint: the same as this upstream's when it is not already forked.
    if (branch[0].head.parentHash !== this.store.block(forkPoint)?.head.hash)
      throw refused(`${this.name} is already on a fork below block ${forkPoint + 1}`, this.name);
    const change = this.store.replaceTop(forkPoint, branch, this.now(), 'fork');
    this.forkedAt = this.options.network.height;
    this.event('forked', `${depth} blocks from ${forkPoint + 1}`);
    this.announce(change);
    return `${this.name} forked ${depth} blocks deep`;
  }

  pause(ms: number): string {
    this.requireAlive('pause');
    if (this.paused !== undefined) throw refused(`upstream ${this.name} is already paused`, this.name);
    const waiting: (() => void)[] = [];
    this.paused = waiting;
    this.event('paused', `${ms} ms`);
    this.options.scheduler.schedule(
      () => {
        if (this.paused !== waiting) return;
        this.paused = undefined;
        this.event('resumed');
        for (const run of waiting) run();
        this.sync(this.options.network.height);
      },
      Math.max(0, ms),
    );
    return `${this.name} paused for ${ms} ms`;
  }

  /** Drops every connection (the upstream lives on): clients must reconnect. */
  disconnect(): string {
    this.requireAlive('disconnect');
    const count = this.connections.size;
    if (count === 0) throw refused(`upstream ${this.name} has no connection to drop`, this.name);
    this.event('disconnected', `${count} connections`);
    this.dropConnections();
    return `${this.name} dropped ${count} connections`;
  }

  status(): UpstreamStatus {
    let subscriptions = 0;
    for (const connection of this.connections) subscriptions += connection.subscriptions.size;
    return {
      name: this.name,
      index: this.options.index,
      alive: this.alive,
      headNumber: this.store.height,
      headHash: this.store.tip.head.hash,
      lagBlocks: this.lagBlocks,
      lagMs: this.lagMs,
      failNext: this.failNext,
      latencyMs: this.options.latencyMs,
      connections: this.connections.size,
      subscriptions,
    };
  }

  truth(): UpstreamTruth {
    return {
      ...this.store.truth(),
      status: this.status(),
      calls: this.calls.map((call) => ({ ...call })),
      notificationsSent: this.notificationsSent,
      life: this.life.map((event) => ({ ...event })),
    };
  }

  private now(): number {
    return this.options.scheduler.now();
  }

  private event(event: UpstreamLifeEvent['event'], detail?: string): void {
    this.life.push(detail === undefined ? { at: this.now(), event } : { at: this.now(), event, detail });
  }

  private requireAlive(what: string): void {
    if (!this.alive) throw refused(`upstream ${this.name} is dead: cannot ${what} it`, this.name);
  }

  private whenRunning(run: () => void): void {
    if (!this.alive) return;
    if (this.paused !== undefined) this.paused.push(run);
    else run();
  }

  private dropConnections(): void {
    for (const connection of this.connections) {
      connection.open = false;
      connection.peer.close();
    }
    this.connections.clear();
  }

  /** Follows the network up to `networkHeight` less the block lag. */
  private sync(networkHeight: number): void {
    if (!this.alive) return;
    const network = this.options.network;
    const cause = this.forkedAt !== undefined ? 'rejoin' : 'network';
    if (this.forkedAt !== undefined) {
      if (network.height <= this.forkedAt) return;
      this.forkedAt = undefined;
    }
    const upTo = Math.min(networkHeight, network.height) - this.lagBlocks;
    if (upTo < 0) return;
    this.announce(this.store.adopt(network.store.canonical, upTo, this.now(), cause));
  }

  /** Pushes a chain change to every subscriber: removed logs, then per block its logs and its head. */
  private announce(change: ChainChange): void {
    if (change.removed.length === 0 && change.added.length === 0) return;
    for (const connection of this.connections) {
      if (!connection.open) continue;
      const subs = [...connection.subscriptions];
      for (const log of change.removed) this.pushLog(connection, subs, log);
      for (const block of change.added) {
        for (const log of block.logs) this.pushLog(connection, subs, log);
        for (const [id, sub] of subs) if (sub.kind === 'newHeads') this.push(connection, id, block.head);
      }
    }
  }

  private pushLog(
    connection: Connection,
    subs: [string, { kind: string; filter: LogFilter }][],
    log: Log,
  ): void {
    for (const [id, sub] of subs)
      if (sub.kind === 'logs' && logMatchesFilter(log, sub.filter)) this.push(connection, id, log);
  }

  private push(connection: Connection, subscription: string, result: Head | Log): void {
    this.notificationsSent++;
    connection.peer.send(
      JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription, result } }),
    );
  }

  private handle(connection: Connection, frame: string): void {
    const message = parseJsonRpcFrame(frame);
    if (!isJsonRpcRequest(message)) {
      if ('error' in message) connection.peer.send(JSON.stringify(message));
      return;
    }
    const record: UpstreamCallRecord = {
      id: typeof message.id === 'number' ? message.id : Number(message.id),
      method: message.method,
      params: message.params,
      receivedAt: this.now(),
    };
    this.calls.push(record);
    let response: JsonRpcResponse;
    if (this.failNext > 0) {
      this.failNext--;
      response = jsonRpcError(
        message.id,
        JSON_RPC_ERRORS.upstreamError,
        `${this.name}: upstream error (injected)`,
      );
    } else {
      response = this.answer(connection, message);
    }
    record.answeredAt = this.now();
    if ('error' in response) {
      record.outcome = 'error';
      record.summary = response.error.message;
    } else {
      record.outcome = 'result';
      record.summary = summarize(response.result);
    }
    connection.peer.send(JSON.stringify(response));
  }

  private answer(connection: Connection, request: JsonRpcRequest): JsonRpcResponse {
    const params = Array.isArray(request.params) ? (request.params as unknown[]) : [];
    const invalid = (why: string): JsonRpcResponse =>
      jsonRpcError(request.id, JSON_RPC_ERRORS.invalidParams, `invalid params: ${why}`);
    switch (request.method) {
      case 'eth_blockNumber':
        return jsonRpcResult(request.id, toHexQuantity(this.store.height));
      case 'eth_getBlockByNumber': {
        const number = this.blockNumberOf(params[0]);
        if (number === undefined) return invalid('block number');
        return jsonRpcResult(request.id, this.store.block(number)?.head ?? null);
      }
      case 'eth_getLogs': {
        const filter = params[0] as LogRangeFilter | undefined;
        const why = validateLogFilter(filter, true);
        if (why !== undefined) return invalid(why);
        const range = filter as LogRangeFilter;
        const from = this.blockNumberOf(range.fromBlock ?? 'latest');
        const to = Math.min(this.blockNumberOf(range.toBlock ?? 'latest') ?? -1, this.store.height);
        if (from === undefined) return invalid('fromBlock');
        if (to - from + 1 > MAX_LOG_RANGE_BLOCKS) return invalid(`range over ${MAX_LOG_RANGE_BLOCKS} blocks`);
        const logs: Log[] = [];
        for (let n = Math.max(0, from); n <= to; n++) {
          for (const log of this.store.canonical[n].logs) if (logMatchesFilter(log, range)) logs.push(log);
        }
        return jsonRpcResult(request.id, logs);
      }
      case 'eth_subscribe': {
        const kind = params[0];
        if (kind !== 'newHeads' && kind !== 'logs') return invalid('subscription kind');
        const filter = (params[1] ?? {}) as LogFilter;
        if (kind === 'logs') {
          const why = validateLogFilter(filter, false);
          if (why !== undefined) return invalid(why);
        }
        const id = `0x${(this.options.index + 1).toString(16)}${(this.nextSubscription++).toString(16).padStart(15, '0')}`;
        connection.subscriptions.set(id, { kind, filter });
        return jsonRpcResult(request.id, id);
      }
      case 'eth_unsubscribe':
        return jsonRpcResult(request.id, connection.subscriptions.delete(String(params[0])));
      default:
        return jsonRpcError(
          request.id,
          JSON_RPC_ERRORS.methodNotFound,
          `method not found: ${request.method}`,
        );
    }
  }

  private blockNumberOf(tag: unknown): number | undefined {
    if (tag === 'latest' || tag === 'pending' || tag === 'safe' || tag === 'finalized')
      return this.store.height;
    if (tag === 'earliest') return 0;
    return fromHexQuantity(tag);
  }
}

function refused(message: string, upstream: string): ShakedownError {
  return new ShakedownError('SHK_FEEDS_CONTROL', message, { context: { upstream } });
}

function summarize(result: unknown): string {
  if (typeof result === 'string') return result;
  if (Array.isArray(result)) return `${result.length} logs`;
  if (result === null) return 'null';
  if (typeof result === 'object' && result !== null && 'hash' in result) {
    const head = result as Head;
    return `${fromHexQuantity(head.number)} ${head.hash}`;
  }
  return JSON.stringify(result);
}
