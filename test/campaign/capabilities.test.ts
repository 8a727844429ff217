import { describe, expect, it } from 'vitest';
import type { Invariant } from '../../src/core/model/invariant.ts';
import type { Property } from '../../src/core/model/property.ts';
import type { TargetFactory } from '../../src/core/model/target.ts';
import type { CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import { renderJunit } from '../../src/core/report/junit-report.ts';
import { mergeSummaries } from '../../src/core/report/merge-summaries.ts';
import { summarizeCampaign } from '../../src/core/report/summarize-campaign.ts';
import { type CampaignResult, runCampaign } from '../../src/core/runner/campaign.ts';
import { isShakedownError } from '../../src/core/shakedown-error.ts';
import { inprocTargetFactory } from '../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import {
  ALL_TRADING_CAPABILITIES,
  TRADING_CAPABILITIES as CAP,
} from '../../src/domains/trading/trading-capabilities.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

const named = (name: string) =>
  tradingPack.properties.find((p) => p.name === name) as Property<TradingAction>;

/** The in-process reference venue, as an adapter for a venue without accounts or margin would declare it. */
function noAccountsFactory(): TargetFactory<TradingAction> {
  const base = inprocTargetFactory() as unknown as TargetFactory<TradingAction>;
  return {
    ...base,
    name: 'no-accounts',
    capabilities: ALL_TRADING_CAPABILITIES.filter((c) => c !== CAP.accounts && c !== CAP.margin),
  };
}

async function campaign(
  properties: Property<TradingAction>[],
  options: {
    factory?: TargetFactory<TradingAction>;
    invariants?: readonly Invariant[];
    runs?: number;
    shard?: { index: number; count: number };
  } = {},
) {
  const generated: TradingAction[] = [];
  const result = await runCampaign<TradingAction>({
    properties,
    invariants: options.invariants ?? tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: options.factory ?? (inprocTargetFactory() as never),
    seed: 11,
    runs: options.runs ?? 6,
    maxActions: 20,
    timeBudgetMs: 600_000,
    transport: 'inproc',
    ...(options.shard ? { shard: options.shard } : {}),
    now: () => performance.now(),
    onRun: (progress) => generated.push(...progress.generated),
  });
  return { result, generated };
}

function summaryOf(result: CampaignResult<TradingAction>, strict = false): CampaignSummary {
  return summarizeCampaign(result as CampaignResult<unknown>, {
    tool: 'test',
    domain: 'trading',
    seedSource: 'flag',
    target: 'no-accounts',
    transport: 'inproc',
    bugs: [],
    registry: tradingPack.surface,
    tagsOf: () => [],
    requiredFaults: [],
    replayFileOf: () => null,
    durationMs: 0,
    strict,
  });
}

describe('a target that declares what it provides', () => {
  it('without accounts or margin: funds and margin invariants are skipped with the reason, and no set_mark is sent', async () => {
    const property = named('margin-and-marks');
    const { result, generated } = await campaign([property], { factory: noAccountsFactory() });
    const outcome = result.properties[0]!;
    expect(outcome.passed).toBe(true);
    const skipped = outcome.skippedInvariants ?? [];
    expect(skipped).toEqual(
      expect.arrayContaining([
        { invariant: 'funds.conservation', reason: 'missing: accounts', missing: ['accounts'] },
        { invariant: 'funds.reserves', reason: 'missing: accounts, margin', missing: ['accounts', 'margin'] },
        { invariant: 'ledger.equity', reason: 'missing: accounts, margin', missing: ['accounts', 'margin'] },
      ]),
    );
    // Whatever else it skips (other invariants may need accounts too), it skips for the same lack.
    for (const s of skipped) {
      expect(s.missing.length, s.invariant).toBeGreaterThan(0);
      expect(['accounts', 'margin'], s.invariant).toEqual(expect.arrayContaining([...s.missing]));
    }
    const checked = outcome.invariants?.map((i) => i.name) ?? [];
    expect(checked.length).toBeGreaterThan(0);
    expect(checked).toEqual(property.invariants.filter((n) => !skipped.some((s) => s.invariant === n)));
    for (const i of outcome.invariants ?? []) expect(i.runs, i.name).toBe(6);
    // margin-and-marks weighs set_mark heavily: none went out.
    expect(generated.length).toBeGreaterThan(0);
    expect(generated.filter((a) => a.kind === 'set_mark')).toEqual([]);

    const summary = summaryOf(result);
    expect(summary.properties[0]?.skippedInvariants).toEqual(skipped);
    const junit = renderJunit(summary);
    expect(junit).toContain(
      '<testcase name="funds.conservation" classname="shakedown.trading.margin-and-marks.invariants" time="0.000">\n      <skipped message="not checked: missing: accounts"/>',
    );
    expect(junit).toContain('<skipped message="not checked: missing: accounts, margin"/>');
    expect(junit).toMatch(
      /<testcase name="book.best-price" classname="shakedown.trading.margin-and-marks.invariants"/,
    );
  }, 120_000);

  it('the same property against the reference target checks all of them and does send marks', async () => {
    const property = named('margin-and-marks');
    const { result, generated } = await campaign([property]);
    expect(result.properties[0]?.skippedInvariants).toEqual([]);
    expect(result.properties[0]?.invariants?.map((i) => i.name)).toEqual(property.invariants);
    expect(generated.some((a) => a.kind === 'set_mark')).toBe(true);
  }, 120_000);

  it('a property left with nothing to check stops the campaign before any run', async () => {
    const funds: Property<TradingAction> = {
      ...named('margin-and-marks'),
      name: 'funds-only',
      invariants: ['funds.conservation', 'ledger.equity'],
    };
    let runs = 0;
    const started = runCampaign<TradingAction>({
      properties: [named('order-lifecycle'), funds],
      invariants: tradingPack.invariants,
      projection: tradingPack.projection,
      clients: tradingPack.clients,
      factory: noAccountsFactory(),
      seed: 1,
      runs: 3,
      timeBudgetMs: 60_000,
      now: () => performance.now(),
      onRun: () => runs++,
    });
    const error = await started.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isShakedownError(error) && error.code).toBe('SHK_NOTHING_TO_CHECK');
    expect(isShakedownError(error) && error.exitCode).toBe(2);
    expect(String((error as Error).message)).toContain(
      'funds-only: funds.conservation (missing: accounts), ledger.equity (missing: accounts, margin)',
    );
    expect(runs).toBe(0);
  });
});

