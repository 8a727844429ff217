import type { BreakerReport } from './breaker-state.ts';
import type { FeedsBugName } from './feeds-bugs.ts';
import type { FeedsConfig } from './feeds-config.ts';
import type { FeedsSnapshot, UpstreamStatus } from './feeds-snapshot.ts';
import type { JsonRpcRequest } from './json-rpc.ts';
import type { ProxyMetrics } from './proxy-metrics.ts';
import type { RoutingDecision } from './routing-decision.ts';

/**
 * Admin methods, namespace `shakedown_`, served on the same socket as the public ones (the
 * reference proxy's test interface; a real proxy would keep them elsewhere). Reads report the
 * proxy's own view; controls act on the simulated upstreams or the network and answer
 * `{ ok: true, detail }`, or a `controlRefused` error when they cannot act: killing an
 * upstream that is already dead is an error, never a silent success, so a kill that missed
 * shows.
 */
export const ADMIN_METHODS = [
  'shakedown_metrics',
  'shakedown_breakers',
  'shakedown_routing',
  'shakedown_upstreams',
  'shakedown_config',
  'shakedown_snapshot',
  'shakedown_killUpstream',
  'shakedown_restartUpstream',
  'shakedown_lagUpstream',
  'shakedown_reorg',
  'shakedown_failUpstream',
  'shakedown_pauseUpstream',
  'shakedown_disconnectUpstream',
] as const;
export type AdminMethod = (typeof ADMIN_METHODS)[number];

export function isAdminMethod(method: string): method is AdminMethod {
  return (ADMIN_METHODS as readonly string[]).includes(method);
}

/** Result: the proxy's telemetry. */
export type MetricsRequest = JsonRpcRequest<'shakedown_metrics', []>;
export type MetricsResult = ProxyMetrics;

/** Result: every upstream's breaker with its transitions so far. */
export type BreakersRequest = JsonRpcRequest<'shakedown_breakers', []>;
export type BreakersResult = BreakerReport[];

/** Result: the routing decisions, oldest first; `[sinceIndex]` skips the first ones. */
export type RoutingRequest = JsonRpcRequest<'shakedown_routing', [] | [number]>;
export type RoutingResult = { total: number; decisions: RoutingDecision[] };

/** Result: each upstream's state as the simulation knows it (alive, head, lag, armed errors). */
export type UpstreamsRequest = JsonRpcRequest<'shakedown_upstreams', []>;
export type UpstreamsResult = UpstreamStatus[];

export type ConfigRequest = JsonRpcRequest<'shakedown_config', []>;
export type ConfigResult = { config: FeedsConfig; bugs: FeedsBugName[] };

/** Result: the whole system's truth (FeedsSnapshot): what a ws target reads at the end of a run. */
export type SnapshotRequest = JsonRpcRequest<'shakedown_snapshot', []>;
export type SnapshotResult = FeedsSnapshot;

/** Kills upstream `upstream` (a name, `u0`...): its connections drop, new ones are refused. */
export type KillUpstreamRequest = JsonRpcRequest<'shakedown_killUpstream', [{ upstream: string }]>;
/** Brings a dead upstream back, synced to the network's head. Refused if it is alive. */
export type RestartUpstreamRequest = JsonRpcRequest<'shakedown_restartUpstream', [{ upstream: string }]>;
/**
 * Makes an upstream lag: `blocks` behind the network's head, and/or each new block seen `ms`
 * late. `{ blocks: 0, ms: 0 }` ends the lag (it catches up at once).
 */
export type LagUpstreamRequest = JsonRpcRequest<
  'shakedown_lagUpstream',
  [{ upstream: string; blocks?: number; ms?: number }]
>;
/**
 * A reorg of `depth` blocks (1..maxReorgDepth). Without `upstream` the whole network reorgs
 * (every upstream follows as it syncs); with it, only that upstream forks onto a private
 * branch, which it abandons for the network's chain at the next block (a second reorg).
 */
export type ReorgRequest = JsonRpcRequest<'shakedown_reorg', [{ depth: number; upstream?: string }]>;
/** The upstream answers its next `calls` requests with an upstreamError. */
export type FailUpstreamRequest = JsonRpcRequest<
  'shakedown_failUpstream',
  [{ upstream: string; calls: number }]
>;

/** The upstream stops handling anything (frames wait, no blocks are imported) for `ms`, then catches up. */
export type PauseUpstreamRequest = JsonRpcRequest<
  'shakedown_pauseUpstream',
  [{ upstream: string; ms: number }]
>;
/** Drops the proxy's connection to a live upstream (the upstream lives on; the proxy must reconnect). */
export type DisconnectUpstreamRequest = JsonRpcRequest<
  'shakedown_disconnectUpstream',
  [{ upstream: string }]
>;

/** What every control answers when it acted. */
export interface ControlResult {
  ok: true;
  detail: string;
}

export type AdminRequest =
  | MetricsRequest
  | BreakersRequest
  | RoutingRequest
  | UpstreamsRequest
  | ConfigRequest
  | SnapshotRequest
  | KillUpstreamRequest
  | RestartUpstreamRequest
  | LagUpstreamRequest
  | ReorgRequest
  | FailUpstreamRequest
  | PauseUpstreamRequest
  | DisconnectUpstreamRequest;

/** An upstream control as data, for the host API and the admin methods alike. */
export type UpstreamControl =
  | { kind: 'kill'; upstream: string }
  | { kind: 'restart'; upstream: string }
  | { kind: 'lag'; upstream: string; blocks?: number; ms?: number }
  | { kind: 'reorg'; depth: number; upstream?: string }
  | { kind: 'fail'; upstream: string; calls: number }
  | { kind: 'pause'; upstream: string; ms: number }
  | { kind: 'disconnect'; upstream: string };

/** The admin method that carries each control kind. */
export const CONTROL_METHODS: Record<UpstreamControl['kind'], AdminMethod> = {
  kill: 'shakedown_killUpstream',
  restart: 'shakedown_restartUpstream',
  lag: 'shakedown_lagUpstream',
  reorg: 'shakedown_reorg',
  fail: 'shakedown_failUpstream',
  pause: 'shakedown_pauseUpstream',
  disconnect: 'shakedown_disconnectUpstream',
};
