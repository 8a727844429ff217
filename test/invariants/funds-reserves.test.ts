import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'funds.reserves';

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
  });

  it('catches reserve_leak_on_cancel: a cancelled part-filled order keeps its reserve', () => {
    const s = new Scenario({ bugs: ['reserve_leak_on_cancel'] });
    s.place('maker', 'm1', 'sell', 20000, 0.02);
    s.place('taker', 't1', 'buy', 20000, 0.01);
    s.cancel('maker', 'm1');
    const violations = check(NAME, s.evidence());
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toBe(
      'account maker: reserved 40 != recomputed 0 (leverage 5; SANDBOX.BTC-USD: pos -0.01, open buy 0, open sell 0, mark 20000)',
    );
    expect(violations[0].steps).toEqual([2]);
  });

  it('catches a position margin that does not match the position', () => {
    const evidence = cleanEvidence();
    evidence.snapshot.accounts.find((a) => a.id === 'taker')!.positionMargin += 1;
    const [v] = check(NAME, evidence);
    expect(v.message).toMatch(/^account taker: positionMargin [\d.]+ != recomputed [\d.]+ \(leverage 5; /);
  });

  it('catches an order that added exposure accepted into a negative available (balance corrupted)', () => {
    const s = new Scenario();
    s.place('bystander', 'b1', 'buy', 20000, 5);
    const evidence = s.evidence();
    for (const r of evidence.events) {
      if (r.stream === 'account:bystander' && r.event.type === 'balance') r.event.available = -20;
    }
    const violations = check(NAME, evidence);
    expect(violations.map((v) => v.message)).toEqual([
      'order O1 (bystander, b1) was accepted although it raised the worst-case position (0 -> 5) and left available -20 < 0',
    ]);
  });

  it('does not hold a trade away from the mark against the acceptance', () => {
    const s = new Scenario();
    s.place('maker', 'm1', 'sell', 21000, 5);
    s.place('bystander', 'b1', 'buy', 21000, 5);
    const evidence = s.evidence();
    expect(evidence.snapshot.accounts.find((a) => a.id === 'bystander')!.cash).toBe(-5000);
    expect(check(NAME, evidence)).toEqual([]);
  });
});
