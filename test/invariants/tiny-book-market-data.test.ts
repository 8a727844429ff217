import { describe, expect, it } from 'vitest';
import { tradingVenue } from '../../properties/trading/trading-venue.ts';
import type { Property } from '../../src/core/model/property.ts';
import { runCampaign } from '../../src/core/runner/campaign.ts';
import { tradingActions } from '../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';
import { tinyBookTarget } from '../fixtures/tiny-book/tiny-book-target.ts';

const MARKET_DATA = [
  'book.depth-matches-orders',
  'book.best-price',
  'book.resync-consistent',
  'tape.matches-fills',
];

/**
 * The market-data rules against a venue shakedown did not write: tiny-book, a small order-book
 * library (test/fixtures/tiny-book) behind an adapter. Release 1.2.0 takes a partly filled
 * order's whole size off its level when it is cancelled; the generated runs find that, and
 * the fixed release passes the same campaign.
 */
const property: Property<TradingAction> = {
  ...tradingVenue,
  name: 'tiny-book',
  invariants: MARKET_DATA,
  slos: [],
  // What the adapter supports: limit gtc and ioc orders, cancels, cancel-all (the rest is
  // refused, which is fine, but only wastes actions).
  actions: (context) =>
    tradingActions(context, {
      weights: { replace: 0, storm: 0, flip: 0, set_mark: 0, reconnect: 0, foreign: 2, duplicate_id: 2 },
    }),
};

function campaign(fixed: boolean) {
  return runCampaign<TradingAction>({
    properties: [property],
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: tinyBookTarget({ fixed }) as never,
    seed: 2026,
    runs: 200,
    // Bounds far above what the runs take (about a second each way), so that a slow machine
    // changes nothing: 200 runs on virtual time, shrunk to the end.
    timeBudgetMs: 600_000,
    now: () => performance.now(),
  });
}

describe('tiny-book, a third-party book behind an adapter', () => {
  it('1.2.0 loses level volume when a partly filled order is cancelled: book.* finds it', async () => {
    const result = await campaign(false);
    const failure = result.properties[0].failure;
    expect(failure, `not found in ${result.runs} runs`).toBeDefined();
    const verdict = failure!.report.verdict;
    const violations = verdict.status === 'fail' ? verdict.violations : [];
    expect(violations.some((v) => v.invariant.startsWith('book.'))).toBe(true);
    const depth = violations.find((v) => v.invariant === 'book.depth-matches-orders');
    // The level shows less than the orders resting there (or nothing at all).
    expect(depth?.message).toMatch(
      /the level shows .*, the orders resting there add up to|no level is published while/,
    );
    // Shrunk to the operation that loses the volume: two orders at a price, a partial fill, a cancel.
    const kinds = failure!.report.actions.map((a) => a.kind);
    expect(kinds.filter((k) => k === 'cancel' || k === 'cancel_all').length).toBeGreaterThanOrEqual(1);
    expect(failure!.report.actions.length).toBeLessThanOrEqual(6);
  }, 900_000);

  it('1.2.1 passes the same campaign', async () => {
    const result = await campaign(true);
    const outcome = result.properties[0];
    expect(outcome.failure?.report.verdict, JSON.stringify(outcome.failure?.report.verdict)).toBeUndefined();
    expect(outcome.runs).toBe(200);
  }, 900_000);
});
