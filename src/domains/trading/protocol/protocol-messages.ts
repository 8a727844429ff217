import type { EventEnvelope } from './exchange-event.ts';
import type { OrderType, SelfTradePrevention, Side, TimeInForce } from './exchange-input.ts';
import type { RejectReason } from './reject-reason.ts';

/**
 * The JSON wire protocol between a client and the reference exchange (docs/protocol.md is
 * the user-facing description). Every client frame is a request with a client-chosen `id`
 * that its response echoes. The account a request acts for always comes from the login,
 * never from the frame, so no request type has an `account` field.
 */
export type RequestId = string | number;

interface RequestBase<T extends string> {
  id: RequestId;
  type: T;
}

export interface LoginRequest extends RequestBase<'login'> {
  key: string;
  /** Asks for batched delivery: every frame to the session is then a MessageBatch. */
  batch?: boolean;
}
export interface SubscribeRequest extends RequestBase<'subscribe'> {
  streams: string[];
}
export interface UnsubscribeRequest extends RequestBase<'unsubscribe'> {
  streams: string[];
}
/** Omitted streams mean every stream the session is subscribed to. */
export interface ResyncRequest extends RequestBase<'resync'> {
  streams?: string[];
}
/** Maps each stream to the last seq the client saw on it. */
export interface ResumeRequest extends RequestBase<'resume'> {
  from: Record<string, number>;
}
export interface PingRequest extends RequestBase<'ping'> {}

/** price and qty are passed to the engine untouched: it rejects junk with stable reason codes. */
export interface PlaceRequest extends RequestBase<'place'> {
  symbol: string;
  side: Side;
  /** Named orderType on the wire because `type` is the request type. */
  orderType: OrderType;
  tif?: TimeInForce;
  price?: unknown;
  /** Stop orders (stop_market, stop_limit): the last-trade price that triggers them. */
  stopPrice?: unknown;
  qty?: unknown;
  clientOrderId: string;
  stp?: SelfTradePrevention;
}
export interface CancelRequest extends RequestBase<'cancel'> {
  orderId?: string;
  clientOrderId?: string;
}
export interface ReplaceRequest extends RequestBase<'replace'> {
  orderId?: string;
  clientOrderId?: string;
  price?: unknown;
  qty?: unknown;
}
export interface CancelAllRequest extends RequestBase<'cancel_all'> {
  symbol?: string;
}
export interface StatusRequest extends RequestBase<'status'> {
  orderId?: string;
  clientOrderId?: string;
}

export interface SetMarkRequest extends RequestBase<'set_mark'> {
  symbol: string;
  price?: unknown;
}
export interface HaltRequest extends RequestBase<'halt'> {
  symbol?: string;
}
/** The engine's `resume` op; named apart from the stream `resume` request. */
export interface ResumeTradingRequest extends RequestBase<'resume_trading'> {
  symbol?: string;
}
export interface ResetRequest extends RequestBase<'reset'> {}
export interface SnapshotRequest extends RequestBase<'snapshot'> {}

export type SessionRequest =
  | LoginRequest
  | SubscribeRequest
  | UnsubscribeRequest
  | ResyncRequest
  | ResumeRequest
  | PingRequest;
export type TradingRequest = PlaceRequest | CancelRequest | ReplaceRequest | CancelAllRequest | StatusRequest;
export type AdminRequest =
  | SetMarkRequest
  | HaltRequest
  | ResumeTradingRequest
  | ResetRequest
  | SnapshotRequest;
export type ClientRequest = SessionRequest | TradingRequest | AdminRequest;
export type RequestType = ClientRequest['type'];

export const SESSION_REQUEST_TYPES = [
  'login',
  'subscribe',
  'unsubscribe',
  'resync',
  'resume',
  'ping',
] as const;
export const TRADING_REQUEST_TYPES = ['place', 'cancel', 'replace', 'cancel_all', 'status'] as const;
export const ADMIN_REQUEST_TYPES = ['set_mark', 'halt', 'resume_trading', 'reset', 'snapshot'] as const;
export const REQUEST_TYPES: readonly RequestType[] = [
  ...SESSION_REQUEST_TYPES,
  ...TRADING_REQUEST_TYPES,
  ...ADMIN_REQUEST_TYPES,
];

