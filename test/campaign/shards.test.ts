import { describe, expect, it } from 'vitest';
import type { Property } from '../../src/core/model/property.ts';
import { mergeSummaries } from '../../src/core/report/merge-summaries.ts';
import { summarizeCampaign } from '../../src/core/report/summarize-campaign.ts';
import { type CampaignResult, runCampaign } from '../../src/core/runner/campaign.ts';
import type { Shard } from '../../src/core/shard/shard.ts';
import { inprocTargetFactory } from '../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

const chosen = ['order-lifecycle', 'margin-and-marks'].map(
  (name) => tradingPack.properties.find((p) => p.name === name) as Property<TradingAction>,
);

/** One campaign (or one shard of it), with every executed run noted as property/index/actions. */
async function campaign(options: {
  bugs?: string[];
  shard?: Shard;
  runs: number;
  properties?: Property<TradingAction>[];
  minCoverage?: { category: string | null; percent: number }[];
}) {
  const executed: string[] = [];
  const result = await runCampaign<TradingAction>({
    properties: options.properties ?? chosen,
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: inprocTargetFactory({ bugs: (options.bugs ?? []) as never }) as never,
    seed: 7,
    runs: options.runs,
    ...(options.shard ? { shard: options.shard } : {}),
    timeBudgetMs: 120_000,
    surface: { registry: tradingPack.surface, exercised: (e) => tradingPack.exercised(e as never) },
    now: () => performance.now(),
    onRun: (run) => executed.push(`${run.property}#${run.runIndex}:${JSON.stringify(run.generated)}`),
  });
  const summary = summarizeCampaign(result as CampaignResult<unknown>, {
    tool: 'test',
    domain: 'trading',
    seedSource: 'flag',
    ...(options.shard ? { shard: options.shard } : {}),
    target: 'inproc',
    transport: 'inproc',
    bugs: options.bugs ?? [],
    registry: tradingPack.surface,
    tagsOf: () => [],
    requiredFaults: [],
    ...(options.minCoverage ? { minCoverage: options.minCoverage } : {}),
    replayFileOf: () => null,
    durationMs: 1,
  });
  return { result, summary, executed };
}

describe('--shard i/n', () => {
  it('two shards run exactly the runs of the unsharded campaign, and merge to its verdict and coverage', async () => {
    const whole = await campaign({ runs: 40 });
    const one = await campaign({ runs: 40, shard: { index: 1, count: 2 } });
    const two = await campaign({ runs: 40, shard: { index: 2, count: 2 } });
    expect(whole.executed).toHaveLength(80);
    expect(one.executed.length).toBeGreaterThan(10);
    expect(two.executed.length).toBeGreaterThan(10);
    expect(one.executed.filter((run) => two.executed.includes(run))).toEqual([]);
    expect([...one.executed, ...two.executed].sort()).toEqual([...whole.executed].sort());

    const merged = mergeSummaries([one.summary, two.summary]);
    expect(merged.verdict).toBe(whole.summary.verdict);
    expect(merged.runs).toBe(whole.summary.runs);
    expect(merged.actions).toBe(whole.summary.actions);
    expect(merged.faults).toEqual(whole.summary.faults);
    expect(merged.coverage).toEqual(whole.summary.coverage);
    expect(merged.latency.map((l) => [l.action, l.count, l.ok, l.fail, l.info])).toEqual(
      whole.summary.latency.map((l) => [l.action, l.count, l.ok, l.fail, l.info]),
    );
    expect(merged.mergedShards).toBe(2);
  }, 120_000);

  it('a failure is found by the shard that owns its run, shrunk to the same actions, and merge fails like the whole', async () => {
    const venue = [tradingPack.properties.find((p) => p.name === 'trading-venue') as Property<TradingAction>];
    const whole = await campaign({ runs: 60, bugs: ['overfill'], properties: venue });
    const wholeFailure = whole.result.properties[0]?.failure;
    expect(wholeFailure).toBeDefined();
    const shards = [
      await campaign({ runs: 60, bugs: ['overfill'], properties: venue, shard: { index: 1, count: 2 } }),
      await campaign({ runs: 60, bugs: ['overfill'], properties: venue, shard: { index: 2, count: 2 } }),
    ];
    const merged = mergeSummaries(shards.map((s) => s.summary));
    expect(merged.verdict).toBe('fail');
    expect(whole.summary.verdict).toBe('fail');
    const first = merged.failures[0];
    expect(first?.runIndex).toBe(wholeFailure?.runIndex);
    const owner = shards.find((s) => s.result.properties[0]?.failure?.runIndex === wholeFailure?.runIndex);
    expect(owner?.result.properties[0]?.failure?.report.actions).toEqual(wholeFailure?.report.actions);
  }, 120_000);

  it('a shard does not judge the coverage floor on its share; merge judges it on the union', async () => {
    const floor = [{ category: null, percent: 100 }];
    const one = await campaign({ runs: 6, shard: { index: 1, count: 2 }, minCoverage: floor });
    const two = await campaign({ runs: 6, shard: { index: 2, count: 2 }, minCoverage: floor });
    expect(one.summary.minCoverage?.met).toBe(false);
    expect(one.summary.verdict).toBe('pass');
    const merged = mergeSummaries([one.summary, two.summary]);
    expect(merged.minCoverage?.met).toBe(false);
    expect(merged.verdict).toBe('fail');
  }, 60_000);
});
