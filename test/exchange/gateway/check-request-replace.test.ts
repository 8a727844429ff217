import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFields, checkRequest } from '../../../src/exchange/gateway/parse-frame.ts';

/** A field's value: right for its field, or wrong in one of the ways a malformed request is. */
const anyValue = fc.oneof(
  fc.constantFrom(undefined, null, 'O12', 'c-1', '', '20000.5', '0.001', 'abc'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant([] as unknown[]),
  fc.constant({}),
);

const replace = fc
  .record(
    {
      id: fc.oneof(fc.string({ maxLength: 4 }), fc.integer()),
      orderId: anyValue,
      clientOrderId: anyValue,
      price: anyValue,
      qty: anyValue,
      account: anyValue,
      symbol: anyValue,
    },
    { requiredKeys: ['id'] },
  )
  .map((fields) => ({ ...fields, type: 'replace' as const }));

/** The answer with its keys in order: a request's key order is part of what it is. */
const spelled = (value: unknown): string =>
  JSON.stringify(value, (_key, v) => (v === undefined ? '<undefined>' : v));

describe('checkRequest: the shortcut for replace', () => {
  it('answers exactly what the field loop answers: request, fields, their order and every error', () => {
    fc.assert(
      fc.property(replace, (value) => {
        const loop = checkFields(value as Record<string, unknown>, value.id, value.type);
        const answer = checkRequest(value);
        expect(answer).toStrictEqual(loop);
        expect(spelled(answer)).toBe(spelled(loop));
      }),
      { numRuns: 2000, seed: 1811 },
    );
  });

  it('keeps only the fields of a replace', () => {
    expect(
      checkRequest({ id: 7, type: 'replace', account: 'taker', qty: '0.002', orderId: 'O3', price: 1 }),
    ).toStrictEqual({
      ok: true,
      request: { id: 7, type: 'replace', orderId: 'O3', price: 1, qty: '0.002' },
    });
  });
});
