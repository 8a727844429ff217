import { ShakedownError } from '../../../core/shakedown-error.ts';
import { cashDecimalsOfInstrument, cashPerPxQtyOf } from './contract-multiplier.ts';
import { decimalsOf } from './decimals-of.ts';
import type {
  AccountConfig,
  ExchangeConfig,
  InstrumentConfig,
  NumberSpelling,
  RateLimitConfig,
  RejectCheck,
  RejectPrecedence,
  RejectRequest,
  StopTriggerOrder,
  VenueModes,
} from './exchange-config.ts';
import {
  defaultExchangeConfig,
  NUMBER_SPELLINGS,
  REJECT_CHECKS,
  STOP_TRIGGER_ORDERS,
} from './exchange-config.ts';
import type { SelfTradePrevention } from './exchange-input.ts';

const MAX_STEP_DECIMALS = 8;
const MIN_FRAME_BYTES = 256;
const MAX_FRAME_BYTES = 16 * 1024 * 1024;
const MAX_LEVERAGE = 100;
/** Memory limits: each is a count or a byte size the server holds at most (docs/exchange.md). */
const MAX_RESUME_BUFFER = 10_000_000;
const MAX_CONNECTIONS = 65_536;
const MIN_BUFFERED_BYTES = 64 * 1024;
/** Largest cash amount, in atoms, one order or position may reach; see checkFitsIntegers. */
const ATOM_LIMIT = 2 ** 53 / 1024;
/** How far admins may move a mark above its start and still have exact arithmetic. */
const MARK_HEADROOM = 10;
const STP_MODES: readonly SelfTradePrevention[] = ['cancel_newest', 'cancel_oldest', 'cancel_both'];

const TOP_KEYS: readonly (keyof ExchangeConfig)[] = [
  'sandboxPrefix',
  'sandboxIsolation',
  'instruments',
  'accounts',
  'adminKey',
  'rateLimit',
  'defaultStp',
  'maxFrameBytes',
  'retainFinishedOrders',
  'resumeBuffer',
  'resumeBufferBytes',
  'maxConnections',
  'maxBufferedBytes',
  'venueModes',
  'rejectPrecedence',
  'numberSpellings',
  'stopTriggerOrder',
];
const VENUE_MODE_KEYS: readonly (keyof VenueModes)[] = ['rejectEntries', 'rejectExits', 'rejectCancels'];
const INSTRUMENT_KEYS: readonly (keyof InstrumentConfig)[] = [
  'symbol',
  'tickSize',
  'lotSize',
  'minQty',
  'maxQty',
  'bandPct',
  'markPrice',
  'maxPosition',
  'contractMultiplier',
];
const ACCOUNT_KEYS: readonly (keyof AccountConfig)[] = [
  'id',
  'key',
  'cash',
  'leverage',
  'sandbox',
  'forbiddenSymbols',
];
const RATE_LIMIT_KEYS: readonly (keyof RateLimitConfig)[] = ['perSecond', 'burst'];

type Fields = Record<string, unknown>;

/**
 * Checks a parsed config file and returns a complete config. Top-level fields that are absent
 * take their default; `instruments` and `accounts`, when present, replace the default lists
 * whole, and every object inside the file must be complete. Errors name the JSON path of the
 * first offending value, e.g. `instruments[1].tickSize`.
 */
