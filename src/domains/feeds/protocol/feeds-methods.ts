import type { Head, Log, LogFilter, LogRangeFilter } from './chain-types.ts';
import type { BlockTag, HexQuantity } from './hex-quantity.ts';
import type { JsonRpcNotification, JsonRpcRequest } from './json-rpc.ts';

/**
 * The public methods of the feeds proxy, the subset of Ethereum's JSON-RPC a subscription
 * feed needs. Each method's params are positional, as in Ethereum.
 */
export const FEEDS_METHODS = [
  'eth_subscribe',
  'eth_unsubscribe',
  'eth_blockNumber',
  'eth_getBlockByNumber',
  'eth_getLogs',
] as const;
export type FeedsMethod = (typeof FEEDS_METHODS)[number];

/** The plain (non-subscription) calls: what the selection strategy routes. */
export const PLAIN_METHODS = ['eth_blockNumber', 'eth_getBlockByNumber', 'eth_getLogs'] as const;
export type PlainMethod = (typeof PLAIN_METHODS)[number];

export function isFeedsMethod(method: string): method is FeedsMethod {
  return (FEEDS_METHODS as readonly string[]).includes(method);
}

/** What can be subscribed to. */
export const SUBSCRIPTION_KINDS = ['newHeads', 'logs'] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];

/**
 * A subscription id: the proxy's own (`0x` and 32 hex digits), never an upstream's. It stays the
 * same across failovers for as long as the subscription lives.
 */
export type SubscriptionId = string;

export type SubscribeParams = ['newHeads'] | ['logs'] | ['logs', LogFilter];
export type SubscribeRequest = JsonRpcRequest<'eth_subscribe', SubscribeParams>;
/** Result: the new subscription's id. */
export type SubscribeResult = SubscriptionId;

export type UnsubscribeRequest = JsonRpcRequest<'eth_unsubscribe', [SubscriptionId]>;
/** Result: true if the subscription existed on this connection (and is now gone). */
export type UnsubscribeResult = boolean;

export type BlockNumberRequest = JsonRpcRequest<'eth_blockNumber', []>;
export type BlockNumberResult = HexQuantity;

/** The second param (full transactions) is accepted and ignored: blocks carry no transactions. */
export type GetBlockByNumberRequest = JsonRpcRequest<
  'eth_getBlockByNumber',
  [BlockTag] | [BlockTag, boolean]
>;
/** null for a block the answering upstream does not have (yet). */
export type GetBlockByNumberResult = Head | null;

export type GetLogsRequest = JsonRpcRequest<'eth_getLogs', [LogRangeFilter]>;
export type GetLogsResult = Log[];

export type FeedsRequest =
  | SubscribeRequest
  | UnsubscribeRequest
  | BlockNumberRequest
  | GetBlockByNumberRequest
  | GetLogsRequest;

/**
 * A subscription push: `params.subscription` names the proxy's subscription id, `params.result`
 * is a Head (newHeads) or a Log (logs).
 */
export interface SubscriptionParams<R = Head | Log> {
  subscription: SubscriptionId;
  result: R;
}
export type SubscriptionNotification<R = Head | Log> = JsonRpcNotification<
  'eth_subscription',
  SubscriptionParams<R>
>;

/** Upper bounds the proxy enforces on eth_getLogs ranges and the upstreams on their answers. */
export const MAX_LOG_RANGE_BLOCKS = 1_000;
