import { describe, expect, it } from 'vitest';
import { invariantByName } from '../../invariants/trading/index.ts';
import type { ScopedInvariant } from '../../invariants/trading/support/scope.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'matching.happens';
const scope = (evidence: TradingEvidence) => (invariantByName.get(NAME) as ScopedInvariant).scope(evidence);

describe(NAME, () => {
  it('passes a clean run, and judges its matching', () => {
    const evidence = cleanEvidence();
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence).checked).toBeGreaterThan(10);
  });

  it('catches fok_expires_when_coverable: a fok the book covers over two levels expires', () => {
    const s = new Scenario({ bugs: ['fok_expires_when_coverable'] });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('bystander', 'b1', 'sell', 20000.5, 0.01);
    s.place('taker', 't1', 'buy', 20000.5, 0.02, { tif: 'fok' });
    const violations = check(NAME, s.evidence());
    expect(violations.map((v) => v.message)).toEqual([
      'step 2 (place by taker buy 0.02 @ 20000.5 limit fok t1): a fok the book can cover fills: the rules say trade 0.01 with O1 @ 20000, trade 0.01 with O2 @ 20000.5, then filled; the venue no trade, then expire with nothing traded',
    ]);
    expect(violations[0].steps).toEqual([2]);
  });

  it('catches a venue that does nothing: a crossing order that rests untouched', () => {
    const s = new Scenario();
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('taker', 't1', 'buy', 20000, 0.01);
    const evidence = s.evidence();
    // The record of a venue that let the buy rest: no fills, no trade.
    evidence.events = evidence.events.filter((r) => r.txn !== 2 || r.event.type === 'order_accepted');
    // With seqs missing the record is incomplete: nothing from there on is judged.
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence).skipped).toEqual([
      "2 requests after the venue's record became incomplete: the venue's record has nothing of market:SANDBOX.BTC-USD",
    ]);
    // Numbered as such a venue would number them, it is judged.
    const numbered = structuredClone(evidence);
    const last = new Map<string, number>();
    for (const rec of numbered.events) {
      if (rec.client !== 'admin') continue;
      rec.seq = (last.get(rec.stream) ?? 0) + 1;
      last.set(rec.stream, rec.seq);
    }
    numbered.snapshot.streams = Object.fromEntries(last);
    const messages = check(NAME, numbered).map((v) => v.message);
    expect(messages).toEqual([
      'step 1 (place by taker buy 0.01 @ 20000 limit t1): a crossing order trades against the resting liquidity it can reach, best price first, oldest first: the rules say trade 0.01 with O1 @ 20000, then filled; the venue no trade, then rest',
    ]);
  });
});
