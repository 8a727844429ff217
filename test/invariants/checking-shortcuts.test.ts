import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestKey } from '../../invariants/trading/support/client-books.ts';
import type { TradingRecord } from '../../invariants/trading/support/events.ts';
import { inOrder } from '../../invariants/trading/support/events.ts';
import { firstDifference } from '../../invariants/trading/support/first-difference.ts';
import { instrumentGrids } from '../../invariants/trading/support/instrument-grid.ts';
import { marketGrid } from '../../invariants/trading/support/market-grid.ts';
import { StreamKnowledge } from '../../invariants/trading/support/market-record.ts';
import {
  type BookOrder,
  type BookSide,
  MarketState,
  TouchedLevels,
} from '../../invariants/trading/support/market-replay.ts';
import { exactDecimal as exactFraction, pow10 } from '../../invariants/trading/support/oracle-formulas.ts';
import { compareDec } from '../../invariants/trading/support/oracle-values.ts';
import { exactDecimal, exactOf, readSpelled } from '../../invariants/trading/support/spellings.ts';

/**
 * The shortcuts that make checking cheap (memos, fast paths, lazy paths, caches of the last
 * config) give the answers of the long way, and a cache never answers for an edited config.
 */

/** Decimal texts in every spelling the protocol allows, and some that are not decimals. */
const spelledText = fc
  .tuple(
    fc.constantFrom('', '+', '-'),
    fc.stringMatching(/^\d{0,4}$/),
    fc.option(fc.stringMatching(/^\d{0,4}$/), { nil: undefined }),
    fc.option(fc.integer({ min: -12, max: 12 }), { nil: undefined }),
    fc.constantFrom('', ' ', '\t'),
  )
  .map(
    ([sign, int, frac, exp, blank]) =>
      `${blank}${sign}${int}${frac === undefined ? '' : `.${frac}`}${exp === undefined ? '' : `e${exp}`}${blank}`,
  );

describe('exact decimals', () => {
  it('exactOf a number is the exact decimal of its printing', () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        expect(exactOf(x)).toBe(Number.isFinite(x) ? exactDecimal(String(x)) : undefined);
        expect(exactOf(x)).toBe(readSpelled(x)?.exact);
      }),
      { numRuns: 2000 },
    );
  });

  it('exactOf a string is what readSpelled makes of it', () => {
    fc.assert(
      fc.property(fc.oneof(spelledText, fc.string()), (text) => {
        expect(exactOf(text)).toBe(readSpelled(text)?.exact);
      }),
      { numRuns: 2000 },
    );
  });

  it('a text read again (remembered) reads the same', () => {
    fc.assert(
      fc.property(spelledText, (text) => {
        const first = exactDecimal(text.trim());
        expect(exactDecimal(text.trim())).toBe(first);
      }),
    );
  });

  it("a number's exact fraction, remembered or not, is the number", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const first = exactFraction(x);
        const again = exactFraction(x);
        expect(again).toEqual(first);
        if (first === undefined) return;
        expect(Number(`${first.num}e-${first.places}`)).toBe(x === 0 ? 0 : x);
      }),
      { numRuns: 2000 },
    );
  });

  it('a power of ten, remembered or not, is 10 ** n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1100 }), (n) => {
        expect(pow10(n)).toBe(10n ** BigInt(n));
        expect(pow10(n)).toBe(10n ** BigInt(n));
      }),
    );
    expect(() => pow10(-1)).toThrow(RangeError);
  });

  it('compareDec on equal places compares the integers', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.nat(12),
        fc.nat(12),
        (a, b, p, q) => {
          const scaled = (num: bigint, from: number, to: number) => num * 10n ** BigInt(to - from);
          const places = Math.max(p, q);
          const x = scaled(a, p, places);
          const y = scaled(b, q, places);
          expect(compareDec({ num: a, places: p }, { num: b, places: q })).toBe(x < y ? -1 : x > y ? 1 : 0);
        },
      ),
    );
  });
});