describe('vacuous checks are visible', () => {
  // An invariant that examines what never happens here: it reports 0 on every run.
  const neverAnything: Invariant = {
    name: 'test.unicorns',
    description: 'no unicorn is ever harmed',
    counts: 'unicorns',
    check: () => [],
  };
  const property: Property<TradingAction> = {
    ...named('order-lifecycle'),
    name: 'unicorns',
    invariants: ['orders.lifecycle', 'test.unicorns'],
  };
  const invariants = [...tradingPack.invariants, neverAnything];

  it('an invariant with nothing to check in any run is a warning; the verdict stays pass', async () => {
    const { result } = await campaign([property], { invariants, runs: 4 });
    const summary = summaryOf(result);
    const p = summary.properties[0]!;
    expect(p.invariants?.find((i) => i.name === 'test.unicorns')).toEqual({
      name: 'test.unicorns',
      runs: 4,
      checkedRuns: 0,
      examined: 0,
      counts: 'unicorns',
    });
    expect(p.invariants?.find((i) => i.name === 'orders.lifecycle')?.checkedRuns).toBeGreaterThan(0);
    expect(p.warnings).toEqual([
      {
        kind: 'vacuous',
        subject: 'test.unicorns',
        message:
          'test.unicorns had nothing to check in any of its 4 runs (no unicorns): its pass says nothing',
      },
    ]);
    expect(summary.verdict).toBe('pass');
    expect(renderJunit(summary)).toContain('warning: test.unicorns had nothing to check');
  }, 120_000);

  it('with --strict it fails the property and the campaign, in the summary and JUnit', async () => {
    const { result } = await campaign([property], { invariants, runs: 4 });
    const summary = summaryOf(result, true);
    expect(summary.strict).toBe(true);
    expect(summary.properties[0]?.verdict).toBe('fail');
    expect(summary.verdict).toBe('fail');
    const junit = renderJunit(summary);
    expect(junit).toContain('<failure message="test.unicorns had nothing to check in any of its 4 runs');
    expect(junit).toContain('type="vacuous"');
  }, 120_000);

  it('shards merge their counts: checked runs add up, and the warning is decided on the sums', async () => {
    const whole = summaryOf((await campaign([property], { invariants, runs: 6 })).result);
    const shards = await Promise.all(
      [1, 2].map(async (index) =>
        summaryOf((await campaign([property], { invariants, runs: 6, shard: { index, count: 2 } })).result),
      ),
    );
    const merged = mergeSummaries(shards.map((s, i) => ({ ...s, shard: { index: i + 1, count: 2 } })));
    expect(merged.properties[0]?.invariants).toEqual(whole.properties[0]?.invariants);
    expect(merged.properties[0]?.warnings).toEqual(whole.properties[0]?.warnings);
  }, 120_000);
});
