import { faultProblem } from '../../core/faults/fault-problem.ts';
import type { FieldProblem } from '../../core/model/domain-pack.ts';
import { describeValue, type FieldCheck, oneOf } from '../../core/replay/field-checks.ts';
import { TRADERS, TRADING_ACTION_KINDS, TRADING_CLIENTS, type TradingAction } from './trading-action.ts';

/**
 * The schema of a trading action read from outside (a replay file), checked field by field so
 * that a hand-edited or foreign file is refused with the field named instead of crashing the
 * run: the kind, who may send it, every required field and the type of every field present,
 * and no field the kind does not have. Wire values (`price`, `qty` of orders) may be any JSON
 * value on purpose: junk is part of what is sent, and the venue must refuse it itself.
 */

type Check = FieldCheck;

interface FieldSpec {
  required: boolean;
  check: Check;
}

const show = describeValue;

const aString: Check = (value) =>
  typeof value === 'string' ? undefined : `must be a string, got ${show(value)}`;

const aSymbol: Check = (value) =>
  typeof value === 'string' && value !== '' ? undefined : `must be a non-empty string, got ${show(value)}`;

const aBoolean: Check = (value) =>
  typeof value === 'boolean' ? undefined : `must be true or false, got ${show(value)}`;

const anObject: Check = (value) =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? undefined
    : `must be an object, got ${show(value)}`;

/** A wire value: anything JSON holds, junk included. */
const anyValue: Check = () => undefined;

/** Checked apart, field by field (an order target, a fault). */
const checkedApart: Check = () => undefined;

const required = (check: Check): FieldSpec => ({ required: true, check });
const optional = (check: Check): FieldSpec => ({ required: false, check });

/** A step index, or -1 for an order no step placed (named by its client order id only). */
const aStep: Check = (value) =>
  Number.isSafeInteger(value) && (value as number) >= -1
    ? undefined
    : `must be an integer of -1 or more, got ${show(value)}`;

const TARGET: Record<string, FieldSpec> = {
  step: required(aStep),
  clientOrderId: required(aString),
  byOrderId: required(aBoolean),
};

const SIDES = ['buy', 'sell'] as const;
const ORDER_TYPES = ['limit', 'market', 'stop_market', 'stop_limit'] as const;
const TIFS = ['gtc', 'ioc', 'fok', 'post_only'] as const;
const STPS = ['cancel_newest', 'cancel_oldest', 'cancel_both'] as const;

type Kind = TradingAction['kind'];

/** The fields of each kind besides kind, client and gapMs. */
const FIELDS: Record<Kind, Record<string, FieldSpec>> = {
  place: {
    symbol: required(aSymbol),
    side: required(oneOf(SIDES)),
    orderType: required(oneOf(ORDER_TYPES)),
    tif: optional(oneOf(TIFS)),
    price: optional(anyValue),
    stopPrice: optional(anyValue),
    qty: required(anyValue),
    clientOrderId: required(aString),
    stp: optional(oneOf(STPS)),
  },
  cancel: { target: required(checkedApart) },
  replace: { target: required(checkedApart), price: optional(anyValue), qty: optional(anyValue) },
  cancel_all: { symbol: optional(aSymbol) },
  set_mark: { symbol: required(aSymbol), price: required(anyValue) },
  reconnect: { mode: required(oneOf(['resync', 'resume'])) },
  halt: { symbol: optional(aSymbol) },
  resume_trading: { symbol: optional(aSymbol) },
  reset: {},
  status: { target: required(checkedApart) },
  malformed: { request: required(anObject) },
  // The config is checked whole by the venue that is built from it.
  configure: { config: required(anObject) },
  fault: { fault: required(checkedApart) },
};

/** Who may send each kind. Faults are checked apart: it depends on what they hit. */
const SENDERS: Record<Exclude<Kind, 'fault'>, readonly string[]> = {
  place: TRADERS,
  cancel: TRADERS,
  replace: TRADERS,
  cancel_all: TRADERS,
  set_mark: ['admin'],
  reconnect: TRADERS,
  halt: ['admin'],
  resume_trading: ['admin'],
  reset: ['admin'],
  status: TRADERS,
  malformed: TRADERS,
  configure: ['admin'],
};

/** Every parameter each fault family has (faultProblem checks their types and the required ones). */
const FAULT_FIELDS: Record<string, readonly string[]> = {
  frame: ['type', 'effect', 'direction', 'count', 'delayMs', 'jitterMs', 'holdFor', 'seed'],
  connection: ['type', 'effect', 'downMs', 'times', 'intervalMs'],
  response: ['type', 'effect', 'nth', 'every', 'count', 'retryAfterMs', 'afterEffect'],
  process: ['type', 'effect', 'downMs'],
  clock: ['type', 'effect', 'ms'],
};

