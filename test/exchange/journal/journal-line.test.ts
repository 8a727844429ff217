import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExchangeInput } from '../../../src/domains/trading/protocol/exchange-input.ts';
import { crc32 } from '../../../src/exchange/journal/crc32.ts';
import type { JournalEntry } from '../../../src/exchange/journal/journal-entry.ts';
import { decodeJournalLine, encodeJournalLine } from '../../../src/exchange/journal/journal-line.ts';
import { placeInput } from './journal-fixtures.ts';

// Anything JSON can carry; the JSON round trip turns -0 (which JSON writes as 0) into 0.
const jsonOnly = <T>(value: T): T => JSON.parse(JSON.stringify(value));

const inputArb: fc.Arbitrary<ExchangeInput> = fc
  .record({
    op: fc.string({ unit: 'binary' }),
    fields: fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 3 })),
  })
  .map(({ op, fields }) => jsonOnly({ ...fields, op }) as unknown as ExchangeInput);

const entryArb: fc.Arbitrary<JournalEntry> = fc.record({
  n: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  time: fc.double({ noNaN: true, noDefaultInfinity: true }).map((t) => (Object.is(t, -0) ? 0 : t)),
  input: inputArb,
});

describe('journal line', () => {
  it('encodes any entry to one newline-terminated line that decodes back to it', () => {
    fc.assert(
      fc.property(entryArb, (entry) => {
        const line = encodeJournalLine(entry);
        expect(line.endsWith('\n')).toBe(true);
        expect(line.indexOf('\n')).toBe(line.length - 1);
        expect(decodeJournalLine(line.slice(0, -1))).toEqual({ ok: true, entry });
      }),
    );
  });

  it('writes the documented format', () => {
    const input: ExchangeInput = { op: 'cancel', account: 'maker', clientOrderId: 'c1' };
    const line = encodeJournalLine({ n: 7, time: 1700000000123, input });
    const body = '{"op":"cancel","account":"maker","clientOrderId":"c1"}';
    const c = crc32(`[7,1700000000123,${body}]`);
    expect(line).toBe(`{"n":7,"t":1700000000123,"in":${body},"c":"${c}"}\n`);
  });

  it('checks the content against the checksum, not the spelling of the JSON', () => {
    const line = encodeJournalLine({ n: 1, time: 5, input: placeInput('a') }).slice(0, -1);
    const respaced = JSON.stringify(JSON.parse(line), null, 2).replaceAll('\n', ' ');
    expect(decodeJournalLine(respaced).ok).toBe(true);
  });

  it.each([
    ['invalid JSON', '{"n":1,', /invalid JSON/],
    ['not an object', '[1,2]', /not a JSON object/],
    ['an unexpected field', '{"n":1,"t":1,"in":{"op":"reset"},"c":"00000000","x":1}', /unexpected field "x"/],
    ['n zero', '{"n":0,"t":1,"in":{"op":"reset"},"c":"00000000"}', /"n" is not a positive integer/],
    ['n fractional', '{"n":1.5,"t":1,"in":{"op":"reset"},"c":"00000000"}', /"n" is not a positive integer/],
    ['t a string', '{"n":1,"t":"1","in":{"op":"reset"},"c":"00000000"}', /"t" is not a finite number/],
    ['in without op', '{"n":1,"t":1,"in":{"account":"a"},"c":"00000000"}', /"in" is not an object/],
    ['in an array', '{"n":1,"t":1,"in":["reset"],"c":"00000000"}', /"in" is not an object/],
    ['c too short', '{"n":1,"t":1,"in":{"op":"reset"},"c":"abc"}', /"c" is not 8 lowercase hex/],
    ['c wrong', '{"n":1,"t":1,"in":{"op":"reset"},"c":"00000000"}', /checksum mismatch/],
  ])('rejects %s without throwing', (_, line, reason) => {
    const decoded = decodeJournalLine(line);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(reason);
  });

  it('refuses to encode an entry it could not read back', () => {
    const input = placeInput('a');
    expect(() => encodeJournalLine({ n: 0, time: 1, input })).toThrow(/positive integer/);
    expect(() => encodeJournalLine({ n: 1, time: Number.NaN, input })).toThrow(/finite/);
    expect(() => encodeJournalLine({ n: 1, time: 1, input: {} as ExchangeInput })).toThrow(/string op/);
  });
});
