import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFields, checkRequest } from '../../../src/exchange/gateway/parse-frame.ts';

/** A field's value: right for its field, or wrong in one of the ways a malformed request is. */
const anyValue = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    'buy',
    'sell',
    'limit',
    'market',
    'stop_market',
    'stop_limit',
    'gtc',
    'ioc',
    'fok',
    'post_only',
    'cancel_newest',
    'cancel_oldest',
    'cancel_both',
    'SANDBOX.BTC-USD',
    'O12',
    '',
    'BUY',
    '20000.5',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant([] as unknown[]),
  fc.constant({}),
);

const request = (type: 'place' | 'cancel') =>
  fc
    .record(
      {
        id: fc.oneof(fc.string({ maxLength: 4 }), fc.integer()),
        symbol: anyValue,
        side: anyValue,
        orderType: anyValue,
        tif: anyValue,
        price: anyValue,
        stopPrice: anyValue,
        qty: anyValue,
        clientOrderId: anyValue,
        stp: anyValue,
        orderId: anyValue,
        account: anyValue,
      },
      { requiredKeys: ['id'] },
    )
    .map((fields) => ({ ...fields, type }));

/** The answer with its keys in order: a request's key order is part of what it is. */
const spelled = (value: unknown): string =>
  JSON.stringify(value, (_key, v) => (v === undefined ? '<undefined>' : v));

describe('checkRequest: the shortcut for place and cancel', () => {
  it('answers exactly what the field loop answers: request, fields, their order and every error', () => {
    fc.assert(
      fc.property(fc.oneof(request('place'), request('cancel')), (value) => {
        const loop = checkFields(value as Record<string, unknown>, value.id, value.type);
        const answer = checkRequest(value);
        expect(answer).toStrictEqual(loop);
        expect(spelled(answer)).toBe(spelled(loop));
      }),
      { numRuns: 2000, seed: 18 },
    );
  });

  it('keeps only the fields of the type (an account sent along is not passed on)', () => {
    const answer = checkRequest({
      id: 1,
      type: 'place',
      account: 'taker',
      symbol: 'SANDBOX.BTC-USD',
      side: 'buy',
      orderType: 'limit',
      price: 1,
      qty: 1,
      clientOrderId: 'c1',
    });
    expect(answer).toStrictEqual({
      ok: true,
      request: {
        id: 1,
        type: 'place',
        symbol: 'SANDBOX.BTC-USD',
        side: 'buy',
        orderType: 'limit',
        price: 1,
        qty: 1,
        clientOrderId: 'c1',
      },
    });
  });
});