export function validateExchangeConfig(raw: unknown, source: string): ExchangeConfig {
  const v = new Validator(source);
  const root = v.object(raw, '');
  v.onlyKeys(root, TOP_KEYS, '');
  const defaults = defaultExchangeConfig();
  const take = <K extends keyof ExchangeConfig>(key: K): unknown =>
    root[key] === undefined ? defaults[key] : root[key];

  const sandboxPrefix = v.nonEmptyString(take('sandboxPrefix'), 'sandboxPrefix');
  const sandboxIsolation = v.boolean(take('sandboxIsolation'), 'sandboxIsolation');
  const instruments = v.list(take('instruments'), 'instruments', (item, path) => instrument(v, item, path));
  v.unique(
    instruments.map((i) => i.symbol),
    'instruments',
    'symbol',
  );
  const cashDecimals = Math.max(...instruments.map((i) => cashDecimalsOfInstrument(i)));
  instruments.forEach((item, index) => {
    checkFitsIntegers(v, item, cashDecimals, `instruments[${index}]`);
  });

  const adminKey = v.nonEmptyString(take('adminKey'), 'adminKey');
  const symbols = new Set(instruments.map((i) => i.symbol));
  const accounts = v.list(take('accounts'), 'accounts', (item, path) =>
    account(v, item, path, { symbols, adminKey, cashDecimals }),
  );
  v.unique(
    accounts.map((a) => a.id),
    'accounts',
    'id',
  );
  v.unique(
    accounts.map((a) => a.key),
    'accounts',
    'key',
  );

  const rawRate = v.object(take('rateLimit'), 'rateLimit');
  v.onlyKeys(rawRate, RATE_LIMIT_KEYS, 'rateLimit');
  const perSecond = v.number(rawRate.perSecond, 'rateLimit.perSecond');
  if (!(perSecond > 0)) v.fail('rateLimit.perSecond', `must be greater than 0, got ${show(perSecond)}`);
  const burst = v.number(rawRate.burst, 'rateLimit.burst');
  if (!(burst >= 1)) v.fail('rateLimit.burst', `must be at least 1, got ${show(burst)}`);

  const defaultStp = take('defaultStp');
  if (!STP_MODES.includes(defaultStp as SelfTradePrevention)) {
    v.fail('defaultStp', `must be one of ${STP_MODES.join(', ')}, got ${show(defaultStp)}`);
  }
  const maxFrameBytes = v.integer(take('maxFrameBytes'), 'maxFrameBytes', MIN_FRAME_BYTES, MAX_FRAME_BYTES);
  const retainFinishedOrders = v.integer(
    take('retainFinishedOrders'),
    'retainFinishedOrders',
    0,
    Number.MAX_SAFE_INTEGER,
  );
  const resumeBuffer = v.integer(take('resumeBuffer'), 'resumeBuffer', 0, MAX_RESUME_BUFFER);
  const resumeBufferBytes = v.integer(
    take('resumeBufferBytes'),
    'resumeBufferBytes',
    0,
    Number.MAX_SAFE_INTEGER,
  );
  const maxConnections = v.integer(take('maxConnections'), 'maxConnections', 1, MAX_CONNECTIONS);
  const maxBufferedBytes = v.integer(
    take('maxBufferedBytes'),
    'maxBufferedBytes',
    MIN_BUFFERED_BYTES,
    Number.MAX_SAFE_INTEGER,
  );

  const rawModes = v.object(take('venueModes'), 'venueModes');
  v.onlyKeys(rawModes, VENUE_MODE_KEYS, 'venueModes');
  const mode = (key: keyof VenueModes): boolean =>
    v.boolean(rawModes[key] ?? defaults.venueModes[key], `venueModes.${key}`);
  const venueModes: VenueModes = {
    rejectEntries: mode('rejectEntries'),
    rejectExits: mode('rejectExits'),
    rejectCancels: mode('rejectCancels'),
  };

  const rejectPrecedence = precedence(v, take('rejectPrecedence'));
  const numberSpellings = spellings(v, take('numberSpellings'));
  const stopTriggerOrder = take('stopTriggerOrder');
  if (stopTriggerOrder !== undefined && !STOP_TRIGGER_ORDERS.includes(stopTriggerOrder as StopTriggerOrder))
    v.fail(
      'stopTriggerOrder',
      `must be one of ${STOP_TRIGGER_ORDERS.join(', ')}, got ${show(stopTriggerOrder)}`,
    );

  return {
    sandboxPrefix,
    sandboxIsolation,
    instruments,
    accounts,
    adminKey,
    rateLimit: { perSecond, burst },
    defaultStp: defaultStp as SelfTradePrevention,
    maxFrameBytes,
    retainFinishedOrders,
    resumeBuffer,
    resumeBufferBytes,
    maxConnections,
    maxBufferedBytes,
    venueModes,
    ...(rejectPrecedence === undefined ? {} : { rejectPrecedence }),
    ...(numberSpellings === undefined ? {} : { numberSpellings }),
    ...(stopTriggerOrder === undefined ? {} : { stopTriggerOrder: stopTriggerOrder as StopTriggerOrder }),
  };
}

