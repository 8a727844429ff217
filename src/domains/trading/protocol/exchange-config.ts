import type { SelfTradePrevention } from './exchange-input.ts';

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
  /**
   * Cash per unit of quantity per unit of price (contract-multiplier.ts): a trade moves
   * price x qty x contractMultiplier, and margin and equity are valued the same way. Absent: 1.
   */
  contractMultiplier?: number;
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

/**
 * The checks a venue runs on a request, each standing for the reject reasons it gives (see
 * docs/exchange.md, "Validation order"): `qty` for every qty_* reason, `price` for every
 * price_* reason, `stop_price` for every stop_price_* reason, `order_fields` for an invalid
 * side, type, tif or stp, `order_lookup` for unknown_order, not_order_owner and a request
 * naming no order, `funds` for insufficient_funds and insufficient_margin; every other check
 * is the reason of that name.
 */
export const REJECT_CHECKS = {
  place: [
    'client_order_id',
    'unknown_symbol',
    'forbidden_symbol',
    'halted',
    'duplicate_client_order_id',
    'order_fields',
    'qty',
    'stop_price',
    'price',
    'post_only_would_cross',
    'stop_would_trigger',
    'max_position',
    'funds',
    'venue_rejected',
  ],
  cancel: ['order_lookup', 'order_not_open', 'venue_rejected'],
  replace: [
    'order_lookup',
    'order_not_open',
    'halted',
    'price',
    'qty',
    'replace_qty_not_above_filled',
    'replace_no_change',
    'post_only_would_cross',
    'max_position',
    'funds',
  ],
} as const;

export type RejectRequest = keyof typeof REJECT_CHECKS;
export type RejectCheck = (typeof REJECT_CHECKS)[RejectRequest][number];

/**
 * The order in which the venue runs its checks, per request: when several fail, the first
 * listed names the reason. A request type left out (or a check left out of its list) has no
 * declared order, and then any reason that applies is a correct answer. Only checkers read it
 * (the invariants hold a venue to it); the reference engine's own order is fixed.
 */
export type RejectPrecedence = Partial<Record<RejectRequest, RejectCheck[]>>;

/**
 * How a price or quantity may be spelled besides a JSON number (docs/protocol.md, "Numbers"):
 * `string` a plain decimal string ("20000.5", "-1", "0.01"); the others widen it: fraction
 * zeros that change nothing ("100.0", "100."), a leading `+`, an exponent ("1e-3", "2.5E4"),
 * blanks around it (" 0.25 "), and leading zeros added or left out ("0100", ".5").
 */
export const NUMBER_SPELLINGS = [
  'string',
  'trailing_zeros',
  'plus_sign',
  'exponent',
  'blanks',
  'leading_zeros',
] as const;
export type NumberSpelling = (typeof NUMBER_SPELLINGS)[number];

/**
 * Which of the stops one trade triggers goes first (docs/exchange.md, "Stop orders"): `accepted`
 * in the order they were accepted; `stop_price` the stop price the market passed first (the
 * farthest from the trade's price), then in the order accepted. Stops triggered by different
 * trades always go in the order of those trades.
 */
export const STOP_TRIGGER_ORDERS = ['accepted', 'stop_price'] as const;
export type StopTriggerOrder = (typeof STOP_TRIGGER_ORDERS)[number];

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
  /**
   * How many finished orders stay queryable by status, and keep their client order id taken
   * (the duplicate check's window); older ones are forgotten first, venue-wide.
   */
  retainFinishedOrders: number;
  /** Events kept per stream for `resume` (`serve --resume-buffer` overrides it). */
  resumeBuffer: number;
  /** Bytes (JSON as sent, estimated) kept per stream for `resume`; oldest events go first. */
  resumeBufferBytes: number;
  /** Connections served at once; a connection beyond it is closed at once (code 1013). */
  maxConnections: number;
  /** Unread output one connection may hold; a client that lets more pile up is dropped. */
  maxBufferedBytes: number;
  venueModes: VenueModes;
  /** The declared order of the venue's checks, for the checkers (absent: none declared). */
  rejectPrecedence?: RejectPrecedence;
  /**
   * The spellings of prices and quantities the venue takes besides JSON numbers (absent: all
   * of NUMBER_SPELLINGS; [] numbers only). The reference venue refuses the others as
   * `price_not_a_number` / `qty_not_a_number`; generation sends nothing else.
   */
  numberSpellings?: NumberSpelling[];
  /**
   * The order in which the stops one trade triggers are executed; the reference engine uses
   * `accepted` when it is absent, and checkers judge the order only when it is declared.
   */
  stopTriggerOrder?: StopTriggerOrder;
}

/** Events kept per stream for `resume`, by default. */
export const DEFAULT_RESUME_BUFFER = 10_000;
/** Estimated JSON bytes kept per stream for `resume`, by default. */
export const DEFAULT_RESUME_BUFFER_BYTES = 4 * 1024 * 1024;

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
    retainFinishedOrders: 50_000,
    resumeBuffer: DEFAULT_RESUME_BUFFER,
    resumeBufferBytes: DEFAULT_RESUME_BUFFER_BYTES,
    maxConnections: 128,
    maxBufferedBytes: 16 * 1024 * 1024,
    venueModes: { rejectEntries: false, rejectExits: false, rejectCancels: false },
    // The reference engine's own order, as docs/exchange.md states it.
    rejectPrecedence: {
      place: [...REJECT_CHECKS.place],
      cancel: [...REJECT_CHECKS.cancel],
      replace: [...REJECT_CHECKS.replace],
    },
    stopTriggerOrder: 'accepted',
  };
}
