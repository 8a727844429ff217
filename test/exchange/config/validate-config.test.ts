import { describe, expect, it } from 'vitest';
import { isShakedownError, type ShakedownError } from '../../../src/core/shakedown-error.ts';
import { defaultExchangeConfig } from '../../../src/domains/trading/protocol/exchange-config.ts';
import { validateExchangeConfig } from '../../../src/domains/trading/protocol/validate-config.ts';

type Json = Record<string, unknown>;

function invalid(raw: unknown): ShakedownError {
  try {
    validateExchangeConfig(raw, 'venue.json');
  } catch (error) {
    if (isShakedownError(error)) return error;
    throw error;
  }
  throw new Error('expected SHK_CONFIG_INVALID, the config was accepted');
}

/** The default config as plain JSON, with `change` applied to it. */
function withChange(change: (config: Json & { instruments: Json[]; accounts: Json[] }) => void): unknown {
  const config = JSON.parse(JSON.stringify(defaultExchangeConfig()));
  change(config);
  return config;
}

describe('validateExchangeConfig', () => {
  it('accepts the default config unchanged', () => {
    expect(validateExchangeConfig(defaultExchangeConfig(), 'default')).toEqual(defaultExchangeConfig());
  });

  it('fills missing top-level fields from the defaults', () => {
    expect(validateExchangeConfig({}, 'venue.json')).toEqual(defaultExchangeConfig());
    const config = validateExchangeConfig({ maxFrameBytes: 1024, defaultStp: 'cancel_both' }, 'venue.json');
    expect(config).toEqual({ ...defaultExchangeConfig(), maxFrameBytes: 1024, defaultStp: 'cancel_both' });
  });

  it('replaces the default lists when instruments or accounts are given', () => {
    const instrument = {
      symbol: 'SANDBOX.SOL-USD',
      tickSize: 0.001,
      lotSize: 0.1,
      minQty: 0.1,
      maxQty: 1000,
      bandPct: 0.1,
      markPrice: 25.5,
      maxPosition: 5000,
    };
    const account = { id: 'a', key: 'a-key', cash: 500.25, leverage: 2, sandbox: true, forbiddenSymbols: [] };
    const config = validateExchangeConfig({ instruments: [instrument], accounts: [account] }, 'venue.json');
    expect(config.instruments).toEqual([instrument]);
    expect(config.accounts).toEqual([account]);
    expect(config.adminKey).toBe(defaultExchangeConfig().adminKey);
  });

  it('returns a config that shares no objects with its input', () => {
    const raw = defaultExchangeConfig();
    const config = validateExchangeConfig(raw, 'venue.json');
    raw.instruments[0].tickSize = 1;
    raw.rateLimit.burst = 1;
    expect(config.instruments[0].tickSize).toBe(0.5);
    expect(config.rateLimit.burst).toBe(4000);
  });

  it('refuses a file that is not an object', () => {
    const error = invalid([1]);
    expect(error.message).toBe('venue.json: (top level): must be an object, got an array');
  });

  const cases: [string, (config: Json & { instruments: Json[]; accounts: Json[] }) => void, RegExp][] = [
    ['unknown top-level key', (c) => (c.maxFrameByte = 1000), /^maxFrameByte: unknown key/],
    [
      'unknown instrument key',
      (c) => (c.instruments[1].ticksize = 1),
      /^instruments\[1\]\.ticksize: unknown key/,
    ],
    ['empty sandboxPrefix', (c) => (c.sandboxPrefix = ''), /^sandboxPrefix: must be a non-empty string/],
    [
      'sandboxIsolation not boolean',
      (c) => (c.sandboxIsolation = 'yes'),
      /^sandboxIsolation: must be true or false/,
    ],
    ['instruments not a list', (c) => ((c as Json).instruments = {}), /^instruments: must be an array/],
    ['no instruments', (c) => (c.instruments = []), /^instruments: must not be empty/],
    [
      'empty symbol',
      (c) => (c.instruments[0].symbol = ''),
      /^instruments\[0\]\.symbol: must be a non-empty string/,
    ],
    ['missing symbol', (c) => delete c.instruments[2].symbol, /^instruments\[2\]\.symbol: is missing/],
    [
      'duplicate symbol',
      (c) => (c.instruments[2].symbol = 'SANDBOX.BTC-USD'),
      /^instruments\[2\]\.symbol: duplicate "SANDBOX.BTC-USD" \(also instruments\[0\]\.symbol\)/,
    ],
    [
      'zero tickSize',
      (c) => (c.instruments[1].tickSize = 0),
      /^instruments\[1\]\.tickSize: must be greater than 0/,
    ],
    [
      'NaN-like tickSize',
      (c) => (c.instruments[1].tickSize = '0.01'),
      /^instruments\[1\]\.tickSize: must be a finite/,
    ],
    [
      'tickSize with 9 decimals',
      (c) => (c.instruments[1].tickSize = 1e-9),
      /^instruments\[1\]\.tickSize: must have at most 8 decimals/,
    ],
    [
      'negative lotSize',
      (c) => (c.instruments[0].lotSize = -0.001),
      /^instruments\[0\]\.lotSize: must be greater/,
    ],
    [
      'minQty off the lot',
      (c) => (c.instruments[0].minQty = 0.0015),
      /^instruments\[0\]\.minQty: must be a multiple of lotSize \(0\.001\)/,
    ],
    [
      'zero maxQty',
      (c) => (c.instruments[0].maxQty = 0),
      /^instruments\[0\]\.maxQty: must be greater than 0/,
    ],
    [
      'minQty above maxQty',
      (c) => (c.instruments[1].minQty = 200),
      /^instruments\[1\]\.minQty: must not exceed maxQty \(100\)/,
    ],
    [
      'bandPct of 0',
      (c) => (c.instruments[0].bandPct = 0),
      /^instruments\[0\]\.bandPct: must be between 0 and 1/,
    ],
    [
      'bandPct of 1',
      (c) => (c.instruments[0].bandPct = 1),
      /^instruments\[0\]\.bandPct: must be between 0 and 1/,
    ],
    [
      'markPrice off the tick',
      (c) => (c.instruments[0].markPrice = 20000.25),
      /^instruments\[0\]\.markPrice: must be a multiple of tickSize \(0\.5\)/,
    ],
    [
      'negative markPrice',
      (c) => (c.instruments[0].markPrice = -1),
      /^instruments\[0\]\.markPrice: must be greater/,
    ],
    [
      'maxPosition off the lot',
      (c) => (c.instruments[1].maxPosition = 0.005),
      /^instruments\[1\]\.maxPosition: must be a multiple of lotSize/,
    ],
    [
      'sizes too large for exact integers',
      (c) => (c.instruments[0].maxPosition = 100_000),
      /^instruments\[0\]: maxQty \+ maxPosition at 10x markPrice .* over the exact-arithmetic limit/,
    ],
    ['no accounts', (c) => (c.accounts = []), /^accounts: must not be empty/],
    ['unknown account key', (c) => (c.accounts[0].levrage = 2), /^accounts\[0\]\.levrage: unknown key/],
    ['empty account id', (c) => (c.accounts[1].id = ''), /^accounts\[1\]\.id: must be a non-empty string/],
    ['duplicate account id', (c) => (c.accounts[3].id = 'maker'), /^accounts\[3\]\.id: duplicate "maker"/],
    ['empty key', (c) => (c.accounts[2].key = ''), /^accounts\[2\]\.key: must be a non-empty string/],
    ['duplicate key', (c) => (c.accounts[1].key = 'maker-key'), /^accounts\[1\]\.key: duplicate "maker-key"/],
    [
      'key equal to adminKey',
      (c) => (c.accounts[1].key = 'admin-key'),
      /^accounts\[1\]\.key: must differ from adminKey/,
    ],
    ['negative cash', (c) => (c.accounts[0].cash = -1), /^accounts\[0\]\.cash: must be 0 or more/],
    [
      'cash finer than the cash scale',
      (c) => (c.accounts[0].cash = 0.00001),
      /^accounts\[0\]\.cash: must have at most 4/,
    ],
    ['cash too large', (c) => (c.accounts[0].cash = 1e12), /^accounts\[0\]\.cash: is too large/],
    [
      'leverage 0',
      (c) => (c.accounts[0].leverage = 0),
      /^accounts\[0\]\.leverage: must be an integer from 1 to 100/,
    ],
    [
      'leverage 101',
      (c) => (c.accounts[0].leverage = 101),
      /^accounts\[0\]\.leverage: must be an integer from 1/,
    ],
    ['leverage 1.5', (c) => (c.accounts[0].leverage = 1.5), /^accounts\[0\]\.leverage: must be an integer/],
    [
      'sandbox not boolean',
      (c) => (c.accounts[0].sandbox = 1),
      /^accounts\[0\]\.sandbox: must be true or false/,
    ],
    [
      'forbiddenSymbols not a list',
      (c) => (c.accounts[0].forbiddenSymbols = 'BTC-USD'),
      /^accounts\[0\]\.forbiddenSymbols: must be an array/,
    ],
    [
      'unknown forbidden symbol',
      (c) => (c.accounts[3].forbiddenSymbols = ['BTC-USD', 'DOGE-USD']),
      /^accounts\[3\]\.forbiddenSymbols\[1\]: unknown symbol "DOGE-USD"/,
    ],
    ['empty adminKey', (c) => (c.adminKey = ''), /^adminKey: must be a non-empty string/],
    ['rateLimit missing burst', (c) => (c.rateLimit = { perSecond: 5 }), /^rateLimit\.burst: is missing/],
    [
      'rateLimit typo',
      (c) => (c.rateLimit = { perSecond: 5, burst: 5, brust: 1 }),
      /^rateLimit\.brust: unknown key/,
    ],
    [
      'perSecond 0',
      (c) => (c.rateLimit = { perSecond: 0, burst: 5 }),
      /^rateLimit\.perSecond: must be greater than 0/,
    ],
    [
      'burst below 1',
      (c) => (c.rateLimit = { perSecond: 1, burst: 0.5 }),
      /^rateLimit\.burst: must be at least 1/,
    ],
    [
      'unknown stp',
      (c) => (c.defaultStp = 'cancel_all'),
      /^defaultStp: must be one of cancel_newest, cancel_oldest/,
    ],
    [
      'tiny maxFrameBytes',
      (c) => (c.maxFrameBytes = 255),
      /^maxFrameBytes: must be an integer from 256 to 16777216/,
    ],
    [
      'huge maxFrameBytes',
      (c) => (c.maxFrameBytes = 16 * 1024 * 1024 + 1),
      /^maxFrameBytes: must be an integer/,
    ],
    [
      'negative retainFinishedOrders',
      (c) => (c.retainFinishedOrders = -1),
      /^retainFinishedOrders: must be an integer 0 or more/,
    ],
    [
      'negative resumeBuffer',
      (c) => (c.resumeBuffer = -1),
      /^resumeBuffer: must be an integer from 0 to 10000000/,
    ],
    [
      'fractional resumeBufferBytes',
      (c) => (c.resumeBufferBytes = 1.5),
      /^resumeBufferBytes: must be an integer 0 or more/,
    ],
    ['no connections', (c) => (c.maxConnections = 0), /^maxConnections: must be an integer from 1 to 65536/],
    [
      'tiny maxBufferedBytes',
      (c) => (c.maxBufferedBytes = 1024),
      /^maxBufferedBytes: must be an integer 65536 or more/,
    ],
    ['null field', (c) => (c.maxFrameBytes = null), /^maxFrameBytes: must be a finite number, got null/],
  ];

  it.each(cases)('refuses %s, naming the path', (_, change, expected) => {
    const error = invalid(withChange(change));
    expect(error.code).toBe('SHK_CONFIG_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.message.startsWith('venue.json: ')).toBe(true);
    expect(error.message.slice('venue.json: '.length)).toMatch(expected);
    const path = error.message.slice('venue.json: '.length).split(': ')[0];
    expect(error.context).toEqual({ file: 'venue.json', path });
  });

  it('accepts boundary values', () => {
    const raw = withChange((c) => {
      c.maxFrameBytes = 256;
      c.retainFinishedOrders = 0;
      c.rateLimit = { perSecond: 0.5, burst: 1 };
      c.accounts[0].leverage = 100;
      c.accounts[0].cash = 0;
      c.accounts[3].forbiddenSymbols = ['SANDBOX.BTC-USD'];
      c.instruments[0].minQty = 5;
    });
    expect(() => validateExchangeConfig(raw, 'venue.json')).not.toThrow();
    const fine = {
      instruments: [
        {
          symbol: 'SANDBOX.PEPE-USD',
          tickSize: 1e-8,
          lotSize: 1,
          minQty: 1,
          maxQty: 1_000_000,
          bandPct: 0.5,
          markPrice: 0.00000123,
          maxPosition: 1_000_000,
        },
      ],
      accounts: [{ id: 'a', key: 'k', cash: 12.34567891, leverage: 1, sandbox: true }],
    };
    expect(() => validateExchangeConfig(fine, 'venue.json')).not.toThrow();
  });

  it('checks every instrument against the cash scale that the finest one sets', () => {
    // A tick of 1e-8 makes cash count 1e-10 units, which leaves BTC-USD too little room.
    const error = invalid(
      withChange((c) => {
        c.instruments[1].tickSize = 1e-8;
      }),
    );
    expect(error.message).toMatch(/^venue\.json: instruments\[0\]: .*\(10 decimals\)/);
  });
});
