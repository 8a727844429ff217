import type { FaultAction } from '../../core/faults/fault.ts';
import type { ActionBase } from '../../core/model/action.ts';
import type { Side } from '../trading/protocol/exchange-input.ts';
import type { SubjectIntent } from './subject.ts';

/**
 * The clients of a bots run: the subject under test (its intents, its kills and restarts, and
 * the faults on its link), the rest of the market (other accounts trading against it) and the
 * venue's operator (marks, venue modes).
 */
export const BOTS_CLIENTS = ['subject', 'market', 'admin'] as const;
export type BotsClient = (typeof BOTS_CLIENTS)[number];

/** The accounts that make up the rest of the market. */
export const MARKET_ACCOUNTS = ['maker', 'taker'] as const;
export type MarketAccount = (typeof MARKET_ACCOUNTS)[number];

/** How a state file is damaged while its subject is down. */
export const STATE_CORRUPTIONS = ['truncate', 'flip_digit', 'garbage'] as const;
export type StateCorruption = (typeof STATE_CORRUPTIONS)[number];

/** An intent for the subject. */
export interface IntentAction extends ActionBase {
  kind: 'intent';
  client: 'subject';
  intent: SubjectIntent;
}

/**
 * The subject is killed (SIGKILL: no say, its connections cut, its timers gone) and started
 * again as a fresh instance on the same state store after `downMs`; what the market does in
 * between are ghost fills. `corrupt` damages its state files before the restart.
 */
export interface RestartAction extends ActionBase {
  kind: 'restart';
  client: 'subject';
  downMs: number;
  corrupt?: StateCorruption;
  /** Drives where the corruption hits, so it replays exactly. */
  seed?: number;
}

/** Another account places a limit order (crossing the subject's orders, or resting). */
export interface MarketPlaceAction extends ActionBase {
  kind: 'market_place';
  client: 'market';
  account: MarketAccount;
  side: Side;
  price: number;
  qty: number;
  tif: 'gtc' | 'ioc';
  clientOrderId: string;
}

/** Another account cancels one of its orders. */
export interface MarketCancelAction extends ActionBase {
  kind: 'market_cancel';
  client: 'market';
  account: MarketAccount;
  clientOrderId: string;
}

/** The operator moves the mark; `spike` marks a volatility event the subject's breaker must catch. */
export interface MarkAction extends ActionBase {
  kind: 'mark';
  client: 'admin';
  price: number;
  spike?: boolean;
}

/**
 * What the venue does to the subject's requests from now on (seed 001's mock venue): refuse
 * orders that open or grow its position, refuse orders that reduce it, refuse its cancels;
 * `partialFills` makes the rest of the market fill its orders only in part.
 */
export interface BotVenueModes {
  rejectEntries: boolean;
  rejectExits: boolean;
  rejectCancels: boolean;
  partialFills: boolean;
}

export interface VenueModeAction extends ActionBase {
  kind: 'venue_mode';
  client: 'admin';
  modes: BotVenueModes;
}

/** A fault on the subject's link (429s, 5xx, frames dropped or delayed, disconnects). */
export interface SubjectFaultAction extends FaultAction {
  client: 'subject';
}

export type BotAction =
  | IntentAction
  | RestartAction
  | MarketPlaceAction
  | MarketCancelAction
  | MarkAction
  | VenueModeAction
  | SubjectFaultAction;
export type BotActionKind = BotAction['kind'];

export const CALM_VENUE: BotVenueModes = {
  rejectEntries: false,
  rejectExits: false,
  rejectCancels: false,
  partialFills: false,
};
