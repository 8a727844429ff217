import type { FaultAction } from '../../core/faults/fault.ts';
import type { ActionBase } from '../../core/model/action.ts';
import type { UpstreamControl } from './protocol/admin-methods.ts';
import type { LogFilter, LogRangeFilter } from './protocol/chain-types.ts';
import type { FeedsConfig } from './protocol/feeds-config.ts';
import type { BlockTag } from './protocol/hex-quantity.ts';

/** The subscribers: several clients of the proxy at once, each on its own connection. */
export const FEEDS_SUBSCRIBERS = ['alice', 'bob', 'carol'] as const;
export type FeedsSubscriber = (typeof FEEDS_SUBSCRIBERS)[number];
/**
 * The operator opens first: it drives the simulated upstreams (kill, lag, reorg...) through the
 * proxy's admin methods and reads the system's truth at the end. It is never a fault's victim.
 */
export const OPERATOR = 'operator';
export const FEEDS_CLIENTS = [OPERATOR, ...FEEDS_SUBSCRIBERS] as const;
export type FeedsClientName = (typeof FEEDS_CLIENTS)[number];

/** A subscriber subscribes to new heads, or to logs with an optional filter. */
export interface SubscribeAction extends ActionBase {
  kind: 'subscribe';
  client: FeedsSubscriber;
  channel: 'newHeads' | 'logs';
  filter?: LogFilter;
  /** The name an unsubscribe uses for it (unique in the run): steps move when a run shrinks, tags do not. */
  tag: string;
}

/**
 * A subscriber ends the subscription its own `subscribe` tagged `tag` made (by the id the proxy
 * gave it, or the id it has now after a reconnect); one it does not hold (never made, refused,
 * another client's) goes out with a made-up id, which the proxy must answer with `false`.
 */
export interface UnsubscribeAction extends ActionBase {
  kind: 'unsubscribe';
  client: FeedsSubscriber;
  tag: string;
}

/**
 * Plain calls are named by their method, so that reports and SLOs (latency per action kind)
 * speak per call type.
 */
export interface BlockNumberCall extends ActionBase {
  kind: 'eth_blockNumber';
  client: FeedsSubscriber;
}

export interface GetBlockCall extends ActionBase {
  kind: 'eth_getBlockByNumber';
  client: FeedsSubscriber;
  /** A tag, or a number counted from the chain's start (sent as a hex quantity). */
  block: Exclude<BlockTag, `0x${string}`> | number;
}

export interface GetLogsCall extends ActionBase {
  kind: 'eth_getLogs';
  client: FeedsSubscriber;
  /** fromBlock/toBlock as plain numbers or tags; converted to hex on the wire. */
  filter: Omit<LogRangeFilter, 'fromBlock' | 'toBlock'> & {
    fromBlock?: number | 'latest' | 'earliest';
    toBlock?: number | 'latest' | 'earliest';
  };
}

/** A plain JSON-RPC call: what the selection strategy routes. */
export type CallAction = BlockNumberCall | GetBlockCall | GetLogsCall;

/** The kinds of plain calls: the methods the selection strategy routes. */
export const CALL_KINDS = ['eth_blockNumber', 'eth_getBlockByNumber', 'eth_getLogs'] as const;

export function isCallAction(action: { kind: string }): action is CallAction {
  return (CALL_KINDS as readonly string[]).includes(action.kind);
}

/** The operator acts on the simulated upstreams: kill, restart, lag, fork (reorg), fail calls... */
export interface UpstreamAction extends ActionBase {
  kind: 'upstream';
  client: typeof OPERATOR;
  control: UpstreamControl;
}

/**
 * The proxy this run is played against, as data: the run's first action when present. The
 * in-process target builds its proxy from it, so a replay (same actions) gets the same system.
 */
export interface ConfigureAction extends ActionBase {
  kind: 'configure';
  client: typeof OPERATOR;
  config: Partial<FeedsConfig>;
}

export type FeedsAction =
  | SubscribeAction
  | UnsubscribeAction
  | CallAction
  | UpstreamAction
  | ConfigureAction
  /** A fault on one subscriber's link to the proxy, in the same sequence so it shrinks with the rest. */
  | FaultAction;

export type FeedsActionKind = FeedsAction['kind'];
export const FEEDS_ACTION_KINDS: readonly FeedsActionKind[] = [
  'subscribe',
  'unsubscribe',
  ...CALL_KINDS,
  'upstream',
  'configure',
  'fault',
];

export function isSubscriber(client: string): client is FeedsSubscriber {
  return (FEEDS_SUBSCRIBERS as readonly string[]).includes(client);
}
