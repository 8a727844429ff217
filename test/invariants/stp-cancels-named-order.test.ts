import { describe, expect, it } from 'vitest';
import { defaultExchangeConfig } from '../../src/domains/trading/protocol/exchange-config.ts';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'stp.cancels-named-order';

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
  });

  it('passes every mode on the clean venue, the configured default included', () => {
    for (const defaultStp of ['cancel_newest', 'cancel_oldest', 'cancel_both'] as const) {
      const s = new Scenario({ config: { ...defaultExchangeConfig(), defaultStp } });
      s.place('maker', 'm1', 'sell', 20000, 0.01);
      s.place('bystander', 'b1', 'sell', 20000, 0.01);
      s.place('maker', 'm2', 'sell', 20000.5, 0.01);
      s.place('maker', 'm3', 'buy', 20000.5, 0.03);
      s.place('maker', 'm4', 'buy', 20000.5, 0.01, { stp: 'cancel_both' });
      expect(check(NAME, s.evidence()), defaultStp).toEqual([]);
    }
  });

  it('catches stp_cancels_wrong_order: cancel_newest cancels the resting order instead of the taker', () => {
    const s = new Scenario({ bugs: ['stp_cancels_wrong_order'] });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('maker', 'm2', 'buy', 20000, 0.01);
    const violations = check(NAME, s.evidence());
    expect(violations.map((v) => v.message)).toEqual([
      'step 1 (place by maker buy 0.01 @ 20000 limit m2): cancel_newest cancels the taker on reaching its own resting order, which stays: the rules say cancel the taker O2, then cancelled; the venue cancel O1, then rest what is left',
    ]);
    expect(violations[0].steps).toEqual([1]);
  });

  it('judges by the stp the config declares as the default', () => {
    const s = new Scenario();
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('maker', 'm2', 'buy', 20000, 0.01);
    const evidence = s.evidence();
    // The venue did cancel_newest; a config that declares cancel_oldest makes that wrong.
    evidence.extra.config.defaultStp = 'cancel_oldest';
    expect(check(NAME, evidence)).toHaveLength(1);
  });
});
