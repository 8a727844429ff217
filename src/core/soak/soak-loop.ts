import type { FaultKind } from '../faults/fault.ts';
import { addFaultCounts, type FaultCounts } from '../faults/fault-record.ts';
import type { ActionBase } from '../model/action.ts';
import {
  type CampaignOptions,
  type CampaignResult,
  type PropertyFailure,
  runCampaign,
} from '../runner/campaign.ts';
import { roundSeed } from './round-seed.ts';
import { type RssSummary, RssTrend } from './rss-trend.ts';

/** Runs per property in one round: bounds what a round holds, and how often progress can move. */
export const DEFAULT_ROUND_RUNS = 100;
/** RSS is read at most this often (after a run), so the trend has samples between progress lines. */
export const DEFAULT_SAMPLE_EVERY_MS = 1000;
/** Warm-up cap: JIT, heap sizing and caches settle within it even in an hours-long soak. */
export const DEFAULT_MAX_WARMUP_MS = 60_000;
/** RSS growth beyond this, after the warm-up, is judged 'growing'. */
export const DEFAULT_RSS_LIMIT_MB = 64;

/** What the process uses, read by the caller (core never asks the process itself). */
export interface MemoryReading {
  rssBytes: number;
  heapUsedBytes: number;
}

export interface SoakProgress {
  elapsedMs: number;
  /** The round under way, from 0. */
  round: number;
  runs: number;
  actions: number;
  actionsPerSecond: number;
  memory: MemoryReading;
}

/** The campaign settings every round shares; the soak owns seed, runs, budget and clock. */
export type RoundCampaign<A extends ActionBase> = Omit<
  CampaignOptions<A>,
  'seed' | 'seedOf' | 'runs' | 'timeBudgetMs' | 'now' | 'onRun' | 'onProperty' | 'requireFaults' | 'shard'
>;

export interface SoakOptions<A extends ActionBase> {
  campaign: RoundCampaign<A>;
  seed: number;
  durationMs: number;
  /** Runs per property in one round (default DEFAULT_ROUND_RUNS). */
  roundRuns?: number;
  progressEveryMs: number;
  sampleEveryMs?: number;
  /** RSS before this is not judged (default: a quarter of the duration, at most a minute). */
  warmupMs?: number;
  rssLimitMB?: number;
  /** Kinds that must fire at least once over the whole soak (not in every round). */
  requireFaults?: readonly FaultKind[];
  now: () => number;
  memory: () => MemoryReading;
  onProgress?: (progress: SoakProgress) => void;
  /** Runs one round; runCampaign unless a test stands in for it. */
  runRound?: (options: CampaignOptions<A>) => Promise<CampaignResult<A>>;
}

export type SoakVerdict = 'pass' | 'fail' | 'unknown';

export interface SoakResult<A> {
  seed: number;
  durationMs: number;
  rounds: number;
  runs: number;
  actions: number;
  actionsPerSecond: number;
  verdict: SoakVerdict;
  /** Why the soak ended. */
  stoppedBy: 'duration' | 'failure' | 'slo' | 'unknown' | 'interrupted';
  /** What went wrong, one line, when the verdict is not pass. */
  reason?: string;
  /** The shrunk failure that ended the soak, with the seed of its round. */
  failure?: { round: number; roundSeed: number; failure: PropertyFailure<A> };
  /** Faults fired over the whole soak, by kind. */
  faults: FaultCounts;
  /** Required kinds that never fired in the whole soak. */
  unfired: FaultKind[];
  rss: RssSummary;
  /** The last reading, for the closing line. */
  memory: MemoryReading;
}

/**
 * A long campaign in rounds: each round is a runCampaign of a bounded number of runs per
 * property, seeded from the soak seed and the round number, until the duration is spent or a
 * round finds a failure (already shrunk by the campaign). Memory stays flat by construction:
 * a round's result is read for counters and dropped, nothing per run is kept, and the RSS
 * trend keeps running sums only. A fault kind that must fire is judged over the whole soak.
 */
