/**
 * The feeds protocol: JSON-RPC 2.0 subscription feeds behind an RPC proxy (docs/feeds.md).
 * The feeds domain and the reference proxy (src/feeds-proxy) both speak it; it imports neither.
 */
export type {
  AdminMethod,
  AdminRequest,
  BreakersRequest,
  BreakersResult,
  ConfigRequest,
  ConfigResult,
  ControlResult,
  DisconnectUpstreamRequest,
  FailUpstreamRequest,
  KillUpstreamRequest,
  LagUpstreamRequest,
  MetricsRequest,
  MetricsResult,
  PauseUpstreamRequest,
  ReorgRequest,
  RestartUpstreamRequest,
  RoutingRequest,
  RoutingResult,
  SnapshotRequest,
  SnapshotResult,
  UpstreamControl,
  UpstreamsRequest,
  UpstreamsResult,
} from './admin-methods.ts';
export { ADMIN_METHODS, CONTROL_METHODS, isAdminMethod } from './admin-methods.ts';
export type { BreakerReport, BreakerState, BreakerTransition } from './breaker-state.ts';
export { BREAKER_STATES } from './breaker-state.ts';
export type { Head, Log, LogFilter, LogRangeFilter } from './chain-types.ts';
export { logKey, logMatchesFilter } from './chain-types.ts';
export {
  BLOCK_SECONDS,
  GENESIS_TIMESTAMP,
  LOG_ACCOUNT_TOPICS,
  LOG_ADDRESSES,
  LOG_EVENT_TOPICS,
} from './chain-vocabulary.ts';
export type { FeedsBugName, FeedsPlantedBug } from './feeds-bugs.ts';
export { FEEDS_BUG_NAMES, FEEDS_PLANTED_BUGS, isFeedsBugName } from './feeds-bugs.ts';
export type { FeedsConfig, SelectionStrategy } from './feeds-config.ts';
export {
  defaultFeedsConfig,
  feedsConfigWith,
  SELECTION_STRATEGIES,
  upstreamLatency,
  upstreamName,
  validateFeedsConfig,
} from './feeds-config.ts';
export type {
  BlockNumberRequest,
  BlockNumberResult,
  FeedsMethod,
  FeedsRequest,
  GetBlockByNumberRequest,
  GetBlockByNumberResult,
  GetLogsRequest,
  GetLogsResult,
  PlainMethod,
  SubscribeParams,
  SubscribeRequest,
  SubscribeResult,
  SubscriptionId,
  SubscriptionKind,
  SubscriptionNotification,
  SubscriptionParams,
  UnsubscribeRequest,
  UnsubscribeResult,
} from './feeds-methods.ts';
export {
  FEEDS_METHODS,
  isFeedsMethod,
  MAX_LOG_RANGE_BLOCKS,
  PLAIN_METHODS,
  SUBSCRIPTION_KINDS,
} from './feeds-methods.ts';
export type {
  BlockTruth,
  ChainTruth,
  FailoverRecord,
  FeedsSnapshot,
  ProxySubscriptionTruth,
  ProxyTruth,
  ReorgRecord,
  UpstreamCallRecord,
  UpstreamLifeEvent,
  UpstreamStatus,
  UpstreamTruth,
} from './feeds-snapshot.ts';
export type { BlockTag, HexData, HexQuantity } from './hex-quantity.ts';
export { fromHexQuantity, isHexData, isHexQuantity, toHexQuantity } from './hex-quantity.ts';
export type {
  JsonRpcErrorCode,
  JsonRpcErrorObject,
  JsonRpcErrorResponse,
  JsonRpcId,
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcResponse,
  JsonRpcSuccess,
} from './json-rpc.ts';
export {
  isJsonRpcError,
  isJsonRpcId,
  isJsonRpcNotification,
  isJsonRpcRequest,
  isJsonRpcResponse,
  JSON_RPC_ERRORS,
  jsonRpcError,
  jsonRpcResult,
  parseJsonRpcFrame,
} from './json-rpc.ts';
export type { CallCounters, LatencyHistogram, ProxyMetrics } from './proxy-metrics.ts';
export { emptyHistogram, LATENCY_BUCKETS_MS } from './proxy-metrics.ts';
export type { ReorgAnnouncement } from './reorg-announcement.ts';
export { reorgDepth } from './reorg-announcement.ts';
export type { Ineligibility, RoutingDecision } from './routing-decision.ts';