/** Spellings from NUMBER_SPELLINGS, each at most once; any but `string` needs `string` too. */
function spellings(v: Validator, raw: unknown): NumberSpelling[] | undefined {
  if (raw === undefined) return undefined;
  const known: readonly string[] = NUMBER_SPELLINGS;
  const list = v.list(
    raw,
    'numberSpellings',
    (item, path) => {
      if (typeof item !== 'string' || !known.includes(item))
        v.fail(path, `must be one of ${known.join(', ')}, got ${show(item)}`);
      return item as NumberSpelling;
    },
    true,
  );
  list.forEach((item, index) => {
    if (list.indexOf(item) !== index) v.fail(`numberSpellings[${index}]`, `duplicate ${show(item)}`);
  });
  if (list.length > 0 && !list.includes('string'))
    v.fail('numberSpellings', `lists ${list.join(', ')} without "string", which they all build on`);
  return list;
}

/** Per request type, a list of that request's check names, each at most once. */
function precedence(v: Validator, raw: unknown): RejectPrecedence | undefined {
  if (raw === undefined) return undefined;
  const fields = v.object(raw, 'rejectPrecedence');
  const requests = Object.keys(REJECT_CHECKS) as RejectRequest[];
  v.onlyKeys(fields, requests, 'rejectPrecedence');
  const out: RejectPrecedence = {};
  for (const request of requests) {
    if (fields[request] === undefined) continue;
    const path = `rejectPrecedence.${request}`;
    const known: readonly string[] = REJECT_CHECKS[request];
    const checks = v.list(
      fields[request],
      path,
      (item, itemPath) => {
        if (typeof item !== 'string' || !known.includes(item))
          v.fail(itemPath, `must be one of ${known.join(', ')}, got ${show(item)}`);
        return item as RejectCheck;
      },
      true,
    );
    checks.forEach((check, index) => {
      if (checks.indexOf(check) !== index) v.fail(`${path}[${index}]`, `duplicate ${show(check)}`);
    });
    out[request] = checks;
  }
  return out;
}

function instrument(v: Validator, raw: unknown, path: string): InstrumentConfig {
  const fields = v.object(raw, path);
  v.onlyKeys(fields, INSTRUMENT_KEYS, path);
  const at = (key: keyof InstrumentConfig) => `${path}.${key}`;
  const symbol = v.nonEmptyString(fields.symbol, at('symbol'));
  const tickSize = v.step(fields.tickSize, at('tickSize'));
  const lotSize = v.step(fields.lotSize, at('lotSize'));
  const minQty = v.multipleOf(fields.minQty, at('minQty'), lotSize, 'lotSize');
  const maxQty = v.multipleOf(fields.maxQty, at('maxQty'), lotSize, 'lotSize');
  if (minQty > maxQty) v.fail(at('minQty'), `must not exceed maxQty (${maxQty}), got ${minQty}`);
  const bandPct = v.number(fields.bandPct, at('bandPct'));
  if (!(bandPct > 0 && bandPct < 1))
    v.fail(at('bandPct'), `must be between 0 and 1 (exclusive), got ${bandPct}`);
  const markPrice = v.multipleOf(fields.markPrice, at('markPrice'), tickSize, 'tickSize');
  const maxPosition = v.multipleOf(fields.maxPosition, at('maxPosition'), lotSize, 'lotSize');
  const result: InstrumentConfig = {
    symbol,
    tickSize,
    lotSize,
    minQty,
    maxQty,
    bandPct,
    markPrice,
    maxPosition,
  };
  // A multiplier is a decimal step like a tick: positive, at most MAX_STEP_DECIMALS decimals.
  if (fields.contractMultiplier !== undefined)
    result.contractMultiplier = v.step(fields.contractMultiplier, at('contractMultiplier'));
  return result;
}

