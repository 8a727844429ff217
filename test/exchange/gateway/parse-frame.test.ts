import { describe, expect, it } from 'vitest';
import { FRAME_ERROR_CODES } from '../../../src/domains/trading/protocol/protocol-messages.ts';
import { parseFrame } from '../../../src/exchange/gateway/parse-frame.ts';

const MAX = 1024;
const place = {
  id: 1,
  type: 'place',
  symbol: 'SANDBOX.BTC-USD',
  side: 'buy',
  orderType: 'limit',
  price: 20000,
  qty: 0.01,
  clientOrderId: 'c-1',
};

function errorOf(text: string) {
  const parsed = parseFrame(text, MAX);
  if (parsed.ok) throw new Error(`expected an error for ${text}`);
  return parsed;
}

describe('parseFrame', () => {
  it('parses each request type into exactly its fields', () => {
    const parsed = parseFrame(JSON.stringify({ ...place, account: 'someone-else', extra: true }), MAX);
    expect(parsed).toEqual({ ok: true, request: place });
    expect(parseFrame('{"id":"x","type":"ping"}', MAX)).toEqual({
      ok: true,
      request: { id: 'x', type: 'ping' },
    });
    expect(parseFrame('{"id":2,"type":"resume","from":{"account:maker":3}}', MAX)).toEqual({
      ok: true,
      request: { id: 2, type: 'resume', from: { 'account:maker': 3 } },
    });
  });

  it('passes price and qty through untouched, whatever they are', () => {
    for (const value of ['NaN', 'abc', -1, null, true, [1], { a: 1 }, '1e400', 0.1]) {
      const parsed = parseFrame(JSON.stringify({ ...place, price: value, qty: value }), MAX);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(parsed.request).toMatchObject({ price: value, qty: value });
    }
    const missing = parseFrame(JSON.stringify({ ...place, qty: undefined }), MAX);
    expect(missing.ok).toBe(true);
  });

  it('frame_too_large: checked on the byte length before parsing', () => {
    expect(errorOf('x'.repeat(MAX + 1))).toMatchObject({ error: { code: 'frame_too_large' } });
    // 2 bytes per character in UTF-8: short in characters, too long in bytes.
    const wide = JSON.stringify({ id: 1, type: 'ping', pad: 'é'.repeat(MAX / 2) });
    expect(wide.length).toBeLessThan(MAX + 40);
    expect(errorOf(wide).error.code).toBe('frame_too_large');
    expect(parseFrame(`{"id":1,"type":"ping","p":"${'x'.repeat(MAX - 40)}"}`, MAX).ok).toBe(true);
  });

  it('bad_json: invalid text, and the NaN / Infinity literals', () => {
    for (const text of [
      '{',
      'not json',
      '{"id":1,"type":"place","qty":NaN}',
      '{"id":1,"qty":Infinity}',
      '',
    ]) {
      const parsed = errorOf(text);
      expect(parsed.error.code).toBe('bad_json');
      expect(parsed.id).toBeUndefined();
    }
  });

  it('not_an_object', () => {
    for (const text of ['[1,2]', '"ping"', '42', 'null', 'true'])
      expect(errorOf(text).error.code).toBe('not_an_object');
  });

  it('missing_id: absent, or not a string or finite number', () => {
    for (const id of [undefined, null, {}, [1], true]) {
      expect(errorOf(JSON.stringify({ id, type: 'ping' })).error.code).toBe('missing_id');
    }
    expect(errorOf('{"id":1e400,"type":"ping"}').error.code).toBe('missing_id');
  });

  it('unknown_type: answered with the id', () => {
    for (const type of [undefined, 'dance', 3, 'PING', 'account']) {
      const parsed = errorOf(JSON.stringify({ id: 7, type }));
      expect(parsed).toMatchObject({ id: 7, error: { code: 'unknown_type' } });
    }
  });

  it('bad_field: names the field and what it must be', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...place, side: 'up' }, 'side', 'side must be "buy" or "sell"'],
      [{ ...place, orderType: 'stop' }, 'orderType', 'orderType must be "limit" or "market"'],
      [{ ...place, tif: 'day' }, 'tif', 'tif must be "gtc" or "ioc" or "fok" or "post_only"'],
      [{ ...place, stp: 'none' }, 'stp', 'stp must be'],
      [{ ...place, symbol: 5 }, 'symbol', 'symbol must be a string'],
      [{ ...place, clientOrderId: undefined }, 'clientOrderId', 'clientOrderId is required'],
      [{ id: 1, type: 'subscribe', streams: 'market:X' }, 'streams', 'streams must be an array of strings'],
      [{ id: 1, type: 'subscribe', streams: ['a', 1] }, 'streams', 'streams must be an array of strings'],
      [{ id: 1, type: 'subscribe' }, 'streams', 'streams is required'],
      [{ id: 1, type: 'resume', from: { 'account:maker': -1 } }, 'from', 'from must be an object'],
      [{ id: 1, type: 'resume', from: { 'account:maker': 1.5 } }, 'from', 'from must be an object'],
      [{ id: 1, type: 'resume', from: [1] }, 'from', 'from must be an object'],
      [{ id: 1, type: 'login', key: 42 }, 'key', 'key must be a string'],
      [{ id: 1, type: 'cancel', orderId: 7 }, 'orderId', 'orderId must be a string'],
      [{ id: 1, type: 'set_mark', price: 1 }, 'symbol', 'symbol is required'],
    ];
    for (const [frame, field, message] of cases) {
      const parsed = errorOf(JSON.stringify(frame));
      expect(parsed.id).toBe(1);
      expect(parsed.error.code).toBe('bad_field');
      expect(parsed.error.field).toBe(field);
      expect(parsed.error.message).toContain(message);
    }
  });

  it('every frame error code except binary_frame comes from the parser', () => {
    const seen = new Set(
      ['x'.repeat(MAX + 1), '{', '[]', '{"type":"ping"}', '{"id":1}', '{"id":1,"type":"login"}'].map(
        (t) => errorOf(t).error.code,
      ),
    );
    expect([...seen].sort()).toEqual(FRAME_ERROR_CODES.filter((c) => c !== 'binary_frame').sort());
  });
});
