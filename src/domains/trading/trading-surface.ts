import type { SurfaceRegistry } from '../../core/coverage/surface-registry.ts';
import { FAULT_KINDS } from '../../core/faults/fault.ts';
import { type CancelReason, EVENT_TYPES, type ExpireReason } from './protocol/exchange-event.ts';
import type { OrderType, SelfTradePrevention } from './protocol/exchange-input.ts';
import { REJECT_REASONS } from './protocol/reject-reason.ts';
import { type ReconnectAction, TRADING_ACTION_KINDS } from './trading-action.ts';
import type { SessionEvent } from './trading-client-event.ts';

/** Every session event type the client makes; a Record so a new type must be added here. */
const SESSION_EVENT_TYPES: Record<SessionEvent['type'], true> = {
  session_connected: true,
  session_disconnected: true,
  session_resynced: true,
  session_resumed: true,
  session_reconnect_attempt: true,
  session_retry: true,
  session_gap: true,
  session_bad_frame: true,
};

/**
 * The order-state moves the reference engine can make, read off its order events: accepted
 * (new→open) or refused (new→rejected); a fill leaves it partially filled or filled; a cancel
 * (user, cancel-all, self-trade, band) or an expiry (ioc, fok, market remainder) ends it; a
 * replace keeps it live with a new price or quantity; a stop order triggers (open→triggered)
 * and stays live as its market or limit counterpart.
 */
export const ORDER_TRANSITIONS = [
  'new->open',
  'new->rejected',
  'open->partially_filled',
  'open->filled',
  'open->cancelled',
  'open->expired',
  'open->replaced',
  'partially_filled->partially_filled',
  'partially_filled->filled',
  'partially_filled->cancelled',
  'partially_filled->expired',
  'partially_filled->replaced',
  // A stop order triggered (it has not traded before: stops wait off the book).
  'open->triggered',
] as const;

export type OrderTransition = (typeof ORDER_TRANSITIONS)[number];

/** Why the venue cancels an order; a Record so a new reason must be added here. */
const CANCEL_REASON_SET: Record<CancelReason, true> = {
  user: true,
  cancel_all: true,
  self_trade: true,
  band: true,
};
export const CANCEL_REASONS = Object.keys(CANCEL_REASON_SET) as CancelReason[];
const EXPIRE_REASON_SET: Record<ExpireReason, true> = { ioc: true, fok: true, market: true };
export const EXPIRE_REASONS = Object.keys(EXPIRE_REASON_SET) as ExpireReason[];
const STP_SET: Record<SelfTradePrevention, true> = {
  cancel_newest: true,
  cancel_oldest: true,
  cancel_both: true,
};
export const STP_MODES = Object.keys(STP_SET) as SelfTradePrevention[];
/** The order types a place may name; a Record so a new type must be added here. */
const ORDER_TYPE_SET: Record<OrderType, true> = {
  limit: true,
  market: true,
  stop_market: true,
  stop_limit: true,
};
export const ORDER_TYPES = Object.keys(ORDER_TYPE_SET) as OrderType[];
export const RECONNECT_MODES: readonly ReconnectAction['mode'][] = ['resync', 'resume'];
type RetryReason = Extract<SessionEvent, { type: 'session_retry' }>['reason'];
const RETRY_SET: Record<RetryReason, true> = { rate_limited: true, unavailable: true, no_reply: true };
export const RETRY_REASONS = Object.keys(RETRY_SET) as RetryReason[];

/**
 * The venue's event types and reject reasons, for the properties: they name what they exercise
 * through the trading domain and import nothing of the venue itself.
 */
export const VENUE_EVENT_TYPES: readonly string[] = EVENT_TYPES;
export const VENUE_REJECT_REASONS: readonly string[] = REJECT_REASONS;

/** What the trading pack can exercise, for the coverage report (`shakedown coverage`). */
export const TRADING_SURFACE: SurfaceRegistry = {
  categories: [
    { name: 'action', label: 'action types', items: TRADING_ACTION_KINDS },
    { name: 'order-type', label: 'order types', items: ORDER_TYPES },
    {
      name: 'event',
      label: 'event types',
      items: [...EVENT_TYPES, ...(Object.keys(SESSION_EVENT_TYPES) as SessionEvent['type'][])],
    },
    { name: 'reject', label: 'reject reasons', items: REJECT_REASONS },
    { name: 'fault', label: 'fault kinds', items: FAULT_KINDS },
    { name: 'transition', label: 'order-state transitions', items: ORDER_TRANSITIONS },
    { name: 'cancel-reason', label: 'cancel reasons', items: CANCEL_REASONS },
    { name: 'expire-reason', label: 'expiry reasons', items: EXPIRE_REASONS },
    { name: 'stp', label: 'self-trade prevention modes', items: STP_MODES },
    { name: 'reconnect', label: 'reconnect modes', items: RECONNECT_MODES },
    { name: 'retry', label: 'client retry reasons', items: RETRY_REASONS },
  ],
};
