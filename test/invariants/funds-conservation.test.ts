import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { BTC } from './evidence-builder.ts';

const NAME = 'funds.conservation';

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
  });

  it('catches cash appearing from nowhere (snapshot corrupted; no planted bug)', () => {
    const evidence = cleanEvidence();
    const maker = evidence.snapshot.accounts.find((a) => a.id === 'maker')!;
    maker.cash += 0.5;
    const [v] = check(NAME, evidence);
    expect(v.message).toMatch(/^total cash 3100000\.5 != configured 3100000 \(maker [\d.]+, taker/);
  });

  it('catches positions that do not net to zero', () => {
    const evidence = cleanEvidence();
    const taker = evidence.snapshot.accounts.find((a) => a.id === 'taker')!;
    const position = taker.positions.find((p) => p.symbol === BTC)!;
    position.qty += 0.001;
    const violations = check(NAME, evidence);
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toMatch(/^positions in SANDBOX\.BTC-USD sum to 0\.001, not 0 \(maker /);
  });
});