/** Every kind a file may hold: the trading actions proper, and faults. */
const KINDS: readonly Kind[] = [...TRADING_ACTION_KINDS, 'fault'];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const problem = (field: string, text: string): FieldProblem => ({ field, problem: text });

/** The fields of `value` that are set (a key holding undefined is not: JSON drops it). */
const presentKeys = (value: Record<string, unknown>): string[] =>
  Object.keys(value).filter((k) => value[k] !== undefined);

/**
 * The first thing wrong with a trading action read from outside, naming the field by its path
 * inside the action (`kind`, `target.step`, `fault.count`), or undefined when it is sound.
 */
export function validateTradingAction(value: unknown): FieldProblem | undefined {
  if (!isObject(value)) return problem('', `must be an object, got ${show(value)}`);
  const kind = value.kind;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    return problem(
      'kind',
      kind === undefined ? 'is missing' : `unknown action kind ${show(kind)}; known: ${KINDS.join(', ')}`,
    );
  }
  const fields = FIELDS[kind as Kind];
  for (const key of presentKeys(value)) {
    if (key !== 'kind' && key !== 'client' && key !== 'gapMs' && key !== 'expectRefusal' && !(key in fields))
      return problem(key, `is not a field of a ${kind} action`);
  }
  if (value.expectRefusal !== undefined && typeof value.expectRefusal !== 'boolean')
    return problem('expectRefusal', `must be true or false, got ${show(value.expectRefusal)}`);
  if (value.gapMs === undefined) return problem('gapMs', 'is missing');
  if (typeof value.gapMs !== 'number' || !Number.isFinite(value.gapMs) || value.gapMs < 0)
    return problem('gapMs', `must be a number of 0 or more, got ${show(value.gapMs)}`);
  for (const [key, spec] of Object.entries(fields)) {
    const field = value[key];
    if (field === undefined) {
      if (spec.required) return problem(key, 'is missing');
      continue;
    }
    const wrong = spec.check(field);
    if (wrong !== undefined) return problem(key, wrong);
  }
  if (kind === 'cancel' || kind === 'replace' || kind === 'status') {
    const wrong = targetProblem(value.target);
    if (wrong) return wrong;
  }
  if (kind === 'fault') return faultActionProblem(value);
  const senders = SENDERS[kind as Exclude<Kind, 'fault'>];
  if (value.client === undefined) return problem('client', 'is missing');
  if (typeof value.client !== 'string' || !senders.includes(value.client))
    return problem(
      'client',
      `must be one of ${senders.join(', ')} for a ${kind} action, got ${show(value.client)}`,
    );
  return undefined;
}

function targetProblem(target: unknown): FieldProblem | undefined {
  if (!isObject(target)) return problem('target', `must be an object, got ${show(target)}`);
  for (const key of presentKeys(target)) {
    if (!(key in TARGET)) return problem(`target.${key}`, 'is not a field of an order target');
  }
  for (const [key, spec] of Object.entries(TARGET)) {
    const field = target[key];
    if (field === undefined) return problem(`target.${key}`, 'is missing');
    const wrong = spec.check(field);
    if (wrong !== undefined) return problem(`target.${key}`, wrong);
  }
  return undefined;
}

/** Process and clock faults hit the whole venue: generated ones are recorded under `venue`. */
const TARGET_WIDE_CLIENTS: readonly string[] = [...TRADING_CLIENTS, 'venue'];

/**
 * A fault's parameters, and whose link it hits: a frame, connection or response fault acts on
 * a client's link, so it names one of the run's clients; a process or clock fault hits the
 * whole venue and its client is only a label (`venue`, or the client that noticed it).
 */
function faultActionProblem(action: Record<string, unknown>): FieldProblem | undefined {
  const wrong = faultProblem(action.fault);
  if (wrong !== undefined) return problem('fault', wrong);
  const fault = action.fault as Record<string, unknown>;
  const type = fault.type as string;
  for (const key of presentKeys(fault)) {
    if (!FAULT_FIELDS[type].includes(key))
      return problem(`fault.${key}`, `is not a field of a ${type} fault`);
  }
  const client = action.client;
  if (client === undefined) return problem('client', 'is missing');
  const allowed = type === 'process' || type === 'clock' ? TARGET_WIDE_CLIENTS : TRADING_CLIENTS;
  return typeof client === 'string' && allowed.includes(client)
    ? undefined
    : problem('client', `must be one of ${allowed.join(', ')} for a ${type} fault, got ${show(client)}`);
}