export async function runSoak<A extends ActionBase>(options: SoakOptions<A>): Promise<SoakResult<A>> {
  const started = options.now();
  const elapsed = (): number => options.now() - started;
  const run = options.runRound ?? runCampaign;
  const warmupMs = options.warmupMs ?? Math.min(DEFAULT_MAX_WARMUP_MS, options.durationMs / 4);
  const trend = new RssTrend(warmupMs, options.rssLimitMB ?? DEFAULT_RSS_LIMIT_MB);
  const sampleEveryMs = options.sampleEveryMs ?? DEFAULT_SAMPLE_EVERY_MS;
  const faults: FaultCounts = {};
  const required = new Set<FaultKind>(options.requireFaults ?? []);
  let rounds = 0;
  /** The round under way (the last one, once the soak is over). */
  let current = 0;
  let runs = 0;
  let actions = 0;
  let memory = options.memory();
  let lastSample = 0;
  let lastProgress = 0;
  let verdict: SoakVerdict = 'pass';
  let stoppedBy: SoakResult<A>['stoppedBy'] = 'duration';
  let reason: string | undefined;
  let failure: SoakResult<A>['failure'];

  const sample = (at: number): void => {
    memory = options.memory();
    trend.add(at, memory.rssBytes);
    lastSample = at;
  };
  const progress = (at: number): void => {
    lastProgress = at;
    options.onProgress?.({
      elapsedMs: at,
      round: current,
      runs,
      actions,
      actionsPerSecond: at > 0 ? (actions / at) * 1000 : 0,
      memory,
    });
  };
  const tick = (): void => {
    const at = elapsed();
    if (at - lastSample >= sampleEveryMs) sample(at);
    if (at - lastProgress >= options.progressEveryMs) {
      if (lastSample !== at) sample(at);
      progress(at);
    }
  };

  // campaign.stop (SIGINT, SIGTERM) ends the round under way early and starts no other.
  const stopped = (): boolean => options.campaign.stop?.aborted === true;
  while (elapsed() < options.durationMs && !stopped()) {
    current = rounds;
    const seed = roundSeed(options.seed, rounds);
    // Each property's actions so far in this round: onRun reports them cumulatively, and the
    // properties take turns run by run (runCampaign's interleaved order).
    const propertyActions = new Map<string, number>();
    const result = await run({
      ...options.campaign,
      seed,
      runs: options.roundRuns ?? DEFAULT_ROUND_RUNS,
      // The rest of the soak: a round never outlasts it, and runCampaign shares it fairly.
      timeBudgetMs: options.durationMs - elapsed(),
      requireFaults: [],
      now: options.now,
      onRun: (p) => {
        runs++;
        actions += p.actions - (propertyActions.get(p.property) ?? 0);
        propertyActions.set(p.property, p.actions);
        tick();
      },
    });
    addFaultCounts(faults, result.faults);
    for (const outcome of result.properties) {
      // `sometimes` holds over the soak: a round too short to fire a kind is no failure.
      for (const kind of outcome.requiredFaults) required.add(kind);
      if (verdict !== 'pass') continue;
      if (outcome.failure) {
        verdict = 'fail';
        stoppedBy = 'failure';
        failure = { round: rounds, roundSeed: seed, failure: outcome.failure };
        reason = `${outcome.property} failed in round ${rounds} (seed ${seed})`;
      } else if (outcome.slos.some((s) => s.breached)) {
        verdict = 'fail';
        stoppedBy = 'slo';
        reason = `${outcome.property} breached an SLO in round ${rounds} (seed ${seed})`;
      } else if (outcome.unknown) {
        verdict = 'unknown';
        stoppedBy = 'unknown';
        reason = `${outcome.property}: a run proved nothing in round ${rounds} (seed ${seed}): ${outcome.unknown.error}`;
      }
    }
    rounds++;
    if (verdict !== 'pass') break;
    tick();
  }
  if (verdict === 'pass' && stopped()) stoppedBy = 'interrupted';
  const durationMs = elapsed();
  sample(durationMs);
  // The last line shows where the soak ended, not where the last interval did.
  if (lastProgress !== durationMs) progress(durationMs);
  const unfired = stoppedBy === 'duration' ? [...required].filter((kind) => !(faults[kind] ?? 0)) : [];
  if (unfired.length > 0) {
    verdict = 'fail';
    reason = `fault kinds that never fired in the whole soak: ${unfired.join(', ')}`;
  }
  return {
    seed: options.seed,
    durationMs,
    rounds,
    runs,
    actions,
    actionsPerSecond: durationMs > 0 ? (actions / durationMs) * 1000 : 0,
    verdict,
    stoppedBy,
    ...(reason === undefined ? {} : { reason }),
    ...(failure ? { failure } : {}),
    faults,
    unfired,
    rss: trend.summary(),
    memory,
  };
}
