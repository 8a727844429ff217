import { describe, expect, it } from 'vitest';
import { invariantByName } from '../../invariants/trading/index.ts';
import type { ScopedInvariant } from '../../invariants/trading/support/scope.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'book.depth-matches-orders';
const scope = (evidence: TradingEvidence) => (invariantByName.get(NAME) as ScopedInvariant).scope(evidence);

function partialFill(bugs: 'stale_level_after_partial_fill'[] = []) {
  const s = new Scenario({ bugs });
  s.place('maker', 'm1', 'sell', 20000, 0.02);
  s.place('bystander', 'b1', 'sell', 20000, 0.01);
  s.place('taker', 't1', 'buy', 20000, 0.005);
  return s;
}

describe(NAME, () => {
  it('passes a clean run, and says what it compared', () => {
    const evidence = cleanEvidence();
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence)).toEqual({ checked: expect.any(Number), skipped: [] });
    expect(scope(evidence).checked).toBeGreaterThan(20);
  });

  it('catches stale_level_after_partial_fill: the level keeps its volume after a partial fill', () => {
    const violations = check(NAME, partialFill(['stale_level_after_partial_fill']).evidence());
    expect(violations.map((v) => v.message)).toEqual([
      'book SANDBOX.BTC-USD sell 20000 after txn 3: the level shows 0.03, the orders resting there add up to 0.025 (order O1 (maker, m1) 0.015, order O2 (bystander, b1) 0.01)',
    ]);
    expect(violations[0].steps).toEqual([0, 1, 2]);
  });

  it('catches a level removed while an order rests there (record corrupted)', () => {
    const evidence = partialFill().evidence();
    const delta = evidence.events.find(
      (r) => r.client === 'admin' && r.event.type === 'book_delta' && r.txn === 3,
    )!;
    if (delta.event.type === 'book_delta') delta.event.qty = 0;
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'book SANDBOX.BTC-USD sell 20000 after txn 3: no level is published while order O1 (maker, m1) 0.015, order O2 (bystander, b1) 0.01 rest there (0.025 in total)',
    ]);
  });

  it("judges the final snapshot's book by its own open orders: volume, count and zero-volume levels", () => {
    const evidence = partialFill().evidence();
    evidence.snapshot.books[0].asks[0][2] = 3;
    evidence.snapshot.books[0].asks.push([20001, 0, 0]);
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'final snapshot book SANDBOX.BTC-USD sell 20000: the level counts 3 order(s), 2 rest there (O1, O2)',
      'final snapshot book SANDBOX.BTC-USD sell 20001: a level with zero volume is published',
    ]);
  });

  it("judges each client's own fold where it stands at the final snapshot's seq", () => {
    const evidence = partialFill().evidence();
    // Only the bystander's copy of the last delta is wrong: the venue's record is sound.
    const copy = evidence.events.find(
      (r) => r.client === 'bystander' && r.event.type === 'book_delta' && r.txn === 3,
    )!;
    if (copy.event.type === 'book_delta') copy.event.qty = 0.03;
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      "bystander's book SANDBOX.BTC-USD at seq 3 (where the final snapshot stands) sell 20000: the level shows 0.03, the orders resting there add up to 0.025 (O1, O2)",
    ]);
  });

  it("works from the traders' own records when there is no admin, and only while they are the whole venue", () => {
    const evidence = partialFill(['stale_level_after_partial_fill']).evidence();
    evidence.events = evidence.events.filter((r) => r.client !== 'admin');
    expect(check(NAME, evidence).map((v) => v.message)).toContain(
      'book SANDBOX.BTC-USD sell 20000 after txn 3: the level shows 0.03, the orders resting there add up to 0.025 (order O1 (maker, m1) 0.015, order O2 (bystander, b1) 0.01)',
    );
    // An account the record does not hold may have orders on the book: no input is judged.
    evidence.snapshot.streams['account:live'] = 4;
    expect(check(NAME, evidence).filter((v) => v.message.includes('after txn'))).toEqual([]);
    expect(scope(evidence).skipped).toContain(
      'input by input on SANDBOX.BTC-USD: some book or account event of the venue is not in the record',
    );
  });

  it('is scoped by what the venue publishes: no counts, no book, nothing to check', () => {
    const evidence = partialFill().evidence();
    for (const book of evidence.snapshot.books) {
      book.asks = book.asks.map(([p, q]) => [p, q] as unknown as [number, number, number]);
      book.bids = book.bids.map(([p, q]) => [p, q] as unknown as [number, number, number]);
    }
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence).skipped).toEqual(['order counts: the venue publishes none']);

    const bare: TradingEvidence = {
      ...evidence,
      events: evidence.events.filter((r) => !r.stream.startsWith('book:')),
      snapshot: { ...evidence.snapshot, books: undefined as never, streams: {} },
    };
    expect(check(NAME, bare)).toEqual([]);
    expect(scope(bare)).toEqual({
      checked: 0,
      skipped: [
        'input by input: the venue publishes no book stream',
        'final snapshot: it lists no books or no open orders',
      ],
    });
  });
});