function account(
  v: Validator,
  raw: unknown,
  path: string,
  known: { symbols: Set<string>; adminKey: string; cashDecimals: number },
): AccountConfig {
  const fields = v.object(raw, path);
  v.onlyKeys(fields, ACCOUNT_KEYS, path);
  const at = (key: keyof AccountConfig) => `${path}.${key}`;
  const id = v.nonEmptyString(fields.id, at('id'));
  const key = v.nonEmptyString(fields.key, at('key'));
  if (key === known.adminKey) v.fail(at('key'), 'must differ from adminKey');
  const cash = v.number(fields.cash, at('cash'));
  if (!(cash >= 0)) v.fail(at('cash'), `must be 0 or more, got ${cash}`);
  // Cash is held in atoms at the common cash scale, so it must be exact there and leave the
  // same headroom for sums as an order's notional does.
  if (decimalsOf(cash) > known.cashDecimals) {
    v.fail(
      at('cash'),
      `must have at most ${known.cashDecimals} decimals (the instruments' cash scale), got ${cash}`,
    );
  }
  if (cash * 10 ** known.cashDecimals >= ATOM_LIMIT) {
    v.fail(
      at('cash'),
      `is too large for exact integer arithmetic at ${known.cashDecimals} decimals, got ${cash}`,
    );
  }
  const leverage = v.integer(fields.leverage, at('leverage'), 1, MAX_LEVERAGE);
  const sandbox = v.boolean(fields.sandbox, at('sandbox'));
  const result: AccountConfig = { id, key, cash, leverage, sandbox };
  if (fields.forbiddenSymbols !== undefined) {
    result.forbiddenSymbols = v.list(
      fields.forbiddenSymbols,
      at('forbiddenSymbols'),
      (item, itemPath) => {
        const symbol = v.nonEmptyString(item, itemPath);
        if (!known.symbols.has(symbol)) v.fail(itemPath, `unknown symbol ${show(symbol)}`);
        return symbol;
      },
      true,
    );
  }
  return result;
}

/**
 * The engine does exact integer arithmetic in atoms: a price counts ticks of 10^-priceDecimals
 * (the decimals of tickSize), a quantity counts 10^-qtyDecimals (the decimals of lotSize),
 * and cash counts 10^-cashDecimals, the largest priceDecimals + qtyDecimals (+ the decimals of
 * the contract multiplier) over all instruments, so any price x quantity x multiplier is a whole
 * number of cash atoms. Doubles are exact
 * only below 2^53, and the engine adds many notionals together (reserves over open orders,
 * positions, P&L), so one notional must stay 1024 times below that. The worst notional is
 * the most an account can order on top of its largest position, priced at the top of the
 * band around a mark that admins may have moved to 10 times its start.
 */
function checkFitsIntegers(v: Validator, item: InstrumentConfig, cashDecimals: number, path: string): void {
  const priceDecimals = decimalsOf(item.tickSize);
  const qtyDecimals = decimalsOf(item.lotSize);
  const qtyAtoms = (item.maxQty + item.maxPosition) * 10 ** qtyDecimals;
  const priceAtoms = MARK_HEADROOM * item.markPrice * (1 + item.bandPct) * 10 ** priceDecimals;
  const cashAtoms = qtyAtoms * priceAtoms * cashPerPxQtyOf(item, cashDecimals);
  if (cashAtoms >= ATOM_LIMIT) {
    v.fail(
      path,
      `maxQty + maxPosition at ${MARK_HEADROOM}x markPrice plus the band is ${cashAtoms.toExponential(3)} cash atoms ` +
        `(${cashDecimals} decimals), over the exact-arithmetic limit ${ATOM_LIMIT}; lower maxQty, maxPosition or ` +
        'markPrice, or use a coarser tickSize or lotSize',
    );
  }
}

