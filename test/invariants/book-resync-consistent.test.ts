import { describe, expect, it } from 'vitest';
import { invariantByName } from '../../invariants/trading/index.ts';
import type { ScopedInvariant } from '../../invariants/trading/support/scope.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'book.resync-consistent';
const scope = (evidence: TradingEvidence) => (invariantByName.get(NAME) as ScopedInvariant).scope(evidence);

function movedOrder(bugs: 'book_delta_wrong_side'[] = []) {
  const s = new Scenario({ bugs });
  s.place('maker', 'm1', 'buy', 19990, 0.01);
  s.replace('maker', 'm1', { price: 19995 });
  s.reconnect('taker', 'resync');
  return s;
}

describe(NAME, () => {
  it('passes a clean run, with resyncs and the final snapshot compared', () => {
    const evidence = cleanEvidence();
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence)).toEqual({ checked: expect.any(Number), skipped: [] });
    expect(scope(evidence).checked).toBeGreaterThanOrEqual(4);
  });

  it('catches book_delta_wrong_side: a resync shows the level on the side the deltas did not', () => {
    const violations = check(NAME, movedOrder(['book_delta_wrong_side']).evidence());
    expect(violations.map((v) => v.message)).toEqual([
      "taker's resync of book SANDBOX.BTC-USD at seq 3 differs from the deltas folded to that seq: buy 19995: snapshot 0.01, deltas no level (and 1 more level(s))",
      'the final snapshot of book SANDBOX.BTC-USD at seq 3 differs from the deltas folded to that seq: buy 19995: snapshot 0.01, deltas no level (and 1 more level(s))',
    ]);
    expect(violations[0].steps).toEqual([1]);
  });

  it('skips a snapshot at a seq the record does not reach', () => {
    const evidence = movedOrder().evidence();
    evidence.events = evidence.events.filter(
      (r) => !(r.client === 'admin' && r.stream === 'book:SANDBOX.BTC-USD' && r.seq === 2),
    );
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence)).toEqual({
      checked: 3,
      skipped: [
        "taker's resync of SANDBOX.BTC-USD at seq 3: the record does not hold every delta up to it",
        'the final snapshot of SANDBOX.BTC-USD at seq 3: the record does not hold every delta up to it',
      ],
    });
  });
});
