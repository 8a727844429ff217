import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// The named export: under NodeNext, TypeScript types the default import of this CommonJS module
// as the module namespace, which is not constructable.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { campaignPartsOf } from '../../src/cli/pack-parts.ts';
import type { ActionBase } from '../../src/core/model/action.ts';
import type { RunEvidence } from '../../src/core/model/evidence.ts';
import type { CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import type { DomainMeasures } from '../../src/core/report/domain-measures.ts';
import { runCampaign } from '../../src/core/runner/campaign.ts';
import { feedsPack } from '../../src/domains/feeds/index.ts';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-feeds-report-cli-');
const cli = (args: readonly string[]) => shakedown(args, { timeoutMs: 120_000 });
const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/summary.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

/**
 * One feeds campaign through the real CLI, with every output: its stdout and the files. 20 runs
 * of each of the four properties: enough for every section to have measured something (calls
 * on each upstream, heads on subscriptions), for each shard of two to measure a part only, and
 * for two workers to share the runs (blocks of 5, 4, 3... dealt to both); it was 50, and the
 * five campaigns of the file cost their runs again each.
 */
function feedsRun(extra: readonly string[]) {
  const dir = tempDir();
  const files = {
    summary: join(dir, 'summary.json'),
    report: join(dir, 'report'),
    junit: join(dir, 'junit.xml'),
  };
  const run = cli([
    'run',
    '--domain',
    'feeds',
    '--seed',
    '1',
    '--runs',
    '20',
    '--summary',
    files.summary,
    '--report',
    files.report,
    '--junit',
    files.junit,
    ...extra,
  ]);
  return { run, files, summary: () => JSON.parse(readFileSync(files.summary, 'utf8')) as CampaignSummary };
}

/**
 * The campaign on one thread, run once for the file: both tests below read its outputs (the
 * same seed and runs give the same files), and it is run by whichever test comes first.
 */
let oneThread: ReturnType<typeof feedsRun> | undefined;
const onOneThread = (): ReturnType<typeof feedsRun> => {
  oneThread ??= feedsRun(['--workers', '1']);
  return oneThread;
};

/**
 * The feeds pack's report hook wired through the runner: each judged run measured once (on
 * whichever thread ran it), the measures merged into the campaign's, and its sections in the
 * printed summary, the JSON summary, the HTML report and JUnit; the same seed gives the same
 * sections on one thread or two, and shards merged give the unsharded figures.
 */
describe('the feeds report sections, end to end', () => {
  it('run --domain feeds shows them in the printed summary, the summary, the report and JUnit, the same on 1 and 2 workers', () => {
    const one = onOneThread();
    expect(one.run.status, one.run.stderr + one.run.stdout).toBe(0);
    expect(one.run.stdout).toContain('Latency per upstream');
    expect(one.run.stdout).toContain('Subscription continuity');
    expect(one.run.stdout).toMatch(/gap between heads\s+\d+/);
    const summary = one.summary();
    expect(validate(summary), JSON.stringify(validate.errors)).toBe(true);
    const ids = (summary.sections ?? []).map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['upstream-latency', 'continuity']));
    // Something was measured: calls on some upstream, and heads received on subscriptions.
    const latency = summary.sections?.find((s) => s.id === 'upstream-latency');
    expect(latency?.rows.length).toBeGreaterThan(0);
    expect(latency?.rows.some((row) => Number(row[1]) > 0)).toBe(true);
    expect(Object.keys(summary.domainMeasures?.histograms ?? {})).toContain('continuity:head-gap');
    const html = readFileSync(join(one.files.report, 'report.html'), 'utf8');
    expect(html).toContain('Latency per upstream');
    expect(html).toContain('Subscription continuity');
    const junit = readFileSync(one.files.junit, 'utf8');
    expect(junit).toMatch(/name="continuity\.gap between heads\.count" value="\d+"/);

    const two = feedsRun(['--workers', '2']);
    expect(two.run.status, two.run.stderr + two.run.stdout).toBe(0);
    expect(two.run.stdout).toContain('on 2 workers');
    const pooled = two.summary();
    expect(pooled.sections).toEqual(summary.sections);
    expect(pooled.domainMeasures).toEqual(summary.domainMeasures);
  });

  it('merge makes the sections again from the shards’ measures: the unsharded figures', () => {
    const whole = onOneThread();
    expect(whole.run.status, whole.run.stderr).toBe(0);
    const shards = [1, 2].map((i) => feedsRun(['--workers', '1', '--shard', `${i}/2`]));
    for (const shard of shards) {
      expect(shard.run.status, shard.run.stderr + shard.run.stdout).toBe(0);
      // A shard measured only its own runs.
      expect(shard.summary().domainMeasures).not.toEqual(whole.summary().domainMeasures);
    }
    const out = join(tempDir(), 'merged.json');
    const merge = cli(['merge', ...shards.map((s) => s.files.summary), '--summary', out]);
    expect(merge.status, merge.stderr + merge.stdout).toBe(0);
    expect(merge.stdout).toContain('Subscription continuity');
    const merged = JSON.parse(readFileSync(out, 'utf8')) as CampaignSummary;
    expect(validate(merged), JSON.stringify(validate.errors)).toBe(true);
    expect(merged.domainMeasures).toEqual(whole.summary().domainMeasures);
    expect(merged.sections).toEqual(whole.summary().sections);
  });
});

