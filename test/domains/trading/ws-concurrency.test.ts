import { describe, expect, it } from 'vitest';
import type { Property } from '../../../src/core/model/property.ts';
import type { TargetFactory } from '../../../src/core/model/target.ts';
import { type CampaignResult, runCampaign } from '../../../src/core/runner/campaign.ts';
import { LanePool } from '../../../src/core/runner/lane-pool.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';

/**
 * The embedded venue over real sockets (127.0.0.1, port 0), one run at a time and many at once
 * (each lane its own embedded venue): the same seed gives the same verdicts, run counts and
 * failures, the shrunk counterexample included. Nothing here reads a clock: the counts decide.
 */
const LANES = 4;

function property(name: string): Property<TradingAction> {
  const found = tradingPack.properties.find((p) => p.name === name);
  if (!found) throw new Error(`no property ${name}`);
  return found as Property<TradingAction>;
}

async function embedded(bugs: string[]): Promise<TargetFactory<TradingAction>> {
  return (await tradingPack.targetFactory({ kind: 'embedded-ws' }, { bugs, seed: 1, faults: [] })) as never;
}

async function campaign(
  name: string,
  bugs: string[],
  options: { seed: number; runs: number; lanes: number; maxActions: number },
): Promise<{ result: CampaignResult<TradingAction>; peak: number }> {
  const factory = await embedded(bugs);
  const pool =
    options.lanes > 1
      ? new LanePool<TradingAction>({
          lanes: options.lanes,
          laneFactory: () => embedded(bugs),
          clients: tradingPack.clients,
          projection: tradingPack.projection,
          invariants: tradingPack.invariants,
          describeAction: tradingPack.describeAction,
        })
      : undefined;
  try {
    const result = await runCampaign<TradingAction>({
      properties: [property(name)],
      invariants: tradingPack.invariants,
      projection: tradingPack.projection,
      clients: tradingPack.clients,
      factory,
      seed: options.seed,
      runs: options.runs,
      maxActions: options.maxActions,
      shrinkAttempts: 30,
      timeBudgetMs: Number.POSITIVE_INFINITY,
      faults: [],
      transport: 'ws',
      now: Date.now,
      describeAction: tradingPack.describeAction,
      ...(pool ? { pool } : {}),
    });
    return { result, peak: pool?.peakInFlight() ?? 1 };
  } finally {
    await pool?.close();
    await factory.dispose?.();
  }
}

/** What must be the same whichever way the runs went. */
function verdicts(result: CampaignResult<TradingAction>) {
  return result.properties.map((p) => ({
    property: p.property,
    passed: p.passed,
    runs: p.runs,
    actions: p.actions,
    failure: p.failure && {
      runIndex: p.failure.runIndex,
      path: p.failure.path,
      actions: p.failure.report.actions,
      status: p.failure.report.verdict.status,
      invariants:
        p.failure.report.verdict.status === 'fail'
          ? [...new Set(p.failure.report.verdict.violations.map((v) => v.invariant))].sort()
          : [],
    },
  }));
}

describe('ws campaigns on lanes: the verdicts of one run at a time', () => {
  it('a clean venue: every run passes, on 1 lane and on 4, with the same counts', async () => {
    // trading-venue, the whole mix: lanes sharing one venue fail it (one run's reset and fills
    // reach another's clients), so it passing on 4 lanes says each lane had a venue of its own.
    const plan = { seed: 5, runs: 12, maxActions: 25 };
    const one = await campaign('trading-venue', [], { ...plan, lanes: 1 });
    const many = await campaign('trading-venue', [], { ...plan, lanes: LANES });
    expect(one.result.properties[0]?.passed).toBe(true);
    expect(one.result.runs).toBe(12);
    expect(verdicts(many.result)).toEqual(verdicts(one.result));
    expect(many.peak).toBe(LANES);
  }, 120_000);

  it('a planted bug (overfill): found at the same run and shrunk to the same counterexample', async () => {
    const plan = { seed: 3, runs: 30, maxActions: 12 };
    const one = await campaign('order-lifecycle', ['overfill'], { ...plan, lanes: 1 });
    const failure = one.result.properties[0]?.failure;
    expect(failure?.report.verdict.status).toBe('fail');
    const many = await campaign('order-lifecycle', ['overfill'], { ...plan, lanes: LANES });
    expect(verdicts(many.result)).toEqual(verdicts(one.result));
    // Runs already in flight after the failing one were dropped, as one at a time never starts them.
    expect(many.result.runs).toBe((failure?.runIndex ?? -2) + 1);
  }, 120_000);
});
