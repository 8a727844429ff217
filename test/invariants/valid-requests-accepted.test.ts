import { describe, expect, it } from 'vitest';
import { invariantByName } from '../../invariants/trading/index.ts';
import type { ScopedInvariant } from '../../invariants/trading/support/scope.ts';
import { defaultExchangeConfig } from '../../src/domains/trading/protocol/exchange-config.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'requests.valid-accepted';
const scope = (evidence: TradingEvidence) => (invariantByName.get(NAME) as ScopedInvariant).scope(evidence);

describe(NAME, () => {
  it('passes a clean run, and judges its requests', () => {
    const evidence = cleanEvidence();
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence).checked).toBeGreaterThan(20);
  });

  it('catches rejects_valid_at_boundary: a limit price exactly on the band top is refused', () => {
    const s = new Scenario({ bugs: ['rejects_valid_at_boundary'] });
    s.place('maker', 'm1', 'buy', 21000, 0.01);
    const violations = check(NAME, s.evidence());
    expect(violations.map((v) => v.message)).toEqual([
      'step 0 (place by maker buy 0.01 @ 21000 limit m1) was refused price_out_of_band, but every rule of the venue allows it',
    ]);
    expect(violations[0].steps).toEqual([0]);
  });

  it('accepts exactly what the rules allow at the edges: the band edges, available exactly 0', () => {
    const s = new Scenario();
    s.place('maker', 'm1', 'buy', 19000, 0.01);
    s.place('maker', 'm2', 'sell', 21000, 0.01);
    // The bystander (leverage 1, cash 100,000) can hold exactly 5 BTC at the mark, no more.
    s.place('bystander', 'b1', 'buy', 19000, 5);
    s.place('bystander', 'b2', 'buy', 19000, 0.001);
    const evidence = s.evidence();
    expect(evidence.history.map((op) => op.reply?.status)).toEqual(['ok', 'ok', 'ok', 'fail']);
    expect(check(NAME, evidence)).toEqual([]);
  });

  it('holds the venue to the rules its config declares (a maxPosition it does not keep)', () => {
    const s = new Scenario();
    s.place('maker', 'm1', 'buy', 19990, 0.02);
    const evidence = s.evidence();
    evidence.extra.config.instruments[0].maxPosition = 0.01;
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'step 0 (place by maker buy 0.02 @ 19990 limit m1) was accepted although the rules refuse it (max_position: max_position)',
    ]);
  });

  it('passes a venue whose own legitimate rules differ, declared in its config (venue modes)', () => {
    const config = defaultExchangeConfig();
    config.venueModes = { rejectEntries: true, rejectExits: false, rejectCancels: true };
    const s = new Scenario({ config });
    s.place('maker', 'm1', 'buy', 19990, 0.02);
    const evidence = s.evidence();
    expect(evidence.history[0].reply).toMatchObject({ status: 'fail', code: 'venue_rejected' });
    expect(check(NAME, evidence)).toEqual([]);
  });

  it('skips what it cannot judge exactly: no answer, retried, after a crash', () => {
    const s = new Scenario({ journal: true });
    s.place('maker', 'm1', 'sell', 20000, 0.02);
    s.fault('taker', { type: 'response', effect: 'error_5xx', nth: 1, count: 1, afterEffect: true });
    s.place('taker', 't1', 'buy', 20000, 0.005);
    s.retry(s.stepOf('taker', 't1'), { reason: 'unavailable', afterMs: 20 });
    s.crash();
    s.place('maker', 'm2', 'sell', 20200, 0.01);
    const evidence = s.evidence();
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence)).toEqual({
      checked: 1,
      skipped: [
        'requests the client sent more than once (retried)',
        'requests while a process or clock fault may act',
      ].map((reason) => `1 ${reason}`),
    });
  });
});
