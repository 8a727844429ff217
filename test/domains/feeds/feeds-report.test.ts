import { describe, expect, it } from 'vitest';
import { printSummary } from '../../../src/cli/print-summary.ts';
import { buildClientTimeline } from '../../../src/core/report/client-timeline.ts';
import { mergeDomainMeasures } from '../../../src/core/report/domain-measures.ts';
import { renderHtmlReport } from '../../../src/core/report/html-report.ts';
import { renderJunit } from '../../../src/core/report/junit-report.ts';
import { mergeSummaries } from '../../../src/core/report/merge-summaries.ts';
import { summarizeCampaign } from '../../../src/core/report/summarize-campaign.ts';
import { executeRun, runCampaign } from '../../../src/core/runner/campaign.ts';
import type { FeedsAction } from '../../../src/domains/feeds/feeds-action.ts';
import { feedsPack } from '../../../src/domains/feeds/feeds-pack.ts';
import { inprocFeedsTargetFactory } from '../../../src/domains/feeds/targets/inproc-feeds-target-factory.ts';

const common = {
  invariants: feedsPack.invariants as never,
  projection: feedsPack.projection as never,
  clients: feedsPack.clients,
};

/** Two subscribers, calls, and u0 killed under a newHeads feed then restarted: a failover. */
const ACTIONS: FeedsAction[] = [
  { kind: 'configure', client: 'operator', gapMs: 0, config: { strategy: 'priority' } },
  { kind: 'subscribe', client: 'alice', gapMs: 5, channel: 'newHeads', tag: 's1' },
  { kind: 'eth_blockNumber', client: 'bob', gapMs: 5 } as FeedsAction,
  { kind: 'upstream', client: 'operator', gapMs: 150, control: { kind: 'kill', upstream: 'u0' } },
  { kind: 'eth_blockNumber', client: 'carol', gapMs: 300 } as FeedsAction,
  { kind: 'upstream', client: 'operator', gapMs: 200, control: { kind: 'restart', upstream: 'u0' } },
];

async function measuredRun() {
  const run = await executeRun(inprocFeedsTargetFactory() as never, ACTIONS as never, {
    ...common,
    settings: { maxActions: 60, requestTimeoutMs: 1000, quietMs: 50 },
  });
  expect(run.verdict).toEqual({ status: 'pass' });
  return feedsPack.report!.measure(run.evidence as never);
}

/**
 * The feeds pack's report hook (DomainPack.report): latency per upstream and subscription
 * continuity are measured from a run's evidence, merge across runs, and show in the summary,
 * the printed summary, the HTML report and the JUnit properties.
 */
describe('the feeds report sections', () => {
  it('measures each upstream and the continuity of a run with a failover', async () => {
    const measures = await measuredRun();
    const sections = feedsPack.report!.sections(measures);
    const upstream = sections.find((s) => s.id === 'upstream-latency');
    expect(upstream?.rows.map((r) => r[0])).toEqual(['u0', 'u1', 'u2']);
    // u0 served the calls (priority) and the feed's watcher: it has answer times.
    const u0 = upstream!.rows[0]!;
    expect(u0[1]).toBeGreaterThan(0);
    expect(u0[4]).not.toBeNull();
    const continuity = sections.find((s) => s.id === 'continuity');
    const failover = continuity!.rows.find((r) => r[0] === 'failover time')!;
    expect(failover[1]).toBeGreaterThanOrEqual(1);
    const gaps = continuity!.rows.find((r) => r[0] === 'gap between heads')!;
    expect(gaps[1]).toBeGreaterThan(0);
    expect(continuity!.note).toContain('failover SLO 1000 ms');
  }, 30_000);

  it("puts each upstream's life and the failovers on its own timeline lane", async () => {
    const run = await executeRun(inprocFeedsTargetFactory() as never, ACTIONS as never, {
      ...common,
      settings: { maxActions: 60, requestTimeoutMs: 1000, quietMs: 50 },
    });
    const timeline = buildClientTimeline(
      {
        actions: ACTIONS,
        events: [],
        violations: [],
        evidence: {
          history: run.evidence.history,
          snapshot: run.evidence.snapshot,
          extra: run.evidence.extra,
        },
      } as never,
      {
        describeAction: (a) => JSON.stringify(a),
        describeEvent: (e) => JSON.stringify(e),
        timelineNotes: (evidence) => feedsPack.report!.timeline!(evidence as never),
      },
    );
    expect(timeline.clients).toContain('upstream:u0');
    const notes = timeline.entries.filter((e) => e.kind === 'note');
    expect(notes.filter((n) => n.client === 'upstream:u0').map((n) => n.text)).toEqual(
      expect.arrayContaining(['killed', 'restarted']),
    );
    expect(notes.some((n) => /^newHeads failover u0 → u\d \(connection_lost\)$/.test(n.text))).toBe(true);
  }, 30_000);

  it('merges runs: counts add, the longest gap is the longest of both', async () => {
    const one = await measuredRun();
    const both = mergeDomainMeasures(one, one);
    expect(both.counts?.['upstream:u0:calls']).toBe(2 * (one.counts?.['upstream:u0:calls'] ?? 0));
    expect(both.maxima?.['continuity:longest-gap']).toBe(one.maxima?.['continuity:longest-gap']);
  }, 30_000);

  it('reaches the summary, the printed summary, the HTML report and JUnit', async () => {
    const measures = await measuredRun();
    const result = await runCampaign<FeedsAction>({
      ...common,
      factory: inprocFeedsTargetFactory() as never,
      properties: [feedsPack.properties.find((p) => p.name === 'feeds-clean')!],
      seed: 1,
      runs: 3,
      timeBudgetMs: 600_000,
      now: () => performance.now(),
    });
    const summary = summarizeCampaign(result as never, {
      tool: 'test',
      domain: 'feeds',
      seedSource: 'flag',
      target: 'inproc',
      transport: 'inproc',
      bugs: [],
      registry: feedsPack.surface,
      tagsOf: () => [],
      requiredFaults: [],
      replayFileOf: () => null,
      durationMs: 1,
      domainReport: { measures, sections: feedsPack.report!.sections },
    });
    expect(summary.sections?.map((s) => s.id)).toEqual(['upstream-latency', 'continuity']);
    const lines: string[] = [];
    printSummary(summary, (line) => lines.push(line));
    const text = lines.join('\n');
    expect(text).toContain('Latency per upstream');
    expect(text).toMatch(/\n {2}u0 +\d+/);
    expect(text).toContain('Subscription continuity');
    const html = renderHtmlReport({
      summary,
      failures: [],
      describeAction: (a) => JSON.stringify(a),
      describeEvent: (e) => JSON.stringify(e),
    });
    expect(html).toContain('id="domain-upstream-latency"');
    expect(html).toContain('id="domain-continuity"');
    const xml = renderJunit(summary);
    expect(xml).toMatch(/name="upstream-latency\.u0\.p50" value="[0-9.]+"/);
    expect(xml).toContain('name="continuity.failover time.count"');
    // Shards' figures merge; the sections are the pack's to make again.
    const merged = mergeSummaries([
      { ...summary, shard: { index: 1, count: 2 } },
      { ...summary, shard: { index: 2, count: 2 } },
    ]);
    expect(merged.domainMeasures?.counts?.['upstream:u0:calls']).toBe(
      2 * (measures.counts?.['upstream:u0:calls'] ?? 0),
    );
    expect(merged.sections).toBeUndefined();
  }, 60_000);
});
