/**
 * `shakedown/trading`: the trading pack's types and helpers, by name, for an adapter of a
 * trading venue. The actions shakedown sends, the events a client must emit, the snapshot and
 * the configuration the invariants read, the reference protocol's requests and responses, the
 * reject codes, and the pieces to build a target from (docs/adapters.md). The core's own
 * contracts (Target, Client, Reply...) come from `shakedown`.
 */

// The adapter kit: an in-process matching library as a target, in a page of translation
// (docs/adapters.md, "A system that does not speak the reference protocol").
export * from './domains/trading/adapter-kit/index.ts';
// Configuration: instruments, accounts and their keys, as `--config` and `serve --config` take it.
export {
  type AccountConfig,
  defaultExchangeConfig,
  type ExchangeConfig,
  type InstrumentConfig,
  type RateLimitConfig,
  type VenueModes,
} from './domains/trading/protocol/exchange-config.ts';
export {
  accountStream,
  type BalanceEvent,
  type BookDeltaEvent,
  bookStream,
  type CancelReason,
  EVENT_TYPES,
  type EventEnvelope,
  type ExchangeEvent,
  type ExchangeEventType,
  type ExpireReason,
  type FillEvent,
  type InstrumentStatusEvent,
  type Liquidity,
  type MarkPriceEvent,
  marketStream,
  type OrderAcceptedEvent,
  type OrderCancelledEvent,
  type OrderExpiredEvent,
  type OrderRejectedEvent,
  type OrderReplacedEvent,
  type OrderStatus,
  type PositionEvent,
  type PrivateEvent,
  type PublicEvent,
  type ResetEvent,
  type TradeEvent,
} from './domains/trading/protocol/exchange-event.ts';
export type {
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
} from './domains/trading/protocol/exchange-input.ts';
// The snapshot: the venue's own view of its whole state, read once a run is quiet.
export type {
  AccountSnapshot,
  BookSnapshot,
  ExchangeSnapshot,
  InstrumentSnapshot,
  OrderSnapshot,
  PositionSnapshot,
} from './domains/trading/protocol/exchange-snapshot.ts';
export { loadExchangeConfig } from './domains/trading/protocol/load-config.ts';
// Requests and responses of the reference protocol (docs/protocol.md).
export {
  ADMIN_REQUEST_TYPES,
  type AdminRequest,
  type CancelAllRequest,
  type CancelRequest,
  type ClientRequest,
  type ErrorCode,
  type ErrorResponse,
  type EventMessage,
  type LoginRequest,
  type OkResponse,
  type PlaceRequest,
  type ProtocolError,
  REQUEST_TYPES,
  type ReplaceRequest,
  type RequestId,
  type RequestType,
  type ResetRequest,
  type ServerMessage,
  type SessionRequest,
  type SetMarkRequest,
  type SnapshotRequest,
  type SubscribeRequest,
  TRADING_REQUEST_TYPES,
  type TradingRequest,
} from './domains/trading/protocol/protocol-messages.ts';
// Reject codes: a `fail` reply names one where it fits (invariants match on them).
export {
  isRejectReason,
  REJECT_REASONS,
  type RejectReason,
} from './domains/trading/protocol/reject-reason.ts';
// Actions: what a run sends.
export {
  type CancelAction,
  type CancelAllAction,
  type OrderTarget,
  type PlaceAction,
  type ReconnectAction,
  type ReplaceAction,
  type SetMarkAction,
  TRADERS,
  TRADING_ACTION_KINDS,
  TRADING_CLIENTS,
  type Trader,
  type TradingAction,
  type TradingActionKind,
  type TradingClient,
} from './domains/trading/trading-action.ts';
// Events: what a client must emit (docs/adapters.md, "What events$ must emit").
export {
  type SessionEvent,
  sessionStream,
  type TradingClientEvent,
} from './domains/trading/trading-client-event.ts';
export type { CrashRecord, TradingExtra } from './domains/trading/trading-evidence.ts';
// The pack, and the pieces of a target over a venue that speaks the reference protocol.
export { tradingPack } from './domains/trading/trading-pack.ts';
export {
  makeTradingTarget,
  type TradingTarget,
  type TradingTargetOptions,
} from './domains/trading/transport/trading-target.ts';
export type { VenueConnection, VenueDialer } from './domains/trading/transport/venue-connection.ts';
export { type WsDialerOptions, wsDialer } from './domains/trading/transport/ws-dialer.ts';
// The reference venue's planted bugs (`--bug`), to test an adapter against a venue known broken.
export { BUG_NAMES, type BugName } from './exchange/bugs/planted-bugs.ts';
export { startExchangeServer } from './exchange/server/exchange-server.ts';
