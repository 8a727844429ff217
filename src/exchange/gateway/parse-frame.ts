import {
  type ClientRequest,
  type FrameErrorCode,
  type ProtocolError,
  REQUEST_TYPES,
  type RequestId,
  type RequestType,
} from '../../domains/trading/protocol/protocol-messages.ts';

export type ParsedFrame =
  | { ok: true; request: ClientRequest }
  /** `id` is set when the frame had a usable one, so the error can be sent as its response. */
  | { ok: false; id?: RequestId; error: ProtocolError };

/** How one field of a request is checked. `any` fields (price, qty) are left to the engine. */
type FieldKind =
  | { kind: 'string' }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'strings' }
  | { kind: 'seqs' }
  | { kind: 'any' };

interface FieldSpec {
  name: string;
  required: boolean;
  check: FieldKind;
}

const str = (name: string, required = false): FieldSpec => ({ name, required, check: { kind: 'string' } });
const oneOf = (name: string, values: readonly string[], required = false): FieldSpec => ({
  name,
  required,
  check: { kind: 'enum', values },
});
const any = (name: string): FieldSpec => ({ name, required: false, check: { kind: 'any' } });
const orderRef = [str('orderId'), str('clientOrderId')];

const FIELDS: Record<RequestType, FieldSpec[]> = {
  login: [str('key', true), { name: 'batch', required: false, check: { kind: 'boolean' } }],
  subscribe: [{ name: 'streams', required: true, check: { kind: 'strings' } }],
  unsubscribe: [{ name: 'streams', required: true, check: { kind: 'strings' } }],
  resync: [{ name: 'streams', required: false, check: { kind: 'strings' } }],
  resume: [{ name: 'from', required: true, check: { kind: 'seqs' } }],
  ping: [],
  place: [
    str('symbol', true),
    oneOf('side', ['buy', 'sell'], true),
    oneOf('orderType', ['limit', 'market', 'stop_market', 'stop_limit'], true),
    oneOf('tif', ['gtc', 'ioc', 'fok', 'post_only']),
    any('price'),
    any('stopPrice'),
    any('qty'),
    str('clientOrderId', true),
    oneOf('stp', ['cancel_newest', 'cancel_oldest', 'cancel_both']),
  ],
  cancel: orderRef,
  replace: [...orderRef, any('price'), any('qty')],
  cancel_all: [str('symbol')],
  status: orderRef,
  set_mark: [str('symbol', true), any('price')],
  halt: [str('symbol')],
  resume_trading: [str('symbol')],
  reset: [],
  snapshot: [],
};

const fail = (code: FrameErrorCode, message: string, id?: RequestId, field?: string): ParsedFrame => {
  const error: ProtocolError = field === undefined ? { code, message } : { code, message, field };
  return id === undefined ? { ok: false, error } : { ok: false, id, error };
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Returns what the field must be when the value does not fit, or undefined when it does. */
function describeMismatch(check: FieldKind, value: unknown): string | undefined {
  switch (check.kind) {
    case 'string':
      return typeof value === 'string' ? undefined : 'a string';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'a boolean';
    case 'enum':
      return typeof value === 'string' && check.values.includes(value)
        ? undefined
        : check.values.map((v) => `"${v}"`).join(' or ');
    case 'strings':
      return Array.isArray(value) && value.every((s) => typeof s === 'string')
        ? undefined
        : 'an array of strings';
    case 'seqs':
      return isPlainObject(value) &&
        Object.values(value).every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)
        ? undefined
        : 'an object mapping stream names to non-negative integer seqs';
    case 'any':
      return undefined;
  }
}

const knownTypes = new Set<string>(REQUEST_TYPES);

/**
 * Turns one text frame into a typed request, or says precisely what is wrong with it. Pure:
 * the same text always gives the same answer. Only the fields of the request type are kept,
 * so a frame cannot smuggle in anything else (an `account`, say).
 */
