import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultExchangeConfig } from '../../../src/domains/trading/protocol/exchange-config.ts';
import type { ExchangeInput } from '../../../src/domains/trading/protocol/exchange-input.ts';
import { BUG_NAMES, type BugName } from '../../../src/exchange/bugs/planted-bugs.ts';
import { Engine } from '../../../src/exchange/engine/engine.ts';

const BTC = 'SANDBOX.BTC-USD';
const ETH = 'SANDBOX.ETH-USD';
const ACCOUNTS = ['maker', 'taker', 'bystander', 'live', 'nobody'];

/** Inputs of every kind, aimed near the marks so that they trade, rest, reject and trigger. */
const inputArb: fc.Arbitrary<ExchangeInput> = fc.oneof(
  fc
    .record({
      account: fc.constantFrom(...ACCOUNTS),
      symbol: fc.constantFrom(BTC, ETH, 'BTC-USD'),
      side: fc.constantFrom('buy' as const, 'sell' as const),
      type: fc.constantFrom('limit' as const, 'market' as const, 'stop_limit' as const),
      offset: fc.integer({ min: -20, max: 20 }),
      lots: fc.integer({ min: 1, max: 40 }),
      cid: fc.integer({ min: 0, max: 30 }),
      spelled: fc.boolean(),
    })
    .map(({ account, symbol, side, type, offset, lots, cid, spelled }): ExchangeInput => {
      const eth = symbol === ETH;
      const price = eth ? 1000 + offset * 0.01 : 20_000 + offset * 0.5;
      const qty = eth ? lots * 0.01 : lots * 0.001;
      const spell = (x: number): number | string => (spelled ? x.toFixed(eth ? 2 : 3) : x);
      return {
        op: 'place',
        account,
        symbol,
        side,
        type,
        clientOrderId: `c${cid}`,
        qty: spell(qty),
        ...(type === 'market' ? {} : { price: spell(price) }),
        ...(type === 'stop_limit' ? { stopPrice: price, tif: 'gtc' as const } : {}),
      } as ExchangeInput;
    }),
  fc
    .record({ account: fc.constantFrom(...ACCOUNTS), n: fc.integer({ min: 1, max: 40 }) })
    .map(({ account, n }): ExchangeInput => ({ op: 'cancel', account, orderId: `O${n}` })),
  fc
    .record({
      account: fc.constantFrom(...ACCOUNTS),
      n: fc.integer({ min: 1, max: 40 }),
      offset: fc.integer({ min: -10, max: 10 }),
    })
    .map(
      ({ account, n, offset }): ExchangeInput => ({
        op: 'replace',
        account,
        orderId: `O${n}`,
        price: 20_000 + offset * 0.5,
      }),
    ),
  fc
    .integer({ min: -6, max: 6 })
    .map((step): ExchangeInput => ({ op: 'set_mark', symbol: BTC, price: 20_000 + step * 200 })),
  fc.constantFrom<ExchangeInput>(
    { op: 'cancel_all', account: 'maker' },
    { op: 'halt', symbol: ETH },
    { op: 'resume', symbol: ETH },
    { op: 'reset' },
  ),
);

/** A value with its keys in order, undefined fields shown: what the wire and the journal see. */
const spelled = (value: unknown): string =>
  JSON.stringify(value, (_key, v) => (v === undefined ? '<undefined>' : v));

/**
 * The host's engine builds each envelope as the wire's EventMessage (EngineOptions.wireEvents),
 * so that it is sent without a copy. It must be exactly the message the host used to copy out of
 * a plain envelope: `type: 'event'` first, then the envelope's fields in their order, and the
 * engine must otherwise behave the same (responses, txns, snapshots).
 */
describe('Engine: envelopes built as wire messages', () => {
  it('are the plain envelopes with type "event" first, for every input and planted bug', () => {
    fc.assert(
      fc.property(
        fc.array(inputArb, { maxLength: 60 }),
        fc.option(fc.constantFrom(...BUG_NAMES), { nil: undefined }),
        (inputs, bug) => {
          const config = defaultExchangeConfig();
          const bugs: BugName[] = bug === undefined ? [] : [bug];
          const plain = new Engine({ config, bugs });
          const wire = new Engine({ config, bugs, wireEvents: true });
          inputs.forEach((input, i) => {
            const a = plain.apply(input, 1_000 + i);
            const b = wire.apply(input, 1_000 + i);
            const expected = { ...a, events: a.events.map((e) => ({ type: 'event', ...e })) };
            expect(b).toStrictEqual(expected);
            expect(spelled(b)).toBe(spelled(expected));
          });
          expect(wire.snapshot()).toStrictEqual(plain.snapshot());
        },
      ),
      { numRuns: 150, seed: 1807 },
    );
  });
});

describe('Engine.lastSeq: read from a table of the config’s streams', () => {
  it('gives each stream the seq of its last event, 0 for streams without one or unknown', () => {
    fc.assert(
      fc.property(fc.array(inputArb, { maxLength: 60 }), (inputs) => {
        const config = defaultExchangeConfig();
        const engine = new Engine({ config });
        const last = new Map<string, number>();
        inputs.forEach((input, i) => {
          for (const e of engine.apply(input, i).events) last.set(e.stream, e.seq);
        });
        const names = [
          ...config.accounts.map((a) => `account:${a.id}`),
          ...config.instruments.flatMap((i) => [`market:${i.symbol}`, `book:${i.symbol}`]),
          'account:nobody',
          'market:NOPE',
          'trades:SANDBOX.BTC-USD',
          'account',
          '',
        ];
        for (const name of names) expect(engine.lastSeq(name)).toBe(last.get(name) ?? 0);
        expect(engine.snapshot().streams).toStrictEqual(Object.fromEntries(last));
      }),
      { numRuns: 100, seed: 1808 },
    );
  });

  it('still reads a name without a colon as its parse always did (the last character dropped)', () => {
    const config = defaultExchangeConfig();
    config.accounts.push({ id: 'accounts', key: 'k', cash: 1_000_000, leverage: 5, sandbox: true });
    const engine = new Engine({ config });
    engine.apply(
      {
        op: 'place',
        account: 'accounts',
        symbol: BTC,
        side: 'buy',
        type: 'limit',
        price: 19_990,
        qty: 0.001,
        clientOrderId: 'a',
      },
      1,
    );
    expect(engine.lastSeq('account:accounts')).toBeGreaterThan(0);
    // 'accounts' splits at no colon into kind 'account' and name 'accounts'.
    expect(engine.lastSeq('accounts')).toBe(engine.lastSeq('account:accounts'));
  });

  it('follows a config edited in place before the engine was built', () => {
    const config = defaultExchangeConfig();
    new Engine({ config });
    config.instruments[0].symbol = 'SANDBOX.XRP-USD';
    const engine = new Engine({ config });
    engine.apply({ op: 'set_mark', symbol: 'SANDBOX.XRP-USD', price: 20_100 }, 1);
    expect(engine.lastSeq('market:SANDBOX.XRP-USD')).toBe(1);
    expect(engine.lastSeq(`market:${BTC}`)).toBe(0);
  });
});
