import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { BTC, Scenario } from './evidence-builder.ts';

const NAME = 'ledger.equity';

function tradeThenMark(bugs: 'stale_equity'[] = []) {
  const s = new Scenario({ bugs });
  s.place('maker', 'm1', 'sell', 20000, 0.1);
  s.place('taker', 't1', 'buy', 20000, 0.1);
  s.setMark(BTC, 20500);
  return s.evidence();
}

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
    expect(check(NAME, tradeThenMark())).toEqual([]);
  });

  it('catches stale_equity: equity valued at the previous mark', () => {
    const messages = check(NAME, tradeThenMark(['stale_equity'])).map((v) => v.message);
    expect(messages).toEqual([
      'maker balance on account:maker (seq 7, txn 3): equity 1000000 != cash 1002000 + -0.1 x 20500 = 999950',
      'taker balance on account:taker (seq 6, txn 3): equity 1000000 != cash 998000 + 0.1 x 20500 = 1000050',
      'final snapshot account maker: equity 1000000 != cash 1002000 + -0.1 x 20500 = 999950',
      'final snapshot account taker: equity 1000000 != cash 998000 + 0.1 x 20500 = 1000050',
    ]);
  });

  it('catches available that does not follow from equity and what is held back', () => {
    const evidence = cleanEvidence();
    evidence.snapshot.accounts.find((a) => a.id === 'bystander')!.available += 1;
    const [v] = check(NAME, evidence);
    expect(v.message).toMatch(
      /^final snapshot account bystander: available [\d.]+ != equity [\d.]+ - \(reserved/,
    );
  });
});