/** Type and range checks that report the path of the value they looked at. */
class Validator {
  constructor(private readonly source: string) {}

  fail(path: string, what: string): never {
    const where = path === '' ? '(top level)' : path;
    throw new ShakedownError('SHK_CONFIG_INVALID', `${this.source}: ${where}: ${what}`, {
      exitCode: 2,
      context: { file: this.source, path: where },
    });
  }

  object(value: unknown, path: string): Fields {
    if (value === undefined) this.fail(path, 'is missing');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, `must be an object, got ${show(value)}`);
    }
    return value as Fields;
  }

  onlyKeys(fields: Fields, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(fields)) {
      if (!allowed.includes(key)) {
        this.fail(
          path === '' ? key : `${path}.${key}`,
          `unknown key (expected one of ${allowed.join(', ')})`,
        );
      }
    }
  }

  list<T>(value: unknown, path: string, item: (raw: unknown, path: string) => T, mayBeEmpty = false): T[] {
    if (value === undefined) this.fail(path, 'is missing');
    if (!Array.isArray(value)) this.fail(path, `must be an array, got ${show(value)}`);
    if (value.length === 0 && !mayBeEmpty) this.fail(path, 'must not be empty');
    return value.map((raw, index) => item(raw, `${path}[${index}]`));
  }

  unique(values: string[], path: string, key: string): void {
    const seen = new Map<string, number>();
    values.forEach((value, index) => {
      const first = seen.get(value);
      if (first !== undefined) {
        this.fail(`${path}[${index}].${key}`, `duplicate ${show(value)} (also ${path}[${first}].${key})`);
      }
      seen.set(value, index);
    });
  }

  nonEmptyString(value: unknown, path: string): string {
    if (value === undefined) this.fail(path, 'is missing');
    if (typeof value !== 'string' || value === '')
      this.fail(path, `must be a non-empty string, got ${show(value)}`);
    return value;
  }

  boolean(value: unknown, path: string): boolean {
    if (value === undefined) this.fail(path, 'is missing');
    if (typeof value !== 'boolean') this.fail(path, `must be true or false, got ${show(value)}`);
    return value;
  }

  number(value: unknown, path: string): number {
    if (value === undefined) this.fail(path, 'is missing');
    if (typeof value !== 'number' || !Number.isFinite(value))
      this.fail(path, `must be a finite number, got ${show(value)}`);
    return value;
  }

  integer(value: unknown, path: string, min: number, max: number): number {
    const n = this.number(value, path);
    if (!Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
      this.fail(path, `must be an integer ${range}, got ${n}`);
    }
    return n;
  }

  /** A tick or lot size: positive with few enough decimals that its atoms stay small. */
  step(value: unknown, path: string): number {
    const n = this.number(value, path);
    if (!(n > 0)) this.fail(path, `must be greater than 0, got ${n}`);
    if (decimalsOf(n) > MAX_STEP_DECIMALS) {
      this.fail(path, `must have at most ${MAX_STEP_DECIMALS} decimals, got ${n}`);
    }
    return n;
  }

  multipleOf(value: unknown, path: string, step: number, stepName: string): number {
    const n = this.number(value, path);
    if (!(n > 0)) this.fail(path, `must be greater than 0, got ${n}`);
    const decimals = decimalsOf(step);
    const atoms = Math.round(n * 10 ** decimals);
    if (!Number.isSafeInteger(atoms))
      this.fail(path, `is too large to count in steps of ${stepName} (${step}), got ${n}`);
    // Compared in whole units of the step's last decimal, which is exact where floats are not.
    if (decimalsOf(n) > decimals || atoms % Math.round(step * 10 ** decimals) !== 0) {
      this.fail(path, `must be a multiple of ${stepName} (${step}), got ${n}`);
    }
    return n;
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
