import { describe, expect, it } from 'vitest';
import type { FaultKind } from '../../../src/core/faults/fault.ts';
import type { FaultCounts } from '../../../src/core/faults/fault-record.ts';
import type { ActionBase } from '../../../src/core/model/action.ts';
import type {
  CampaignOptions,
  CampaignResult,
  PropertyFailure,
  PropertyOutcome,
} from '../../../src/core/runner/campaign.ts';
import { roundSeed } from '../../../src/core/soak/round-seed.ts';
import { type RoundCampaign, runSoak, type SoakProgress } from '../../../src/core/soak/soak-loop.ts';

const MB = 1024 * 1024;

/** Only what the soak passes through; the stand-in round never reads it. */
const campaign = {} as RoundCampaign<ActionBase>;

interface FakeRound {
  /** Faults fired by the round. */
  faults?: FaultCounts;
  /** The round's property outcome, on top of a passing one. */
  outcome?: Partial<PropertyOutcome<ActionBase>>;
}

/**
 * A stand-in for runCampaign on a fake clock: each run takes `runMs` and has 10 actions, and
 * the round stops at its run count or its time budget, as the real one does.
 */
function fakeRounds(clock: { t: number }, runMs: number, rounds: (index: number) => FakeRound = () => ({})) {
  const seen: CampaignOptions<ActionBase>[] = [];
  const runRound = async (options: CampaignOptions<ActionBase>): Promise<CampaignResult<ActionBase>> => {
    const spec = rounds(seen.length);
    seen.push(options);
    const started = clock.t;
    options.onProperty?.('p');
    let runs = 0;
    while (runs < options.runs && clock.t - started < options.timeBudgetMs) {
      clock.t += runMs;
      runs++;
      options.onRun?.({
        property: 'p',
        runIndex: runs - 1,
        generated: [],
        runs,
        actions: runs * 10,
        failed: false,
      });
    }
    const outcome: PropertyOutcome<ActionBase> = {
      property: 'p',
      seed: options.seed,
      runs,
      actions: runs * 10,
      durationMs: clock.t - started,
      passed: true,
      interrupted: false,
      faultKinds: [],
      faults: spec.faults ?? {},
      requiredFaults: [],
      latency: [],
      slos: [],
      exercised: [],
      ...spec.outcome,
    };
    return {
      seed: options.seed,
      runs,
      actions: runs * 10,
      durationMs: clock.t - started,
      interrupted: false,
      properties: [outcome],
      faults: spec.faults ?? {},
      unfired: [],
      exercised: [],
      latency: [],
    };
  };
  return { runRound, seen };
}

