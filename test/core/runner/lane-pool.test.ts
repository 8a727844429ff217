import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import type { TargetFactory } from '../../../src/core/model/target.ts';
import { type CampaignResult, runCampaign } from '../../../src/core/runner/campaign.ts';
import { LanePool } from '../../../src/core/runner/lane-pool.ts';
import { EXIT, ShakedownError } from '../../../src/core/shakedown-error.ts';
import type { CounterAction } from '../../fixtures/counter-domain/counter-action.ts';
import { counterPack } from '../../fixtures/counter-domain/counter-pack.ts';

/**
 * The lane pool driven by the counter pack (no trading): a campaign whose runs go on at once,
 * each on a lane of its own, gives the result of the same campaign run one at a time: the same
 * runs, actions, faults, latency, tallies, failure and shrunk counterexample, and the same
 * recorded events in the same order.
 */
const SEED = 11;
const RUNS = 60;

interface Built {
  factory: TargetFactory<CounterAction>;
  disposed: () => number;
}

async function counterFactory(bugs: string[]): Promise<Built> {
  const made = (await counterPack.targetFactory(
    { kind: 'inproc' },
    { bugs, seed: SEED, faults: 'all' },
  )) as TargetFactory<CounterAction>;
  let disposed = 0;
  return {
    factory: {
      ...made,
      dispose: async () => {
        disposed++;
        await made.dispose?.();
      },
    },
    disposed: () => disposed,
  };
}

function lanePool(lanes: number, bugs: string[], built: Built[] = []): LanePool<CounterAction> {
  return new LanePool<CounterAction>({
    lanes,
    laneFactory: async () => {
      const lane = await counterFactory(bugs);
      built.push(lane);
      return lane.factory;
    },
    clients: counterPack.clients,
    projection: counterPack.projection,
    invariants: counterPack.invariants,
    describeAction: counterPack.describeAction,
    exercised: (evidence) => counterPack.exercised(evidence as never),
  });
}

async function campaign(
  bugs: string[],
  pool: LanePool<CounterAction> | undefined,
): Promise<{ result: CampaignResult<CounterAction>; events: RecordedEvent[] }> {
  const { factory } = await counterFactory(bugs);
  const events: RecordedEvent[] = [];
  const result = await runCampaign<CounterAction>({
    properties: counterPack.properties,
    invariants: counterPack.invariants,
    projection: counterPack.projection,
    clients: counterPack.clients,
    surface: {
      registry: counterPack.surface,
      exercised: (evidence) => counterPack.exercised(evidence as never),
    },
    factory,
    seed: SEED,
    runs: RUNS,
    timeBudgetMs: Number.POSITIVE_INFINITY,
    faults: 'all',
    now: Date.now,
    describeAction: counterPack.describeAction,
    sink: (event) => events.push(event),
    ...(pool ? { pool } : {}),
  });
  return { result, events };
}

/** What must not depend on how many runs went on at once. */
function comparable(result: CampaignResult<CounterAction>) {
  return {
    runs: result.runs,
    actions: result.actions,
    faults: result.faults,
    exercised: result.exercised,
    latency: result.latency,
    properties: result.properties.map((p) => ({
      passed: p.passed,
      runs: p.runs,
      actions: p.actions,
      invariants: p.invariants,
      failure: p.failure && {
        runIndex: p.failure.runIndex,
        path: p.failure.path,
        shrinks: p.failure.shrinks,
        actions: p.failure.report.actions,
        verdict: p.failure.report.verdict,
      },
    })),
  };
}

const digest = (events: readonly RecordedEvent[]): string =>
  createHash('sha256').update(JSON.stringify(events)).digest('hex');

describe('LanePool: many runs at once in one thread, the result of one at a time', () => {
  it('a clean campaign: the same result and recorded events on 1 lane and on 6, the lanes used', async () => {
    const sequential = await campaign([], undefined);
    expect(sequential.result.properties[0]?.passed).toBe(true);
    const built: Built[] = [];
    const pool = lanePool(6, [], built);
    const concurrent = await campaign([], pool);
    await pool.close();
    expect(comparable(concurrent.result)).toEqual(comparable(sequential.result));
    expect(concurrent.events.length).toBe(sequential.events.length);
    expect(digest(concurrent.events)).toBe(digest(sequential.events));
    // Runs really went on at once (virtual runs end fast, so not every lane is needed), each lane
    // used built its own factory once, and close disposed of each.
    expect(pool.peakInFlight()).toBeGreaterThan(1);
    expect(built.length).toBeGreaterThan(1);
    expect(built.length).toBeLessThanOrEqual(6);
    expect(built.map((b) => b.disposed())).toEqual(built.map(() => 1));
  });

  it('a planted bug: found at the same run, shrunk to the same counterexample', async () => {
    const sequential = await campaign(['decrement_ignores_by'], undefined);
    const failure = sequential.result.properties[0]?.failure;
    expect(failure?.report.verdict.status).toBe('fail');
    const pool = lanePool(4, ['decrement_ignores_by']);
    const concurrent = await campaign(['decrement_ignores_by'], pool);
    await pool.close();
    expect(comparable(concurrent.result)).toEqual(comparable(sequential.result));
    // Runs after the failure that were in flight on other lanes are dropped, as a sequential
    // campaign never started them: the recorded events stop at the failing run too.
    expect(digest(concurrent.events)).toBe(digest(sequential.events));
  });

  it('a lane whose target cannot be built ends the campaign with that error', async () => {
    const pool = new LanePool<CounterAction>({
      lanes: 3,
      laneFactory: (lane) => {
        if (lane === 1)
          throw new ShakedownError('SHK_TARGET_UNREACHABLE', 'lane 1 cannot reach its venue', {
            exitCode: EXIT.unreachable,
          });
        return counterFactory([]).then((b) => b.factory);
      },
      clients: counterPack.clients,
      projection: counterPack.projection,
      invariants: counterPack.invariants,
    });
    await expect(campaign([], pool)).rejects.toThrow(/lane 1 cannot reach its venue/);
    await pool.close();
  });

  it('refuses a lane count that is not a whole number >= 1', () => {
    expect(() => lanePool(0, [])).toThrow(/whole number of lanes >= 1/);
    expect(() => lanePool(1.5, [])).toThrow(/whole number of lanes >= 1/);
  });
});
