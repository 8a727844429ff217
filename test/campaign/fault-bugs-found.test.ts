import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../src/core/faults/fault.ts';
import type { Property } from '../../src/core/model/property.ts';
import { executeRun, runCampaign } from '../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';
import { CLIENT_BUGS, type ClientBug } from '../../src/domains/trading/transport/client-bugs.ts';
import { type BugName, PLANTED_BUGS } from '../../src/exchange/bugs/planted-bugs.ts';

const chaos = tradingPack.properties.find((p) => p.name === 'chaos-recovery')!;

/** Bugs that only faults bring out: a crash of the venue, or a client that mishandles chaos. */
const CASES: { bug: string; invariant: string; venue?: BugName; client?: ClientBug }[] = [
  ...PLANTED_BUGS.filter((b) => b.needs !== 'trading').map((b) => ({
    bug: b.name,
    invariant: b.invariant,
    venue: b.name as BugName,
  })),
  ...CLIENT_BUGS.map((b) => ({ bug: b.name, invariant: b.invariant, client: b.name as ClientBug })),
];

/**
 * With every fault kind mixed into the sequence, a bounded in-process campaign checking only
 * the invariant a bug names finds it, shrinks it, and the shrunk run (faults included)
 * replays to the same events and verdict: faults are data and replay exactly.
 */
describe('bugs that need faults are found by the invariant that names them', () => {
  it.each(CASES.map((c) => [c.bug, c.invariant, c]))(
    '%s is caught by %s',
    async (bug, invariant, c) => {
      const property: Property<TradingAction> = { ...chaos, invariants: [invariant], sometimes: undefined };
      const factory = inprocTargetFactory({
        ...(c.venue ? { bugs: [c.venue] } : {}),
        ...(c.client ? { clientBugs: [c.client] } : {}),
      });
      const result = await runCampaign<TradingAction>({
        properties: [property],
        invariants: tradingPack.invariants,
        projection: tradingPack.projection,
        clients: tradingPack.clients,
        factory: factory as never,
        seed: 1,
        runs: 300,
        // A count, not the default 10,000: with seed 1 every case but ack_before_journal shrinks
        // all the way within 1,000 candidates (the same counterexample as the default gives), and
        // ack_before_journal reaches its 11 actions within 100 (it then spends the rest shrinking
        // values inside them, 6 s of CPU, measured).
        shrinkAttempts: 1_000,
        timeBudgetMs: 600_000,
        now: () => performance.now(),
      });
      const failure = result.properties[0].failure;
      expect(failure, `${bug} was not found in ${result.runs} runs`).toBeDefined();
      // ack_before_journal needs an acknowledged place, a crash before its journal write and a look
      // after the restart, amid the chaos property's other steps: 11 actions once shrunk.
      expect(failure!.report.actions.length).toBeLessThanOrEqual(12);
      const violations = failure!.report.verdict.status === 'fail' ? failure!.report.verdict.violations : [];
      expect(violations.map((v) => v.invariant)).toContain(invariant);

      const again = await executeRun(factory as never, failure!.report.actions, {
        clients: tradingPack.clients,
        projection: tradingPack.projection,
        invariants: tradingPack.invariants.filter((i) => i.name === invariant),
        settings: { maxActions: 40, requestTimeoutMs: 1000, quietMs: 50 },
      });
      expect(again.verdict).toEqual(failure!.report.verdict);
      expect(JSON.stringify(again.evidence.events)).toBe(JSON.stringify(failure!.report.evidence.events));
      expect(JSON.stringify(again.evidence.extra.faults)).toBe(
        JSON.stringify(failure!.report.evidence.extra.faults),
      );
    },
    120_000,
  );
});

describe('the clean exchange and client under every fault kind', () => {
  it('pass 400 in-process runs of chaos-recovery, every fault kind firing', async () => {
    const result = await runCampaign<TradingAction>({
      properties: [chaos],
      invariants: tradingPack.invariants,
      projection: tradingPack.projection,
      clients: tradingPack.clients,
      factory: inprocTargetFactory() as never,
      seed: 20261122,
      runs: 400,
      timeBudgetMs: 300_000,
      now: () => performance.now(),
    });
    const outcome = result.properties[0];
    const failure = outcome.failure?.report.verdict;
    expect(failure, JSON.stringify(failure)).toBeUndefined();
    expect(outcome.runs).toBe(400);
    expect(outcome.unfired).toBeUndefined();
    expect(outcome.passed).toBe(true);
    for (const kind of outcome.faultKinds) expect(result.faults[kind], kind).toBeGreaterThan(0);
    expect(outcome.faultKinds).toEqual([...FAULT_KINDS]);
  }, 300_000);

  it('fail a campaign whose required faults never fired, and say which', async () => {
    // A property that requires a kind its runs never generate: the sometimes assertion fails.
    const never: Property<TradingAction> = {
      ...chaos,
      name: 'never-fires',
      faults: ['frame.drop'],
      sometimes: ['frame.drop', 'process.crash_restart'],
    };
    const result = await runCampaign<TradingAction>({
      properties: [never],
      invariants: tradingPack.invariants,
      projection: tradingPack.projection,
      clients: tradingPack.clients,
      factory: inprocTargetFactory() as never,
      seed: 3,
      runs: 30,
      timeBudgetMs: 600_000,
      requireFaults: ['clock.jump'],
      now: () => performance.now(),
    });
    const outcome = result.properties[0];
    expect(outcome.passed).toBe(false);
    expect(outcome.unfired).toEqual(['process.crash_restart']);
    expect(outcome.faults['frame.drop']).toBeGreaterThan(0);
    expect(result.unfired).toEqual(['clock.jump']);
  }, 60_000);
});
