import { describe, expect, it } from 'vitest';
import type { TargetFactory } from '../../../src/core/model/target.ts';
import {
  type CampaignOptions,
  type CampaignResult,
  type PropertyOrder,
  runCampaign,
} from '../../../src/core/runner/campaign.ts';
import type { Shard } from '../../../src/core/shard/shard.ts';
import { inprocTargetFactory } from '../../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';
import { decidedCampaign } from '../../support/campaign-decided.ts';
import { tradingProperty } from '../../support/pool-trading.ts';

/**
 * Properties take turns run by run on one thread (CampaignOptions.order, property-turns.ts):
 * every property's outcome (runs, actions, verdict, failures and their shrunk actions, tallies,
 * faults, latency, surface) is the one the sequential campaign gives, for the same seed and
 * runs; only the order of the runs changes, so a bug only a later property finds is found
 * after a few rounds instead of after every earlier property's runs.
 */

type Extra = Partial<CampaignOptions<TradingAction>>;

interface Ran {
  result: CampaignResult<TradingAction>;
  /** `property#runIndex` of every run onRun reported, failing ones marked `!`, in order. */
  runs: string[];
  /** onRun entries, onProperty announcements (`@name`) and target creations (`+`), in order. */
  log: string[];
}

async function campaign(
  order: PropertyOrder,
  names: string[],
  options: { seed: number; runs: number; bugs?: string[] } & Extra,
): Promise<Ran> {
  const { seed, runs: runCount, bugs, ...extra } = options;
  const inner = inprocTargetFactory({ bugs: (bugs ?? []) as never });
  const runs: string[] = [];
  const log: string[] = [];
  const factory = {
    ...inner,
    create: (run: never) => {
      log.push('+');
      return inner.create(run);
    },
  } as unknown as TargetFactory<TradingAction>;
  const result = await runCampaign<TradingAction>({
    properties: names.map(tradingProperty),
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory,
    seed,
    runs: runCount,
    maxActions: 14,
    shrinkAttempts: 60,
    timeBudgetMs: 600_000,
    transport: 'inproc',
    surface: { registry: tradingPack.surface, exercised: (e) => tradingPack.exercised(e as never) },
    now: () => performance.now(),
    order,
    onProperty: (name) => log.push(`@${name}`),
    onRun: (run) => {
      const entry = `${run.property}#${run.runIndex}${run.failed ? '!' : ''}`;
      runs.push(entry);
      log.push(entry);
    },
    ...extra,
  });
  return { result, runs, log };
}

/** Runs both orders and checks they decided the same; returns both for further checks. */
async function bothOrders(
  names: string[],
  options: { seed: number; runs: number; bugs?: string[] } & Extra,
): Promise<{ sequential: Ran; interleaved: Ran }> {
  const sequential = await campaign('sequential', names, options);
  const interleaved = await campaign('interleaved', names, options);
  expect(decidedCampaign(interleaved.result)).toEqual(decidedCampaign(sequential.result));
  // The same runs, in another order.
  expect([...interleaved.runs].sort()).toEqual([...sequential.runs].sort());
  return { sequential, interleaved };
}

/** Runs executed before the first failing one (itself included). */
const untilFirstFailure = (runs: string[]): number => runs.findIndex((r) => r.endsWith('!')) + 1;

