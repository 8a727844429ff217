import { describe, expect, it } from 'vitest';
import { invariantByName } from '../../invariants/trading/index.ts';
import type { ScopedInvariant } from '../../invariants/trading/support/scope.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'book.best-price';
const scope = (evidence: TradingEvidence) => (invariantByName.get(NAME) as ScopedInvariant).scope(evidence);

function sweptLevel(bugs: 'empty_level_left_behind'[] = []) {
  const s = new Scenario({ bugs });
  s.place('maker', 'm1', 'sell', 20000, 0.01);
  s.place('bystander', 'b1', 'sell', 20001, 0.01);
  s.place('taker', 't1', 'buy', 20000, 0.01);
  return s;
}

describe(NAME, () => {
  it('passes a clean run', () => {
    const evidence = cleanEvidence();
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence).checked).toBeGreaterThan(20);
  });

  it('catches empty_level_left_behind: the level a fill emptied stays the best ask', () => {
    const violations = check(NAME, sweptLevel(['empty_level_left_behind']).evidence());
    expect(violations.map((v) => v.message)).toEqual([
      'book SANDBOX.BTC-USD after txn 3: best ask published 20000, best resting sell order at 20001 (order O2 (bystander, b1))',
    ]);
    expect(violations[0].steps).toEqual([0, 1]);
  });

  it("judges the final snapshot's books, and each client's fold at the snapshot's seq", () => {
    const evidence = sweptLevel().evidence();
    evidence.snapshot.books[0].asks.unshift([19999.5, 0.01, 1]);
    const copy = evidence.events.find(
      (r) => r.client === 'maker' && r.event.type === 'book_delta' && r.txn === 3,
    )!;
    if (copy.event.type === 'book_delta') copy.event.qty = 0.01;
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'final snapshot book SANDBOX.BTC-USD: best ask listed 19999.5, best open sell order at 20001',
      "maker's book SANDBOX.BTC-USD at seq 3 (where the final snapshot stands): best ask 20000, best open sell order at 20001",
    ]);
  });

  it('has nothing to check when the venue publishes no book', () => {
    const evidence = sweptLevel().evidence();
    const bare: TradingEvidence = {
      ...evidence,
      events: evidence.events.filter((r) => !r.stream.startsWith('book:')),
      snapshot: { ...evidence.snapshot, books: undefined as never, streams: {} },
    };
    expect(check(NAME, bare)).toEqual([]);
    expect(scope(bare).checked).toBe(0);
  });
});
