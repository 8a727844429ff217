/**
 * JSON-RPC 2.0 as the feeds proxy speaks it over WebSocket (docs/feeds.md). Every client frame
 * is one request object; every proxy frame is one response (echoing the request's `id`) or one
 * notification (no `id`: an `eth_subscription` push). Batches (arrays) are not part of the
 * protocol: the proxy answers one with an `invalid request` error.
 */

/** A request id as the client chose it; the proxy echoes it untouched. */
export type JsonRpcId = string | number;

export interface JsonRpcRequest<M extends string = string, P = unknown> {
  jsonrpc: '2.0';
  id: JsonRpcId;
  method: M;
  params?: P;
}

export interface JsonRpcSuccess<R = unknown> {
  jsonrpc: '2.0';
  id: JsonRpcId;
  result: R;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** `id` is null only when the request's own id could not be read (a parse error). */
export interface JsonRpcErrorResponse {
  jsonrpc: '2.0';
  id: JsonRpcId | null;
  error: JsonRpcErrorObject;
}

export type JsonRpcResponse<R = unknown> = JsonRpcSuccess<R> | JsonRpcErrorResponse;

/** A push from the proxy: no id, nothing to answer. */
export interface JsonRpcNotification<M extends string = string, P = unknown> {
  jsonrpc: '2.0';
  method: M;
  params: P;
}

/** Anything one side can send the other. */
export type JsonRpcMessage = JsonRpcRequest | JsonRpcResponse | JsonRpcNotification;

/**
 * Error codes: the JSON-RPC 2.0 ones, plus the server-defined range the proxy uses for upstream
 * trouble. Stable: clients and invariants match on them.
 */
export const JSON_RPC_ERRORS = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  /** No upstream could answer: every one is dead, open-breakered, lagging or failed the call. */
  noUpstream: -32001,
  /** An upstream answered with an error (also what a simulated upstream told to fail answers). */
  upstreamError: -32002,
  /** The upstream did not answer within the proxy's request timeout. */
  upstreamTimeout: -32003,
  /** eth_unsubscribe or a notification for a subscription the proxy does not know. */
  unknownSubscription: -32004,
  /** An admin control that could not act (killing a dead upstream, an unknown upstream). */
  controlRefused: -32010,
} as const;

export type JsonRpcErrorCode = (typeof JSON_RPC_ERRORS)[keyof typeof JSON_RPC_ERRORS];

export function isJsonRpcId(value: unknown): value is JsonRpcId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** A request: has a method and an id. */
export function isJsonRpcRequest(message: unknown): message is JsonRpcRequest {
  return isObject(message) && typeof message.method === 'string' && isJsonRpcId(message.id);
}

/** A response: has an id (or null) and a result or an error, no method. */
export function isJsonRpcResponse(message: unknown): message is JsonRpcResponse {
  return (
    isObject(message) &&
    message.method === undefined &&
    'id' in message &&
    ('result' in message || 'error' in message)
  );
}

export function isJsonRpcError(message: JsonRpcResponse): message is JsonRpcErrorResponse {
  return 'error' in message && message.error !== undefined;
}

/** A notification: has a method and no id. */
export function isJsonRpcNotification(message: unknown): message is JsonRpcNotification {
  return isObject(message) && typeof message.method === 'string' && !('id' in message);
}

export function jsonRpcResult<R>(id: JsonRpcId, result: R): JsonRpcSuccess<R> {
  return { jsonrpc: '2.0', id, result };
}

export function jsonRpcError(
  id: JsonRpcId | null,
  code: number,
  message: string,
  data?: unknown,
): JsonRpcErrorResponse {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}

/**
 * Reads one frame. A frame that is not a JSON object comes back as the error response the
 * proxy sends for it (parse error, or invalid request for arrays and scalars).
 */
export function parseJsonRpcFrame(text: string): JsonRpcMessage | JsonRpcErrorResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return jsonRpcError(null, JSON_RPC_ERRORS.parseError, 'parse error: the frame is not JSON');
  }
  if (!isObject(parsed)) {
    return jsonRpcError(null, JSON_RPC_ERRORS.invalidRequest, 'invalid request: expected one JSON object');
  }
  return parsed as unknown as JsonRpcMessage;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
