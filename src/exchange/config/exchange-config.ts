import type { SelfTradePrevention } from '../engine/exchange-input.ts';

/** One tradable instrument. Sizes are decimals; the engine turns them into exact integers. */
export interface InstrumentConfig {
  symbol: string;
  tickSize: number;
  lotSize: number;
  minQty: number;
  maxQty: number;
  /** Limit prices must lie within markPrice x (1 +/- bandPct); market orders never trade past it. */
  bandPct: number;
  /** Initial mark (reference) price; admins move it with set_mark. */
  markPrice: number;
  /** Largest absolute position an account may reach, counting every open order as filled. */
  maxPosition: number;
}

export interface AccountConfig {
  id: string;
  /** The key a client logs in with. */
  key: string;
  cash: number;
  /** 1 means fully funded; L means the initial margin is 1/L of the exposure. Integer >= 1. */
  leverage: number;
  /** Sandbox accounts may trade only sandbox symbols, and only they may. */
  sandbox: boolean;
  /** Symbols this account may not trade at all (reject forbidden_symbol). */
  forbiddenSymbols?: string[];
}

export interface RateLimitConfig {
  /** Sustained requests per second per connection. */
  perSecond: number;
  /** Requests allowed in a burst above the sustained rate. */
  burst: number;
}

/**
 * Test-venue behaviours a client must survive (the mock venues of trading-kernel test suites):
 * refuse orders that open or grow a position, refuse orders that reduce one, refuse cancels.
 * Each refusal is an ordinary reject with the reason `venue_rejected`. All off by default.
 */
export interface VenueModes {
  rejectEntries: boolean;
  rejectExits: boolean;
  rejectCancels: boolean;
}

export interface ExchangeConfig {
  /** Symbols starting with this prefix belong to the sandbox. */
  sandboxPrefix: string;
  /** Turn off only to prove that preflight notices a leaky sandbox. */
  sandboxIsolation: boolean;
  instruments: InstrumentConfig[];
  accounts: AccountConfig[];
  adminKey: string;
  rateLimit: RateLimitConfig;
  defaultStp: SelfTradePrevention;
  /** Frames longer than this get a protocol error without being parsed. */
  maxFrameBytes: number;
  /** How many finished orders stay queryable by status; older ones are forgotten first. */
  retainFinishedOrders: number;
  venueModes: VenueModes;
}

/**
 * The embedded reference venue: two sandbox instruments, one live instrument that sandbox
 * accounts must never reach, three sandbox accounts (maker, taker, bystander) and one live
 * account used by the isolation checks.
 */
export function defaultExchangeConfig(): ExchangeConfig {
  return {
    sandboxPrefix: 'SANDBOX.',
    sandboxIsolation: true,
    instruments: [
      {
        symbol: 'SANDBOX.BTC-USD',
        tickSize: 0.5,
        lotSize: 0.001,
        minQty: 0.001,
        maxQty: 5,
        bandPct: 0.05,
        markPrice: 20000,
        maxPosition: 10,
      },
      {
        symbol: 'SANDBOX.ETH-USD',
        tickSize: 0.01,
        lotSize: 0.01,
        minQty: 0.01,
        maxQty: 100,
        bandPct: 0.05,
        markPrice: 1000,
        maxPosition: 500,
      },
      {
        symbol: 'BTC-USD',
        tickSize: 0.5,
        lotSize: 0.001,
        minQty: 0.001,
        maxQty: 5,
        bandPct: 0.05,
        markPrice: 20000,
        maxPosition: 10,
      },
    ],
    accounts: [
      { id: 'maker', key: 'maker-key', cash: 1_000_000, leverage: 5, sandbox: true },
      { id: 'taker', key: 'taker-key', cash: 1_000_000, leverage: 5, sandbox: true },
      { id: 'bystander', key: 'bystander-key', cash: 100_000, leverage: 1, sandbox: true },
      { id: 'live', key: 'live-key', cash: 1_000_000, leverage: 1, sandbox: false },
    ],
    adminKey: 'admin-key',
    rateLimit: { perSecond: 2000, burst: 4000 },
    defaultStp: 'cancel_newest',
    maxFrameBytes: 64 * 1024,
    retainFinishedOrders: 100_000,
    venueModes: { rejectEntries: false, rejectExits: false, rejectCancels: false },
  };
}
