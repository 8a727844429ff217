import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'isolation.private-streams';

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
  });

  it('catches private_event_leak: a maker fill copied to the bystander', () => {
    const s = new Scenario({ bugs: ['private_event_leak'] });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('taker', 't1', 'buy', 20000, 0.01);
    const violations = check(NAME, s.evidence());
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toBe(
      'bystander (account bystander) received fill T1 of O1 (m1) on account:bystander: an order of account maker',
    );
    expect(violations[0].steps).toEqual([1]);
  });

  it("catches a trader receiving another account's stream", () => {
    const evidence = cleanEvidence();
    const leaked = evidence.events.find((r) => r.client === 'admin' && r.stream === 'account:maker')!;
    evidence.events.push({ ...structuredClone(leaked), client: 'taker', gseq: 10_000 });
    const [v] = check(NAME, evidence);
    expect(v.message).toBe(
      "taker (account taker) received order_accepted on account:maker, another account's stream",
    );
  });
});