describe('runSoak', () => {
  it('runs seeded rounds of bounded runs until the duration is spent, reporting progress', async () => {
    const clock = { t: 1_000_000 };
    const { runRound, seen } = fakeRounds(clock, 100);
    const progress: SoakProgress[] = [];
    const result = await runSoak({
      campaign,
      seed: 42,
      durationMs: 60_000,
      roundRuns: 50,
      progressEveryMs: 10_000,
      now: () => clock.t,
      memory: () => ({ rssBytes: 100 * MB, heapUsedBytes: 20 * MB }),
      onProgress: (p) => progress.push(p),
      runRound,
    });
    expect(result).toMatchObject({ verdict: 'pass', stoppedBy: 'duration', durationMs: 60_000, runs: 600 });
    expect(result.actions).toBe(6000);
    expect(result.actionsPerSecond).toBeCloseTo(100);
    expect(result.rounds).toBe(12);
    expect(seen.map((o) => o.seed)).toEqual(seen.map((_, i) => roundSeed(42, i)));
    expect(seen.every((o) => o.runs === 50)).toBe(true);
    // Each round may use what is left of the soak, no more.
    expect(seen.map((o) => o.timeBudgetMs).slice(0, 3)).toEqual([60_000, 55_000, 50_000]);
    expect(progress.map((p) => p.elapsedMs)).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    // The 100th run ends round 1 (rounds count from 0).
    expect(progress[0]).toMatchObject({ runs: 100, actions: 1000, round: 1 });
    expect(progress[0].memory).toEqual({ rssBytes: 100 * MB, heapUsedBytes: 20 * MB });
    // Warm-up is a quarter of a minute here; samples every second after it, and the last one.
    expect(result.rss).toMatchObject({ warmupMs: 15_000, startMB: 100, endMB: 100, judgement: 'flat' });
    expect(result.rss.samples).toBe(47);
  });

  it('stops at the first round with a failure and names that round and its seed', async () => {
    const clock = { t: 0 };
    const failure = { property: 'p', seed: roundSeed(5, 2) } as PropertyFailure<ActionBase>;
    const { runRound, seen } = fakeRounds(clock, 100, (round) =>
      round === 2 ? { outcome: { passed: false, failure } } : {},
    );
    const result = await runSoak({
      campaign,
      seed: 5,
      durationMs: 600_000,
      roundRuns: 10,
      progressEveryMs: 10_000,
      now: () => clock.t,
      memory: () => ({ rssBytes: MB, heapUsedBytes: MB }),
      runRound,
    });
    expect(seen).toHaveLength(3);
    expect(result).toMatchObject({ verdict: 'fail', stoppedBy: 'failure', rounds: 3, runs: 30 });
    expect(result.failure).toEqual({ round: 2, roundSeed: roundSeed(5, 2), failure });
    expect(result.reason).toContain(`seed ${roundSeed(5, 2)}`);
  });

  it('ends on a run that proved nothing with verdict unknown', async () => {
    const clock = { t: 0 };
    const { runRound } = fakeRounds(clock, 100, () => ({
      outcome: { passed: false, unknown: { invariant: 'run', error: 'login refused' } },
    }));
    const result = await runSoak({
      campaign,
      seed: 1,
      durationMs: 60_000,
      roundRuns: 10,
      progressEveryMs: 10_000,
      now: () => clock.t,
      memory: () => ({ rssBytes: MB, heapUsedBytes: MB }),
      runRound,
    });
    expect(result).toMatchObject({ verdict: 'unknown', stoppedBy: 'unknown', rounds: 1 });
    expect(result.reason).toContain('login refused');
  });

  it('judges required faults over the whole soak, not round by round', async () => {
    const kinds: FaultKind[] = ['frame.drop', 'clock.jump'];
    const run = async (required: FaultKind[]) => {
      const clock = { t: 0 };
      // Each round fires one kind only, and its property "requires" both (the round's own
      // `sometimes` would fail it): the soak must not stop there.
      const { runRound } = fakeRounds(clock, 1000, (round) => ({
        faults: { [kinds[round % 2]]: 1 },
        outcome: { requiredFaults: required, passed: false, unfired: [kinds[(round + 1) % 2]] },
      }));
      return runSoak({
        campaign,
        seed: 1,
        durationMs: 40_000,
        roundRuns: 10,
        progressEveryMs: 10_000,
        requireFaults: [],
        now: () => clock.t,
        memory: () => ({ rssBytes: MB, heapUsedBytes: MB }),
        runRound,
      });
    };
    const both = await run(kinds);
    expect(both).toMatchObject({ verdict: 'pass', unfired: [], rounds: 4 });
    expect(both.faults).toEqual({ 'frame.drop': 2, 'clock.jump': 2 });
    const more = await run([...kinds, 'process.pause']);
    expect(more).toMatchObject({ verdict: 'fail', stoppedBy: 'duration', unfired: ['process.pause'] });
    expect(more.reason).toContain('process.pause');
  });

  it('reads memory through the injected reader only, and judges RSS after the warm-up', async () => {
    const clock = { t: 0 };
    const { runRound } = fakeRounds(clock, 500);
    let reads = 0;
    const result = await runSoak({
      campaign,
      seed: 1,
      durationMs: 120_000,
      warmupMs: 30_000,
      roundRuns: 20,
      progressEveryMs: 30_000,
      now: () => clock.t,
      // Grows 1 MB a second: 90 MB after the warm-up, beyond the 64 MB limit.
      memory: () => {
        reads++;
        return { rssBytes: (100 + clock.t / 1000) * MB, heapUsedBytes: MB };
      },
      runRound,
    });
    expect(reads).toBeGreaterThan(100);
    expect(result.rss).toMatchObject({ warmupMs: 30_000, startMB: 130, endMB: 220, growthMB: 90 });
    expect(result.rss.judgement).toBe('growing');
    // A growing RSS is reported, not a verdict: the properties passed.
    expect(result.verdict).toBe('pass');
  });
});
