import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { tradingActions } from '../../../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import type { TradingAction } from '../../../../src/domains/trading/trading-action.ts';
import { BUG_TRIGGERS, emptyStats, type ReplayStats, replayOnEngine } from './engine-replay.ts';
import { factsOf } from './sequence-facts.ts';

/**
 * The bias is what the generator is for: the same number of sequences of the same length,
 * biased and unbiased, measured the same way. Run with
 *   npx vitest run test/domains/trading/generation/bias.test.ts
 * to see the figures (printed once per run).
 */
const RUNS = 300;
const context = { seed: 42, maxActions: 40 };

interface Measure {
  liveTargetShare: number;
  boundaryQtyShare: number;
  selfTrade: number;
  duplicateId: number;
  competingCancels: number;
  engine: ReplayStats;
}

function measure(sequences: TradingAction[][]): Measure {
  let targeted = 0;
  let live = 0;
  let sized = 0;
  let boundary = 0;
  const seen = { selfTrade: 0, duplicateId: 0, competingCancels: 0 };
  const engine = emptyStats();
  for (const actions of sequences) {
    const facts = factsOf(actions, context.seed);
    targeted += facts.targeted;
    live += facts.targetedLive;
    sized += facts.sizedPlaces;
    boundary += facts.boundaryQty;
    if (facts.selfTradeAttempt) seen.selfTrade += 1;
    if (facts.duplicateId) seen.duplicateId += 1;
    if (facts.competingCancels) seen.competingCancels += 1;
    replayOnEngine(actions, engine);
  }
  return {
    liveTargetShare: live / targeted,
    boundaryQtyShare: boundary / sized,
    selfTrade: seen.selfTrade / sequences.length,
    duplicateId: seen.duplicateId / sequences.length,
    competingCancels: seen.competingCancels / sequences.length,
    engine,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

describe('the generator bias', () => {
  let biased: Measure;
  let unbiased: Measure;

  beforeAll(() => {
    biased = measure(fc.sample(tradingActions(context), { seed: 2024, numRuns: RUNS }));
    unbiased = measure(fc.sample(tradingActions(context, { unbiased: true }), { seed: 2024, numRuns: RUNS }));
    const row = (name: string, m: Measure) =>
      [
        name.padEnd(9),
        `live targets ${pct(m.liveTargetShare)}`,
        `boundary qty ${pct(m.boundaryQtyShare)}`,
        `self-trade ${pct(m.selfTrade)}`,
        `dup id ${pct(m.duplicateId)}`,
        `competing cancels ${pct(m.competingCancels)}`,
        `cancels accepted ${pct(m.engine.cancelsAccepted / m.engine.cancels)}`,
        `replaces accepted ${pct(m.engine.replacesAccepted / m.engine.replaces)}`,
        `trades/seq ${(m.engine.trades / RUNS).toFixed(2)}`,
      ].join(' | ');
    console.info(
      `bias over ${RUNS} sequences of up to ${context.maxActions} actions\n${row('biased', biased)}\n${row('unbiased', unbiased)}\n` +
        `bug triggers (sequences of ${RUNS}, biased/unbiased): ` +
        BUG_TRIGGERS.map((t) => `${t} ${biased.engine.triggers[t]}/${unbiased.engine.triggers[t]}`).join(
          ', ',
        ),
    );
  });

  it('aims cancels and replaces at orders the model predicts live', () => {
    expect(biased.liveTargetShare).toBeGreaterThan(0.6);
    expect(unbiased.liveTargetShare).toBeLessThan(0.1);
  });

  it('puts quantities exactly on the lot, minimum or maximum', () => {
    expect(biased.boundaryQtyShare).toBeGreaterThan(0.08);
    expect(unbiased.boundaryQtyShare).toBeLessThan(0.01);
  });

  it('makes self-trades, duplicate client ids and competing cancels common', () => {
    expect(biased.selfTrade).toBeGreaterThan(0.4);
    expect(biased.duplicateId).toBeGreaterThan(0.3);
    expect(biased.competingCancels).toBeGreaterThan(0.2);
    expect(unbiased.selfTrade).toBeLessThan(biased.selfTrade / 4);
    expect(unbiased.duplicateId).toBe(0);
    expect(unbiased.competingCancels).toBeLessThan(0.05);
  });

  it('gets many more cancels accepted and many more fills from the real engine', () => {
    const accepted = (m: Measure) => m.engine.cancelsAccepted / m.engine.cancels;
    expect(accepted(biased)).toBeGreaterThan(0.4);
    expect(accepted(unbiased)).toBeLessThan(0.1);
    expect(biased.engine.trades / RUNS).toBeGreaterThan(2);
    expect(biased.engine.trades).toBeGreaterThan(10 * Math.max(1, unbiased.engine.trades));
  });

  it('reaches what every planted bug needs in a good share of sequences', () => {
    for (const trigger of BUG_TRIGGERS) {
      expect(biased.engine.triggers[trigger], trigger).toBeGreaterThan(RUNS * 0.05);
    }
  });
});
