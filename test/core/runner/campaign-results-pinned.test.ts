import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Property } from '../../../src/core/model/property.ts';
import { type CampaignResult, runCampaign } from '../../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';

/**
 * The results of fixed-seed in-process campaigns, pinned byte for byte in a file beside this
 * one: run and action counts, verdicts, each invariant's checked/vacuous tally, faults fired,
 * virtual-time latency, the surface exercised, and for a planted bug the failing run, its
 * shrunk actions, its violations and a digest of its recorded events. Work on the run loop
 * (recording, scheduling, the invariants' shared views) must leave all of it unchanged: any
 * difference fails here. The files were written before that work; they are compared as JSON
 * (a formatter may re-indent them). `PIN_UPDATE=1` rewrites them: only when a change of
 * results is intended and explained. A missing file fails.
 */

const property = (name: string): Property<TradingAction> => {
  const found = tradingPack.properties.find((p) => p.name === name);
  if (!found) throw new Error(`no property ${name}`);
  return found;
};

async function campaign(name: string, seed: number, runs: number, bugs: string[] = []) {
  return runCampaign<TradingAction>({
    properties: [property(name)],
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: inprocTargetFactory({ bugs: bugs as never }) as never,
    seed,
    runs,
    // Counts bound the work, never the clock: the same results on a loaded machine.
    timeBudgetMs: 600_000,
    shrinkAttempts: 400,
    now: () => performance.now(),
  });
}

/** The result equals the pinned one (or, with PIN_UPDATE=1, becomes it). */
function expectPinned(name: string, result: unknown): void {
  const file = new URL(`./pinned/${name}.json`, import.meta.url);
  const actual = JSON.parse(JSON.stringify(result)) as unknown;
  if (process.env.PIN_UPDATE === '1') {
    writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    return;
  }
  expect(existsSync(file), `${name}.json is missing (PIN_UPDATE=1 writes it)`).toBe(true);
  expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
}

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** Everything a campaign decided, without wall-clock figures. */
function pinned(result: CampaignResult<TradingAction>): unknown {
  return {
    runs: result.runs,
    actions: result.actions,
    faults: result.faults,
    exercised: result.exercised,
    latency: result.latency,
    properties: result.properties.map(({ durationMs: _, failure, failures, ...outcome }) => ({
      ...outcome,
      failures: (failures ?? (failure ? [failure] : [])).map((f) => ({
        path: f.path,
        runIndex: f.runIndex,
        shrinks: f.shrinks,
        signature: f.signature,
        actions: f.report.actions,
        verdict: f.report.verdict,
        results: f.report.results,
        history: digest(f.report.evidence.history),
        events: digest(f.report.evidence.events),
        eventCount: f.report.evidence.events.length,
      })),
    })),
  };
}

describe('fixed-seed campaigns give the results pinned before the run loop was optimized', () => {
  it('trading-venue, clean venue, every invariant and the oracle', async () => {
    const result = await campaign('trading-venue', 20261207, 60);
    expect(result.properties[0].passed).toBe(true);
    expectPinned('trading-venue-clean', pinned(result));
  }, 60_000);

  it('chaos-recovery, clean venue, its faults mixed in', async () => {
    const result = await campaign('chaos-recovery', 20261207, 40);
    expect(result.properties[0].passed).toBe(true);
    expectPinned('chaos-recovery-clean', pinned(result));
  }, 60_000);

  // Caught by the funds checks, by six invariants at once, and by the oracle.
  it.each(['reserve_leak_on_cancel', 'duplicate_fill_on_resync', 'fok_expires_when_coverable'])(
    'trading-venue with the planted bug %s: found, shrunk and judged the same',
    async (bug) => {
      const result = await campaign('trading-venue', 1, 200, [bug]);
      expect(result.properties[0].failure).toBeDefined();
      expectPinned(`trading-venue-${bug}`, pinned(result));
    },
    60_000,
  );
});
