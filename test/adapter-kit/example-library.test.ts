import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import makeTarget, { type LimitbookOptions } from '../../examples/book-library/adapter.ts';
import { BUGS, type BugName } from '../../examples/book-library/limitbook/index.js';
import type { Property } from '../../src/core/model/property.ts';
import { runCampaign } from '../../src/core/runner/campaign.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';
import { shakedown, tempDirs } from '../support/cli.ts';

/**
 * The worked example of docs/adapters.md, "A system that does not speak the reference
 * protocol": limitbook (a third-party order-book library, examples/book-library/limitbook)
 * behind a 150-line adapter on the adapter kit. The clean library passes every property of the
 * trading pack, with the invariants its capabilities leave and the others reported skipped; each
 * of the library's old bugs, switched on alone, is found by the stock trading-venue property.
 * Everything runs on virtual time, with budgets far above what the runs take, so a slow machine
 * changes nothing.
 */

const venue = tradingPack.properties.find((p) => p.name === 'trading-venue')!;

function campaign(
  options: LimitbookOptions,
  properties: readonly Property<TradingAction>[],
  runs: number,
  seed = 1,
) {
  return runCampaign<TradingAction>({
    properties,
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: makeTarget(options) as never,
    seed,
    runs,
    // A count, not a time: the same seed shrinks the same on any machine.
    shrinkAttempts: 1_000,
    timeBudgetMs: 900_000,
    now: () => performance.now(),
  });
}

/**
 * The bug the command-line test below finds (seed 1, within 100 runs, named by orders.flags and
 * shrunk to at most 15 actions, what an in-process search of it here checked): searched once
 * for the file, through the CLI, not a second time in process.
 */
const FOUND_BY_THE_CLI = 'ioc-rests' satisfies BugName;
type InProcessBug = Exclude<BugName, typeof FOUND_BY_THE_CLI>;

/** Each other bug, the invariant that must name it, and a seed and a cap on the runs to find it in. */
const FOUND_BY: Record<InProcessBug, { invariant: string; seed: number; within: number }> = {
  'partial-fill-remaining': { invariant: 'orders.quantities', seed: 1, within: 300 },
  'cancel-leaves-level': { invariant: 'book.depth-matches-orders', seed: 1, within: 300 },
  // The stock mix rarely amends an order down while another waits behind it and a taker then
  // reaches that level: hundreds of runs on most seeds (docs/adapters.md has the figures). Seed 8
  // finds it at its 82nd run here (seeds 1-21 in process: only 4 and 8 within 150 runs), so the
  // search costs a sixth of seed 9's 545 runs; the cap stays far above, as before.
  'amend-requeues': { invariant: 'book.price-time-priority', seed: 8, within: 3_000 },
  'float-dust': { invariant: 'orders.quantities', seed: 1, within: 300 },
};

describe('limitbook behind the adapter kit', () => {
  it('the clean library passes every property, and what its capabilities exclude is reported skipped', async () => {
    const result = await campaign(
      { bugs: [] },
      tradingPack.properties.filter((p) => !p.optIn),
      200,
    );
    for (const outcome of result.properties) {
      expect(
        outcome.failure?.report.verdict,
        `${outcome.property}: ${JSON.stringify(outcome.failure?.report.verdict)}`,
      ).toBeUndefined();
      expect(outcome.unknown).toBeUndefined();
      expect(outcome.runs).toBe(200);
    }
    const main = result.properties.find((p) => p.property === 'trading-venue')!;
    const skipped = new Map((main.skippedInvariants ?? []).map((s) => [s.invariant, s]));
    // No accounts, no margin, no self-trade prevention, no journal, no venue seq numbers: skipped, by name and why.
    expect(skipped.get('funds.conservation')?.missing).toContain('accounts');
    expect(skipped.get('ledger.equity')?.missing).toEqual(expect.arrayContaining(['accounts', 'margin']));
    expect(skipped.get('trades.no-self-trade')?.missing).toContain('stp');
    expect(skipped.get('durability.journal-replay')?.missing).toContain('journal');
    expect(skipped.get('streams.gapless')?.missing).toContain('stream-seq');
    for (const s of skipped.values()) expect(s.reason).toMatch(/^missing: /);
    // ...and never among the checked ones, which examined real orders, fills and levels.
    const checked = new Map((main.invariants ?? []).map((c) => [c.name, c]));
    for (const name of skipped.keys()) expect(checked.has(name), name).toBe(false);
    for (const name of [
      'orders.quantities',
      'orders.lifecycle',
      'orders.flags',
      'book.price-time-priority',
      'book.depth-matches-orders',
      'trades.both-sides',
    ]) {
      expect(checked.get(name)?.checkedRuns ?? 0, name).toBeGreaterThan(150);
    }
  }, 900_000);

  it.each((Object.keys(BUGS) as BugName[]).filter((bug): bug is InProcessBug => bug !== FOUND_BY_THE_CLI))(
    'finds %s on its own',
    async (bug) => {
      const { invariant, seed, within } = FOUND_BY[bug];
      const result = await campaign({ bugs: [bug] }, [venue], within, seed);
      const failure = result.properties[0].failure;
      expect(failure, `${bug} not found in ${within} runs`).toBeDefined();
      const verdict = failure!.report.verdict;
      const names = verdict.status === 'fail' ? verdict.violations.map((v) => v.invariant) : [];
      expect(names, JSON.stringify(verdict)).toContain(invariant);
      // Shrunk to the few actions that show it.
      expect(failure!.report.actions.length).toBeLessThanOrEqual(15);
    },
    900_000,
  );

  it('runs from the command line, finds ioc-rests on its own, saves the failure, and the replay rebuilds the buggy library on its own', () => {
    const out = tempDirs('shakedown-kit-')();
    const run = shakedown(
      [
        'run',
        '--target',
        './examples/book-library/adapter.ts',
        '--property',
        'trading-venue',
        '--seed',
        '1',
        '--runs',
        '100',
        // Far above what 100 runs on virtual time take: the run count ends it, not the clock.
        '--time-budget',
        '10m',
        '--out',
        out,
        '--json',
        '--log-level',
        'warn',
      ],
      { env: { LIMITBOOK_BUGS: FOUND_BY_THE_CLI }, timeoutMs: 300_000 },
    );
    expect(run.status, run.stderr).toBe(1);
    const summary = JSON.parse(run.stdout) as {
      properties: { name: string; skippedInvariants?: { invariant: string; reason: string }[] }[];
      failures: { replayFile: string; actions: number; violations: { invariant: string }[] }[];
    };
    // Found on its own by the stock trading-venue property, named by its invariant, and shrunk
    // to the few actions that show it (the CLI's own shrink count for an adapter).
    expect(summary.failures[0].violations.map((v) => v.invariant)).toContain('orders.flags');
    expect(summary.failures[0].actions).toBeLessThanOrEqual(15);
    const skipped = summary.properties[0].skippedInvariants ?? [];
    expect(skipped.find((s) => s.invariant === 'funds.conservation')?.reason).toBe('missing: accounts');
    const [file] = readdirSync(out);
    // The bug switch was an adapter option: the replay file recorded it, no environment needed.
    const replay = shakedown(['replay', join(out, file)], {
      env: { LIMITBOOK_BUGS: '' },
      timeoutMs: 120_000,
    });
    expect(replay.status, replay.stderr).toBe(1);
    expect(replay.stdout).toContain('[orders.flags]');
  }, 600_000);
});
