import type { CallAction, FeedsAction, SubscribeAction } from '../feeds-action.ts';
import { CONTROL_METHODS, type UpstreamControl } from '../protocol/admin-methods.ts';
import { toHexQuantity } from '../protocol/hex-quantity.ts';
import type { JsonRpcRequest } from '../protocol/json-rpc.ts';

/** A block bound as the wire wants it: a hex quantity for a number, a tag as is. */
function blockParam(value: number | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? toHexQuantity(Math.max(0, Math.trunc(value))) : value;
}

/** The eth_subscribe request a subscribe action (or its replay after a reconnect) sends. */
export function subscribeRequest(action: SubscribeAction, id: number): JsonRpcRequest {
  const params =
    action.channel === 'newHeads'
      ? ['newHeads']
      : action.filter === undefined
        ? ['logs']
        : ['logs', action.filter];
  return { jsonrpc: '2.0', id, method: 'eth_subscribe', params };
}

/** The JSON-RPC request of a plain call. */
export function callRequest(action: CallAction, id: number): JsonRpcRequest {
  switch (action.kind) {
    case 'eth_blockNumber':
      return { jsonrpc: '2.0', id, method: 'eth_blockNumber', params: [] };
    case 'eth_getBlockByNumber':
      return {
        jsonrpc: '2.0',
        id,
        method: 'eth_getBlockByNumber',
        params: [blockParam(action.block), false],
      };
    case 'eth_getLogs': {
      const { fromBlock, toBlock, ...rest } = action.filter;
      const filter: Record<string, unknown> = { ...rest };
      if (fromBlock !== undefined) filter.fromBlock = blockParam(fromBlock);
      if (toBlock !== undefined) filter.toBlock = blockParam(toBlock);
      return { jsonrpc: '2.0', id, method: 'eth_getLogs', params: [filter] };
    }
  }
}

/** The admin request that carries an upstream control. */
export function controlRequest(control: UpstreamControl, id: number): JsonRpcRequest {
  const { kind, ...params } = control;
  return { jsonrpc: '2.0', id, method: CONTROL_METHODS[kind], params: [params] };
}

/** The method an action's request calls, for reports and latency (`eth_subscribe`, `shakedown_killUpstream`...). */
export function methodOf(action: FeedsAction): string {
  switch (action.kind) {
    case 'subscribe':
      return 'eth_subscribe';
    case 'unsubscribe':
      return 'eth_unsubscribe';
    case 'eth_blockNumber':
    case 'eth_getBlockByNumber':
    case 'eth_getLogs':
      return action.kind;
    case 'upstream':
      return CONTROL_METHODS[action.control.kind];
    case 'configure':
      return 'configure';
    case 'fault':
      return 'fault';
  }
}
