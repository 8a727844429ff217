import { describe, expect, it } from 'vitest';
import { invariantByName } from '../../../invariants/trading/index.ts';
import type {
  MarketState,
  ReplayHooks,
  ReplayResult,
} from '../../../invariants/trading/support/market-replay.ts';
import type { Inspection } from '../../../invariants/trading/support/scope.ts';
import { sharedMarketReplay } from '../../../invariants/trading/support/shared-market-replay.ts';
import type { Invariant } from '../../../src/core/model/invariant.ts';
import { checkInvariants } from '../../../src/core/runner/check-invariants.ts';
import type { TradingEvidence } from '../../../src/domains/trading/trading-evidence.ts';
import { tradingVenueEvidence } from '../../support/trading-evidence.ts';

/** The invariants that replay the market through one shared pass. */
const SHARING = ['book.depth-matches-orders', 'book.best-price', 'numbers.spellings-agree'];

// Registered once for this file: counts how many passes start, and can be told to throw.
let passes = 0;
let throwIn: 'none' | 'prepare' | 'replay' | 'conclude' = 'none';
function* counting(): Generator<ReplayHooks, Inspection, ReplayResult> {
  passes++;
  if (throwIn === 'prepare') throw new Error('broke preparing');
  const result = yield {
    input: (_step: unknown, _state: MarketState) => {
      if (throwIn === 'replay') throw new Error('broke replaying');
    },
  };
  if (throwIn === 'conclude') throw new Error('broke concluding');
  return { violations: [], scope: { checked: result.inputs, skipped: [] } };
}
const counter = sharedMarketReplay('test.replay-counter', counting);
const counterInvariant: Invariant = {
  name: 'test.replay-counter',
  description: 'counts the market passes',
  check: (evidence) => counter(evidence as TradingEvidence).violations,
};

describe('the market replay shared by the book and spelling invariants', () => {
  it('gives each invariant, checked together, what it gives alone, with one replay per run', async () => {
    const runs = [
      ...(await tradingVenueEvidence([], 15, 11)),
      ...(await tradingVenueEvidence(['stale_level_after_partial_fill'], 15, 11)),
    ];
    const invariants = SHARING.map((name) => invariantByName.get(name) as Invariant);
    let violations = 0;
    for (const evidence of runs) {
      const alone = invariants.map((inv) => checkInvariants(evidence, [inv]).results[0]);
      passes = 0;
      const together = checkInvariants(evidence, [...invariants, counterInvariant]).results;
      expect(passes).toBe(1);
      expect(together.slice(0, SHARING.length)).toEqual(alone);
      violations += alone.reduce((n, r) => n + r.violations.length, 0);
    }
    // The stale levels were seen: the comparison is not between two empty results.
    expect(violations).toBeGreaterThan(0);
  }, 60_000);

  it('an inspection that throws gets its error, and only it', async () => {
    const [evidence] = await tradingVenueEvidence(['stale_level_after_partial_fill'], 1, 11);
    const invariants = SHARING.map((name) => invariantByName.get(name) as Invariant);
    const alone = invariants.map((inv) => checkInvariants(evidence, [inv]).results[0]);
    const errors = { prepare: 'broke preparing', replay: 'broke replaying', conclude: 'broke concluding' };
    for (const [where, error] of Object.entries(errors)) {
      throwIn = where as keyof typeof errors;
      const results = checkInvariants(evidence, [...invariants, counterInvariant]).results;
      expect(results.slice(0, SHARING.length)).toEqual(alone);
      expect(results[SHARING.length]).toMatchObject({ status: 'unknown', error });
    }
    throwIn = 'none';
  }, 60_000);
});
