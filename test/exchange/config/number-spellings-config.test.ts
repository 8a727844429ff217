import { describe, expect, it } from 'vitest';
import { validateExchangeConfig } from '../../../src/domains/trading/protocol/validate-config.ts';

describe('numberSpellings in a config', () => {
  it('is absent by default (every spelling), and kept as given', () => {
    expect(validateExchangeConfig({}, 'venue.json').numberSpellings).toBeUndefined();
    expect(validateExchangeConfig({ numberSpellings: [] }, 'venue.json').numberSpellings).toEqual([]);
    expect(
      validateExchangeConfig({ numberSpellings: ['string', 'exponent'] }, 'venue.json').numberSpellings,
    ).toEqual(['string', 'exponent']);
  });

  it('names the offending entry', () => {
    const error = (raw: unknown) => {
      try {
        validateExchangeConfig({ numberSpellings: raw }, 'venue.json');
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(error(['string', 'hex'])).toMatch(/numberSpellings\[1\]: must be one of string, trailing_zeros/);
    expect(error(['string', 'string'])).toMatch(/numberSpellings\[1\]: duplicate "string"/);
    expect(error(['exponent'])).toMatch(/numberSpellings: lists exponent without "string"/);
    expect(error('string')).toMatch(/numberSpellings/);
  });
});