export function parseFrame(text: string, maxBytes: number): ParsedFrame {
  // A UTF-8 byte count is never below the UTF-16 length, so long strings are refused unmeasured,
  // and never above three times it, so short ones (nearly every frame) pass unmeasured.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes)) {
    return fail('frame_too_large', `frame is larger than ${maxBytes} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'invalid JSON';
    return fail('bad_json', `frame is not valid JSON (${reason})`);
  }
  return checkRequest(value);
}

/**
 * The checks of parseFrame after the JSON: an object, a usable id, a known type, each field of
 * the right type. A transport that carries requests as objects (in-process) runs them too, so a
 * malformed request is answered as it would be over a socket.
 */
export function checkRequest(value: unknown): ParsedFrame {
  if (!isPlainObject(value)) return fail('not_an_object', 'frame must be a JSON object');

  const id = value.id;
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) {
    return fail('missing_id', 'frame needs an "id" that is a string or a number');
  }
  const type = value.type;
  if (typeof type !== 'string' || !knownTypes.has(type)) {
    return fail('unknown_type', `unknown request type ${JSON.stringify(type ?? null)}`, id);
  }

  if (type === 'place') {
    const place = wellFormedPlace(value, id);
    if (place !== undefined) return { ok: true, request: place };
  } else if (type === 'cancel') {
    const cancel = wellFormedCancel(value, id);
    if (cancel !== undefined) return { ok: true, request: cancel };
  }
  return checkFields(value, id, type as RequestType);
}

/**
 * The field checks of checkRequest for a request whose id and type are known good: each field
 * of the type in FIELDS order, the first wrong one named. checkRequest answers exactly what this
 * does (a well-formed place or cancel by a shortcut); exported so that tests can hold it to that.
 */
export function checkFields(value: Record<string, unknown>, id: RequestId, type: RequestType): ParsedFrame {
  const request: Record<string, unknown> = { id, type };
  for (const spec of FIELDS[type]) {
    const field = value[spec.name];
    if (field === undefined) {
      if (spec.required) return fail('bad_field', `${type}: ${spec.name} is required`, id, spec.name);
      continue;
    }
    const expected = describeMismatch(spec.check, field);
    if (expected !== undefined) {
      return fail('bad_field', `${type}: ${spec.name} must be ${expected}`, id, spec.name);
    }
    request[spec.name] = field;
  }
  return { ok: true, request: request as unknown as ClientRequest };
}

const SIDES: readonly unknown[] = ['buy', 'sell'];
const ORDER_TYPES: readonly unknown[] = ['limit', 'market', 'stop_market', 'stop_limit'];
const TIFS: readonly unknown[] = ['gtc', 'ioc', 'fok', 'post_only'];
const STPS: readonly unknown[] = ['cancel_newest', 'cancel_oldest', 'cancel_both'];

/**
 * What the field loop of checkRequest makes of a place whose every field is right, spelled out
 * for the most frequent request: the same fields, in FIELDS order, with the same checks, read
 * and written by name. Undefined when any field is wrong: the loop then says which.
 */
function wellFormedPlace(value: Record<string, unknown>, id: RequestId): ClientRequest | undefined {
  const { symbol, side, orderType, tif, price, stopPrice, qty, clientOrderId, stp } = value;
  if (typeof symbol !== 'string' || !SIDES.includes(side) || !ORDER_TYPES.includes(orderType))
    return undefined;
  if (tif !== undefined && !TIFS.includes(tif)) return undefined;
  if (typeof clientOrderId !== 'string') return undefined;
  if (stp !== undefined && !STPS.includes(stp)) return undefined;
  const request: Record<string, unknown> = { id, type: 'place', symbol, side, orderType };
  if (tif !== undefined) request.tif = tif;
  if (price !== undefined) request.price = price;
  if (stopPrice !== undefined) request.stopPrice = stopPrice;
  if (qty !== undefined) request.qty = qty;
  request.clientOrderId = clientOrderId;
  if (stp !== undefined) request.stp = stp;
  return request as unknown as ClientRequest;
}

/** The same for a cancel: both of its fields optional strings. */
function wellFormedCancel(value: Record<string, unknown>, id: RequestId): ClientRequest | undefined {
  const { orderId, clientOrderId } = value;
  if (orderId !== undefined && typeof orderId !== 'string') return undefined;
  if (clientOrderId !== undefined && typeof clientOrderId !== 'string') return undefined;
  const request: Record<string, unknown> = { id, type: 'cancel' };
  if (orderId !== undefined) request.orderId = orderId;
  if (clientOrderId !== undefined) request.clientOrderId = clientOrderId;
  return request as unknown as ClientRequest;
}
