import fc from 'fast-check';
import { exactDecimal } from '../protocol/decimal-codec.ts';
import { type ExchangeConfig, NUMBER_SPELLINGS, type NumberSpelling } from '../protocol/exchange-config.ts';
import type { TradingAction } from '../trading-action.ts';
import { leanArray } from './lean-array.ts';
import { recordOf } from './mapped-tuple.ts';
import { weightedConstants } from './weighted-constants.ts';

/**
 * The same price or quantity in other spellings (docs/protocol.md, "Numbers"): a JSON number
 * beside "20000.5", "20000.50", "+20000.5", "2.00005e4", " 20000.5", "020000.5". Equal values
 * must behave as one at the venue (numbers.spellings-agree). Generation sends only what the
 * venue declares it takes (ExchangeConfig.numberSpellings; all when absent): with no string
 * spelling declared, every price and quantity goes out as a JSON number, junk included.
 */
export type SpellingKind = 'number' | NumberSpelling;

/** How one action spells its price and its quantity; `variant` picks among a spelling's forms. */
export interface SpellingChoice {
  price: SpellingKind;
  qty: SpellingKind;
  variant: number;
}

/** Mostly JSON numbers; shrinks toward them. */
export const spellingKindArb: fc.Arbitrary<SpellingKind> = weightedConstants<SpellingKind>([
  { weight: 70, value: 'number' },
  { weight: 8, value: 'string' },
  { weight: 8, value: 'trailing_zeros' },
  { weight: 5, value: 'exponent' },
  { weight: 4, value: 'plus_sign' },
  { weight: 3, value: 'leading_zeros' },
  { weight: 2, value: 'blanks' },
]);

export const spellingChoiceArb: fc.Arbitrary<SpellingChoice> = recordOf(
  [spellingKindArb, spellingKindArb, fc.nat(2)],
  ([price, qty, variant]) => ({ price, qty, variant }),
);

/** One choice per action a command sends, in order; actions past the list go out as numbers. */
export const spellingsArb: fc.Arbitrary<SpellingChoice[]> = leanArray(spellingChoiceArb, { maxLength: 6 });

/** The string spellings a venue takes, from its config. */
export function acceptedSpellings(config: ExchangeConfig): ReadonlySet<NumberSpelling> {
  return new Set(config.numberSpellings ?? NUMBER_SPELLINGS);
}

/** The action with its price and quantity spelled as chosen, within what the venue takes. */
export function spellAction(
  action: TradingAction,
  choice: SpellingChoice | undefined,
  accepted: ReadonlySet<NumberSpelling>,
): TradingAction {
  if (action.kind !== 'place' && action.kind !== 'replace') return action;
  // Numbers sent as numbers (the common case) go out as they are: no copy needed.
  if (
    (choice === undefined || (choice.price === 'number' && choice.qty === 'number')) &&
    typeof action.price !== 'string' &&
    typeof action.qty !== 'string' &&
    (action.kind !== 'place' || typeof action.stopPrice !== 'string')
  )
    return action;
  const variant = choice?.variant ?? 0;
  const out = { ...action };
  if (action.price !== undefined)
    out.price = spell(action.price, choice?.price ?? 'number', variant, accepted);
  if (action.qty !== undefined) out.qty = spell(action.qty, choice?.qty ?? 'number', variant, accepted);
  if (action.kind === 'place' && action.stopPrice !== undefined)
    (out as typeof action).stopPrice = spell(action.stopPrice, choice?.price ?? 'number', variant, accepted);
  return out;
}

/** One value in one spelling. Junk stays junk; a string goes out as a number when strings are not taken. */
export function spell(
  value: unknown,
  kind: SpellingKind,
  variant: number,
  accepted: ReadonlySet<NumberSpelling>,
): unknown {
  if (typeof value === 'string') return accepted.has('string') ? value : asNumber(value);
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  if (kind === 'number' || !accepted.has('string') || !accepted.has(kind)) return value;
  const plain = plainDecimal(value);
  if (plain === undefined) return value;
  const v = Math.abs(Math.trunc(variant)) % 3;
  switch (kind) {
    case 'string':
      return plain;
    case 'trailing_zeros':
      if (plain.includes('.')) return plain + '0'.repeat(v + 1);
      return v === 0 ? `${plain}.` : `${plain}.${'0'.repeat(v)}`;
    case 'plus_sign':
      return value < 0 ? plain : `+${plain}`;
    case 'exponent':
      return exponentForm(plain, v);
    case 'blanks':
      return [` ${plain}`, `${plain} `, `\t${plain}\n`][v];
    case 'leading_zeros': {
      const negative = plain.startsWith('-');
      const body = negative ? plain.slice(1) : plain;
      // "0.25" as ".25", "00.25", "000.25"; "100" as "0100", "00100", "000100".
      const point = body.startsWith('0.');
      const spelled = point && v === 0 ? body.slice(1) : `${'0'.repeat(point ? v : v + 1)}${body}`;
      return negative ? `-${spelled}` : spelled;
    }
  }
}

/** A number's shortest decimal, written out without an exponent (1e-7 is "0.0000001"). */
export function plainDecimal(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const known = plainDecimals.get(value);
  if (known !== undefined) return known;
  if (plainDecimals.size >= PLAIN_DECIMALS_LIMIT) plainDecimals.clear();
  const plain = exactDecimal(String(value));
  if (plain !== undefined) plainDecimals.set(value, plain);
  return plain;
}

/** plainDecimal's answers so far (a price is spelled again and again), up to a bound. */
const plainDecimals = new Map<number, string>();
const PLAIN_DECIMALS_LIMIT = 4096;

/** "20000.5" as "2.00005e4" (v 0), "200005E-1" (v 1) or "2.00005e+4" (v 2). */
function exponentForm(plain: string, v: number): string {
  const sign = plain.startsWith('-') ? '-' : '';
  const [int, frac = ''] = (sign ? plain.slice(1) : plain).split('.');
  let digits = int + frac;
  let point = int.length;
  const lead = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(lead).replace(/0+$/, '');
  point -= lead;
  if (digits === '') return `${sign}0e0`;
  if (v === 1) return `${sign}${digits}E${point - digits.length}`;
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const exp = point - 1;
  return `${sign}${mantissa}e${v === 2 && exp >= 0 ? '+' : ''}${exp}`;
}

/** A string value for a venue that takes no strings: its number, or a junk number for junk. */
function asNumber(value: string): unknown {
  const text = value.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^[+-]?(NaN|Infinity|inf)$/i.test(text))
    return text.startsWith('-') ? -Infinity : text.toLowerCase().includes('nan') ? Number.NaN : Infinity;
  return null;
}