describe('paths of the first difference', () => {
  /** JSON-like data, and a path into it where a leaf changes. */
  const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null)),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.stringMatching(/^[a-z]{1,3}$/), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

  function leaves(x: unknown, path: string, out: { path: string; set: (v: unknown) => void }[]): void {
    if (Array.isArray(x)) {
      x.forEach((v, i) => {
        if (typeof v === 'object' && v !== null) leaves(v, `${path}[${i}]`, out);
        else out.push({ path: `${path}[${i}]`, set: (nv) => (x[i] = nv) });
      });
    } else if (typeof x === 'object' && x !== null) {
      for (const [k, v] of Object.entries(x)) {
        const p = path === '' ? k : `${path}.${k}`;
        if (typeof v === 'object' && v !== null) leaves(v, p, out);
        else out.push({ path: p, set: (nv) => ((x as Record<string, unknown>)[k] = nv) });
      }
    }
  }

  it('names the one leaf that changed, under a prefix when given', () => {
    fc.assert(
      fc.property(json, fc.nat(), fc.constantFrom('', 'root'), (value, pick, prefix) => {
        const left = structuredClone(value);
        const right = structuredClone(value);
        const spots: { path: string; set: (v: unknown) => void }[] = [];
        leaves(right, '', spots);
        expect(firstDifference(left, right, {}, prefix)).toBeUndefined();
        if (spots.length === 0) return;
        const spot = spots[pick % spots.length];
        spot.set('a value none of the generated leaves has');
        const d = firstDifference(left, right, {}, prefix);
        const written =
          prefix === ''
            ? spot.path
            : spot.path.startsWith('[')
              ? `${prefix}${spot.path}`
              : `${prefix}.${spot.path}`;
        expect(d?.path).toBe(written);
        expect(d?.right).toBe('a value none of the generated leaves has');
      }),
    );
  });

  it('keeps the order `first` asks for and leaves out what `ignore` names', () => {
    const left = { a: 1, b: { c: [1, 2] }, d: 3 };
    const right = { a: 2, b: { c: [1, 5] }, d: 4 };
    expect(firstDifference(left, right)?.path).toBe('a');
    expect(firstDifference(left, right, { first: ['d'] })?.path).toBe('d');
    expect(firstDifference(left, right, { ignore: ['a'] })?.path).toBe('b.c[1]');
    expect(firstDifference([1, [2]], [1, [2, 3]])?.path).toBe('[1].length');
  });
});

describe('sorting only what is out of order', () => {
  it('a list inOrder is what a stable sort leaves it', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ k: fc.integer({ min: 0, max: 5 }), i: fc.nat() })), (list) => {
        const compare = (a: { k: number }, b: { k: number }) => a.k - b.k;
        const sorted = [...list].sort(compare);
        expect(inOrder(list, compare)).toBe(sorted.every((x, i) => x === list[i]));
      }),
    );
  });
});

describe('the market replay', () => {
  const record = { gseq: 1, stream: 'account:a' } as unknown as TradingRecord;
  const order = (key: number, side: BookSide, remaining: number, n: number): BookOrder => ({
    orderId: `o${n}`,
    label: `o${n}`,
    account: 'a',
    symbol: 'X',
    side,
    price: key,
    key,
    remaining,
    open: true,
    accepted: record,
    last: record,
  });

  it('bestOrderKey is the best of orderKeys', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: 30 }), fc.constantFrom<BookSide>('buy', 'sell'), fc.nat(3)),
          { maxLength: 30 },
        ),
        (specs) => {
          const state = new MarketState(marketGrid(undefined), StreamKnowledge.of([], undefined), [], true);
          for (const [n, [key, side, remaining]] of specs.entries())
            state.index(order(key, side, remaining, n), true);
          for (const side of ['buy', 'sell'] as const)
            expect(state.bestOrderKey('X', side)).toBe(bestKey(state.orderKeys('X', side), side));
        },
      ),
    );
  });

  it('touched levels are each level once, in the order first touched', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom<BookSide>('buy', 'sell'), fc.integer({ min: -5, max: 5 }))),
        (touches) => {
          const levels = new TouchedLevels();
          const seen = new Set<string>();
          for (const [side, key] of touches) {
            levels.add(side, key);
            seen.add(`${side}|${key}`);
          }
          expect(levels.sides.map((side, i) => `${side}|${levels.keys[i]}`)).toEqual([...seen]);
        },
      ),
    );
  });
});

describe('grids of the last config', () => {
  it('a market grid follows a config edited in place', () => {
    const config = { instruments: [{ symbol: 'X', tickSize: 0.01, lotSize: 0.001 }] };
    expect(marketGrid(config).priceKey('X', 1.23)).toBe(123);
    expect(marketGrid(config)).toBe(marketGrid(config));
    config.instruments[0].tickSize = 0.5;
    expect(marketGrid(config).priceKey('X', 1.5)).toBe(15);
    config.instruments.push({ symbol: 'Y', tickSize: 1, lotSize: 1 });
    expect(marketGrid(config).qtyUnits('Y', 3)).toBe(3);
  });

  it('instrument grids follow a config edited in place', () => {
    const inst = { symbol: 'X', tickSize: 0.01, lotSize: 0.001, bandPct: 0.1, markPrice: 100 };
    const config = { instruments: [inst] };
    expect(instrumentGrids(config).get('X')?.markPrice).toBe(100);
    expect(instrumentGrids(config)).toBe(instrumentGrids(config));
    inst.markPrice = 200;
    expect(instrumentGrids(config).get('X')?.markPrice).toBe(200);
    inst.lotSize = 0.1;
    expect(instrumentGrids(config).get('X')?.qtyScale).toBe(10);
  });
});