describe('runCampaign with a measure', () => {
  it('measures each exploring run once, shrinking not measured, and merges them into result.measures', async () => {
    const report = feedsPack.report;
    if (!report) throw new Error('the feeds pack has a report hook');
    const property = feedsPack.properties.find((p) => p.name === 'feeds-failover');
    if (!property) throw new Error('the feeds pack has a feeds-failover property');
    const factory = await feedsPack.targetFactory({ kind: 'inproc' }, { bugs: ['gap_on_failover'], seed: 1 });
    // Each measured run adds one to a series of the test's own: the total is the runs measured.
    const measure = (evidence: RunEvidence<ActionBase>): DomainMeasures => {
      const measured = report.measure(evidence as never);
      return { ...measured, counts: { ...measured.counts, 'test:measured': 1 } };
    };
    const result = await runCampaign<ActionBase>({
      ...campaignPartsOf(feedsPack),
      properties: [property],
      factory,
      seed: 1,
      runs: 200,
      timeBudgetMs: Number.POSITIVE_INFINITY,
      now: () => 0,
      measure,
    });
    await factory.dispose?.();
    const failure = result.properties[0]?.failure;
    // The planted bug is found and shrunk: the shrink candidates ran, and were not measured.
    expect(failure).toBeDefined();
    expect(failure?.shrinks).toBeGreaterThan(0);
    expect(result.measures?.counts?.['test:measured']).toBe(result.runs);
    expect(result.measures?.histograms?.['continuity:head-gap']).toBeDefined();
  });

  it('a measure that throws ends the campaign with SHK_MEASURE_FAILED, not a failing run', async () => {
    const property = feedsPack.properties.find((p) => p.name === 'feeds-clean');
    if (!property) throw new Error('the feeds pack has a feeds-clean property');
    const factory = await feedsPack.targetFactory({ kind: 'inproc' }, { bugs: [], seed: 1 });
    const campaign = runCampaign<ActionBase>({
      ...campaignPartsOf(feedsPack),
      properties: [property],
      factory,
      seed: 1,
      runs: 5,
      timeBudgetMs: Number.POSITIVE_INFINITY,
      now: () => 0,
      measure: () => {
        throw new Error('no such series');
      },
    });
    await expect(campaign).rejects.toMatchObject({ code: 'SHK_MEASURE_FAILED' });
    await factory.dispose?.();
  });

  it('without a measure the result has no measures (a pack without a report hook is unchanged)', async () => {
    const property = feedsPack.properties.find((p) => p.name === 'feeds-clean');
    if (!property) throw new Error('the feeds pack has a feeds-clean property');
    const factory = await feedsPack.targetFactory({ kind: 'inproc' }, { bugs: [], seed: 1 });
    const result = await runCampaign<ActionBase>({
      ...campaignPartsOf(feedsPack),
      properties: [property],
      factory,
      seed: 1,
      runs: 5,
      timeBudgetMs: Number.POSITIVE_INFINITY,
      now: () => 0,
    });
    await factory.dispose?.();
    expect(result.runs).toBe(5);
    expect('measures' in result).toBe(false);
  });
});