describe('properties taking turns on one thread', () => {
  it('run by run, round robin, with the outcomes of the sequential campaign (clean venue)', async () => {
    const names = ['trading-venue', 'order-lifecycle', 'chaos-recovery'];
    for (const seed of [3, 20261207]) {
      const { sequential, interleaved } = await bothOrders(names, { seed, runs: 5 });
      expect(sequential.runs.slice(0, 5)).toEqual([0, 1, 2, 3, 4].map((i) => `trading-venue#${i}`));
      expect(interleaved.runs.slice(0, 6)).toEqual([
        'trading-venue#0',
        'order-lifecycle#0',
        'chaos-recovery#0',
        'trading-venue#1',
        'order-lifecycle#1',
        'chaos-recovery#1',
      ]);
      expect(interleaved.result.properties.every((p) => p.runs === 5 && !p.interrupted)).toBe(true);
      // onProperty says whose runs follow: before each turn of another property.
      const announced = interleaved.log.filter((e) => e.startsWith('@'));
      expect(announced).toHaveLength(15);
      expect(sequential.log.filter((e) => e.startsWith('@'))).toEqual(names.map((n) => `@${n}`));
    }
  }, 60_000);

  it('a bug only the last property finds: found after a few rounds, shrunk at once, the same failure', async () => {
    const names = ['order-lifecycle', 'self-trade-prevention', 'stop-orders'];
    // 20 shrink attempts, as on a pool (interleave-pool.test.ts): the shrink still runs right
    // after the failing run and gives both orders the same counterexample, for a third of the
    // 60 candidate runs each order paid.
    const options = {
      seed: 1,
      runs: 20,
      bugs: ['stop_triggers_early'],
      maxActions: 40,
      shrinkAttempts: 20,
    };
    const { sequential, interleaved } = await bothOrders(names, options);
    const [, , stops] = interleaved.result.properties;
    expect(stops?.failure?.report.verdict.status).toBe('fail');
    expect(interleaved.result.properties.slice(0, 2).every((p) => p.passed && p.runs === 20)).toBe(true);
    // Sequentially the 40 runs of the two properties before it come first.
    expect(untilFirstFailure(sequential.runs)).toBeGreaterThan(40);
    expect(untilFirstFailure(interleaved.runs)).toBeLessThanOrEqual(
      3 * ((stops?.failure?.runIndex ?? 0) + 1),
    );
    // Shrunk when found: shrink candidates and the counterexample's final run (targets made)
    // come right after the failing run, before any other property's next run.
    const failing = interleaved.log.findIndex((e) => e.endsWith('!'));
    const next = interleaved.log.findIndex((e, i) => i > failing && e.includes('#'));
    const between = interleaved.log.slice(failing + 1, next);
    const turned = between.indexOf('@order-lifecycle');
    expect(turned).toBeGreaterThan(0);
    expect(between.slice(0, turned).every((e) => e === '+')).toBe(true);
    // Then the next property's turn: its run's target, and nothing else.
    expect(between.slice(turned + 1)).toEqual(['+']);
    // The others went on taking turns after it.
    expect(interleaved.runs.slice(untilFirstFailure(interleaved.runs)).length).toBeGreaterThan(0);
  }, 60_000);

  it('--keep-going (maxFailures): the same distinct failures, duplicates and shrunk actions', async () => {
    const names = ['trading-venue', 'order-lifecycle'];
    // Up to three failures, each shrunk in each order: 20 attempts each (as on a pool) still
    // compare the shrunk actions, where 60 made the shrink candidates most of the test's runs.
    const { interleaved } = await bothOrders(names, {
      seed: 5,
      runs: 16,
      bugs: ['overfill'],
      maxFailures: 3,
      shrinkAttempts: 20,
    });
    expect(interleaved.result.properties.some((p) => (p.failures?.length ?? 0) > 0)).toBe(true);
  }, 60_000);

  it('shards: each shard runs its share in turns, with the sequential shard outcomes', async () => {
    const names = ['order-lifecycle', 'margin-and-marks'];
    const shards: Shard[] = [
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ];
    for (const shard of shards) {
      const { interleaved } = await bothOrders(names, { seed: 7, runs: 8, shard });
      expect(interleaved.result.runs).toBeGreaterThan(0);
    }
  }, 60_000);

  it('checkDeterminism and checkEveryStep judge each run the same in either order', async () => {
    await bothOrders(['order-lifecycle', 'stop-orders'], {
      seed: 11,
      runs: 3,
      maxActions: 5,
      checkDeterminism: true,
      checkEveryStep: true,
    });
  }, 60_000);

  it('the time budget is the campaign’s: turns go on until it is spent, then no run starts (injected clock)', async () => {
    // Each run takes 10 ms on this clock; nothing else moves it.
    let now = 0;
    const runs: string[] = [];
    const names = ['order-lifecycle', 'margin-and-marks', 'self-trade-prevention'];
    const { result } = await campaign('interleaved', names, {
      seed: 2,
      runs: 1_000,
      timeBudgetMs: 95,
      now: () => now,
      onRun: (run) => {
        runs.push(`${run.property}#${run.runIndex}`);
        now += 10;
      },
    });
    // Runs start at 0, 10, ... 90 ms: ten, round robin from the first property.
    expect(result.properties.map((p) => p.runs)).toEqual([4, 3, 3]);
    expect(runs).toHaveLength(10);
    expect(result.properties.every((p) => p.interrupted && p.passed)).toBe(true);
    expect(result.interrupted).toBe(true);
    // A property's time is that of its own turns.
    expect(result.properties.map((p) => p.durationMs)).toEqual([40, 30, 30]);
  }, 60_000);

  it('stop: no run starts after it; a property whose first turn comes after it is not reached', async () => {
    const stop = new AbortController();
    const runs: string[] = [];
    const names = ['order-lifecycle', 'margin-and-marks', 'self-trade-prevention'];
    const { result } = await campaign('interleaved', names, {
      seed: 2,
      runs: 50,
      stop: stop.signal,
      onRun: (run) => {
        runs.push(`${run.property}#${run.runIndex}`);
        if (run.property === 'margin-and-marks') stop.abort();
      },
    });
    expect(runs).toEqual(['order-lifecycle#0', 'margin-and-marks#0']);
    expect(result.properties.map((p) => [p.runs, p.interrupted])).toEqual([
      [1, true],
      [1, true],
      [0, true],
    ]);
    expect(result.interrupted).toBe(true);
  }, 60_000);

  it('abandon: the hung run is dropped, and every property returns with the runs it finished', async () => {
    const stop = new AbortController();
    const abandon = new AbortController();
    const inner = inprocTargetFactory();
    let created = 0;
    const factory = {
      ...inner,
      create: (run: never) => {
        if (created++ < 3) return inner.create(run);
        // A target stuck for good, on the second property's second run: stop, and abandon at once.
        queueMicrotask(() => {
          stop.abort();
          abandon.abort();
        });
        return new Promise<never>(() => {});
      },
    } as unknown as TargetFactory<TradingAction>;
    const { result, runs } = await campaign('interleaved', ['order-lifecycle', 'trading-venue'], {
      seed: 1,
      runs: 50,
      factory,
      stop: stop.signal,
      abandon: abandon.signal,
    });
    expect(runs).toEqual(['order-lifecycle#0', 'trading-venue#0', 'order-lifecycle#1']);
    expect(result.interrupted).toBe(true);
    expect(result.properties.map((p) => [p.runs, p.interrupted])).toEqual([
      [2, true],
      [1, true],
    ]);
  }, 60_000);

  it('a run that cannot be run ends the campaign with its error, in either order', async () => {
    for (const order of ['interleaved', 'sequential'] as const) {
      const inner = inprocTargetFactory();
      let created = 0;
      const factory = {
        ...inner,
        create: async (run: never) => {
          created += 1;
          if (created === 4) throw new Error('the venue would not start (planted)');
          return inner.create(run);
        },
      } as unknown as TargetFactory<TradingAction>;
      const ran = campaign(order, ['order-lifecycle', 'margin-and-marks'], { seed: 3, runs: 10, factory });
      await expect(ran).rejects.toThrow('the venue would not start (planted)');
    }
  }, 60_000);
});