/**
 * Errors about the frame itself, found before the request reaches a session. Stable: clients
 * match on them, so a code is never renamed.
 * - frame_too_large: longer than the configured maxFrameBytes (not parsed at all);
 * - bad_json: not valid JSON (this includes the literals NaN and Infinity);
 * - not_an_object: valid JSON but not an object (an array, a string, null...);
 * - missing_id: no `id`, or an id that is not a string or a finite number;
 * - unknown_type: `type` missing or not a known request type;
 * - bad_field: a field has the wrong type; the message names the field and what it must be;
 * - binary_frame: a binary WebSocket frame (the protocol is text only).
 */
export const FRAME_ERROR_CODES = [
  'frame_too_large',
  'bad_json',
  'not_an_object',
  'missing_id',
  'unknown_type',
  'bad_field',
  'binary_frame',
] as const;
export type FrameErrorCode = (typeof FRAME_ERROR_CODES)[number];

/**
 * Errors a well-formed request can get from the gateway. Engine rejects (reject-reason.ts)
 * use their reason as the code, so one `code` field covers both.
 * - not_logged_in: the request needs a login first;
 * - already_logged_in: a session logs in once;
 * - login_failed: the key matches no account and is not the admin key;
 * - not_authorized: the session's role may not do this (admin op from a trader, trading
 *   from the admin, another account's private stream);
 * - unknown_stream: not a stream name of this exchange;
 * - rate_limited: over the per-connection rate; retryAfterMs says when a request will pass;
 * - resume_gap_too_old: the missed events are no longer buffered; resync instead;
 * - resume_seq_ahead: the client claims a seq the stream never reached; resync instead;
 * - unavailable: the journal could not be written, so the exchange stopped taking inputs;
 * - internal: an unexpected failure handling this frame; the connection stays usable.
 */
export const GATEWAY_ERROR_CODES = [
  'not_logged_in',
  'already_logged_in',
  'login_failed',
  'not_authorized',
  'unknown_stream',
  'rate_limited',
  'resume_gap_too_old',
  'resume_seq_ahead',
  'unavailable',
  'internal',
] as const;
export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];

export type ErrorCode = FrameErrorCode | GatewayErrorCode | RejectReason;

export interface ProtocolError {
  code: ErrorCode;
  message: string;
  /** The offending field, for bad_field. */
  field?: string;
  /** For rate_limited: wait at least this long before the next request. */
  retryAfterMs?: number;
}

export interface OkResponse {
  type: 'response';
  id: RequestId;
  ok: true;
  result: unknown;
  /** The engine txn of the input, when it changed anything: its events carry the same txn. */
  txn?: number;
}
export interface ErrorResponse {
  type: 'response';
  id: RequestId;
  ok: false;
  error: ProtocolError;
  /** Set when a rejected trading request still emitted its order_rejected event. */
  txn?: number;
}
/** An event as it reaches a subscriber: the engine's envelope, tagged. */
export interface EventMessage extends EventEnvelope {
  type: 'event';
}
/** For a frame that had no usable id to answer to. */
export interface UnsolicitedError {
  type: 'error';
  error: ProtocolError;
}

export type ServerMessage = OkResponse | ErrorResponse | EventMessage | UnsolicitedError;

/**
 * One frame to a session that logged in with `batch: true`: everything sent to it while one
 * request was handled (the events it caused, then its response) or one engine input fanned
 * out, in the order the messages would otherwise have come one frame each. Never empty.
 */
export type MessageBatch = ServerMessage[];

export type Role = 'trader' | 'admin';

/** `seqs` in results: the last seq issued on each stream, so the client continues from seq + 1. */
export type StreamSeqs = Record<string, number>;
