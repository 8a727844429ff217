import { runScenarioCampaign } from '../../src/core/scenario/scenario-campaign.ts';
import { TRADING_SCENARIOS } from '../../src/domains/trading/scenarios/index.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';
import type { Attempt } from './attempt.ts';
import type { BenchSettings } from './settings.ts';

export interface CatalogAttempt extends Attempt {
  /** Every scenario that failed before the budget ran out, in catalog order. */
  failing: string[];
  /** Scenarios run (all of them unless the budget ran out). */
  ran: number;
  /** Set when a second pass failed other scenarios: the catalog was not deterministic. */
  unstable?: string[];
}

/**
 * The fixed catalog, as `shakedown run --scenario all` runs it: every scenario in order on a
 * fresh in-process target. Scenarios are handed over one at a time so the budget can end the
 * attempt between two of them; runScenarioCampaign runs each exactly as it would in the list.
 */
export async function catalogAttempt(
  bug: string | undefined,
  settings: BenchSettings,
): Promise<CatalogAttempt> {
  const factory = await tradingPack.targetFactory(
    { kind: 'inproc' },
    { bugs: bug === undefined ? [] : [bug], seed: 1, faults: 'all' },
  );
  const started = performance.now();
  const failing: string[] = [];
  let first: { ms: number; scenario: string; actions: number; invariants: string[] } | undefined;
  let ran = 0;
  try {
    for (const scenario of TRADING_SCENARIOS) {
      if (performance.now() - started >= settings.budgetMs) break;
      const result = await runScenarioCampaign(factory, [scenario], {
        clients: tradingPack.clients,
        projection: tradingPack.projection,
        invariants: tradingPack.invariants,
        seed: 1,
        now: () => performance.now(),
      });
      ran++;
      const failure = result.properties[0]?.failure;
      if (!failure) continue;
      failing.push(scenario.name);
      const verdict = failure.report.verdict;
      first ??= {
        ms: performance.now() - started,
        scenario: scenario.name,
        actions: (failure.report.actions as TradingAction[]).length,
        invariants: verdict.status === 'fail' ? [...new Set(verdict.violations.map((v) => v.invariant))] : [],
      };
    }
  } finally {
    await factory.dispose?.();
  }
  const wallMs = performance.now() - started;
  if (first === undefined) return { found: false, totalRuns: ran, wallMs, failing, ran };
  return {
    found: true,
    runs: TRADING_SCENARIOS.findIndex((s) => s.name === first?.scenario) + 1,
    ms: first.ms,
    shrunk: first.actions,
    by: first.scenario,
    invariants: first.invariants,
    totalRuns: ran,
    wallMs,
    failing,
    ran,
  };
}
