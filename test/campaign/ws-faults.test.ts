import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, type FaultKind } from '../../src/core/faults/fault.ts';
import type { Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { Property } from '../../src/core/model/property.ts';
import type { TargetFactory } from '../../src/core/model/target.ts';
import { runCampaign } from '../../src/core/runner/campaign.ts';
import { LanePool } from '../../src/core/runner/lane-pool.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';
import { CLIENT_BUGS } from '../../src/domains/trading/transport/client-bugs.ts';
import { PLANTED_BUGS } from '../../src/exchange/bugs/planted-bugs.ts';

/**
 * The in-process chaos tests (fault-bugs-found.test.ts) again, over real sockets: clients dial
 * a chaos proxy on 127.0.0.1 in front of the reference exchange, and with process kinds the
 * exchange runs as `shakedown serve` in a child process (a crash is a real SIGKILL, a restart
 * recovers from the journal on disk). Wall time is real here, but what a test needs (a fault
 * to fire, a bug to be found) is bounded by a run count, never by a wall-clock window: on a
 * loaded machine the same runs take longer, and the campaign must still get all of them. The
 * time budget is only a backstop far above what the runs take. Nothing is asserted about
 * shrinking (not deterministic over a network): the in-process tests cover that.
 *
 * The runs go on lanes, as `shakedown run --target ws --concurrency N` runs them: each lane
 * its own venue (its own server and chaos proxy, and with process kinds its own `serve` child
 * process), so a crash or a cut on one lane never reaches another lane's runs. The seeds and
 * run counts are those of one run at a time, and give the same verdicts: the campaign folds
 * the lanes' judgements in generation order and stops at the first failing run.
 */

/**
 * Lanes for the clean campaign: DEFAULT_EMBEDDED_CONCURRENCY_WITH_PROCESSES, its 40 runs 5 per
 * lane. Each lane starts its own venue, and with process kinds its own `serve` child (about half a
 * second of CPU each), but the campaign waits far more than it computes: on an idle machine 8
 * lanes took 15 s and 4 lanes 24 s, for about 1 s more CPU, and this campaign is the file's
 * longest test now that the bug hunts run beside it.
 */
const CLEAN_LANES = 8;
/**
 * Lanes for a bug hunt: the bugs show in the first runs (ack_before_journal, the latest, at
 * run 8 of seed 1), so more lanes would start venues for nothing. Two, not one: a crash or a
 * cut on one lane still happens while the other lane's run is in flight.
 */
const BUG_LANES = 2;

/**
 * A backstop, not a bound the tests rely on: the run counts decide how much each campaign
 * does, and on an idle machine they take 10-30 s. The test's own timeout sits above it.
 */
const BACKSTOP_MS = 240_000;
const TEST_TIMEOUT_MS = BACKSTOP_MS + 60_000;

const chaos = tradingPack.properties.find((p) => p.name === 'chaos-recovery')!;

/** Link faults only: no child process to start, so the campaign starts at once. */
const LINK: FaultKind[] = ['connection.reset', 'connection.close', 'frame.drop'];

/**
 * The fault kinds mixed in to provoke each bug quickly (each measured to find its bug in the
 * first runs over several seeds). A bug missing here gets every kind, the child process included.
 */
const PROVOKE: Record<string, FaultKind[]> = {
  duplicate_fill_on_resync: LINK,
  // Only a crash between an acknowledgement and the journal write shows it: the child process.
  ack_before_journal: ['process.crash_restart'],
  // A forged 5xx after the place went through: the client retries a place that executed.
  retry_fresh_client_order_id: ['response.error_5xx'],
  ignore_retry_after: ['response.reject_429'],
  no_backoff: ['connection.close', 'connection.reset'],
  // The ghost fill: cut while resting, filled meanwhile, never caught up.
  reconnect_without_catch_up: ['connection.close', 'connection.reset'],
};

/**
 * Not found reliably over ws within the bounds below. seq_gap_after_resync only shows on a
 * requested reconnect in resume mode that missed events, a race a real socket rarely loses
 * (about 1 run in 20 over ws, faults or not; some seeds find nothing in 50 runs). And when the
 * replay misses two or more events of a stream, the reference client notices the gap while its
 * reconnect is still under way, never resyncs it, and the run waits out the 30 s settle bound.
 */
const UNRELIABLE_OVER_WS: Record<string, string> = {
  seq_gap_after_resync: 'a rare race over real sockets, and a failing run can wait 30 s to settle',
};

/** Bugs that only faults bring out: a crash of the venue, or a client that mishandles chaos. */
const CASES: { bug: string; invariant: string; faults: FaultKind[] | 'all' }[] = [
  ...PLANTED_BUGS.filter((b) => b.needs !== 'trading').map((b) => ({ bug: b.name, invariant: b.invariant })),
  ...CLIENT_BUGS.map((b) => ({ bug: b.name, invariant: b.invariant })),
].map((c) => ({ ...c, faults: PROVOKE[c.bug] ?? 'all' }));

/**
 * The invariants, with `name` watched: what it reported on each run it checked, by the run's
 * actions. A failure that does not reproduce when re-executed (a network is not deterministic)
 * still shows which invariant failed the run that found it.
 */
function watching(name: string): {
  invariants: Invariant[];
  reportedOn: (generated: readonly unknown[]) => Violation[];
} {
  // Runs on lanes are checked in completion order, not generation order (the last run checked
  // may be another lane's): what the invariant reported is kept by the run's actions, and
  // looked up by the failing run's.
  const reported = new Map<string, Violation[]>();
  const invariants = tradingPack.invariants.map((i) =>
    i.name === name
      ? {
          ...i,
          check: (evidence: Parameters<Invariant['check']>[0]) => {
            const violations = i.check(evidence as Parameters<typeof i.check>[0]);
            reported.set(JSON.stringify(evidence.actions), violations);
            return violations;
          },
        }
      : i,
  );
  return { invariants, reportedOn: (generated) => reported.get(JSON.stringify(generated)) ?? [] };
}

/** The runs of a campaign on `lanes` lanes, each lane its own embedded venue built as `options` say. */
function lanesOver(
  lanes: number,
  options: Parameters<typeof tradingPack.targetFactory>[1],
  invariants: readonly Invariant[],
): LanePool<TradingAction> {
  return new LanePool<TradingAction>({
    lanes,
    laneFactory: async () =>
      (await tradingPack.targetFactory({ kind: 'embedded-ws' }, options)) as TargetFactory<TradingAction>,
    clients: tradingPack.clients,
    projection: tradingPack.projection,
    invariants,
    describeAction: tradingPack.describeAction,
  });
}

// Concurrent: each test waits on its own venues (servers, chaos proxies, `serve` children) far
// more than it computes, and shares nothing with another; their verdicts are bounded by run
// counts, so running them side by side changes how long they wait, not what they find.
describe.concurrent('faults over WebSocket', () => {
  it(
    'the clean venue and client pass chaos-recovery over ws, every supported fault kind firing',
    async () => {
      const options = { bugs: [], seed: 20261122, faults: 'all' } as const;
      const factory = await tradingPack.targetFactory({ kind: 'embedded-ws' }, options);
      const pool = lanesOver(CLEAN_LANES, options, tradingPack.invariants);
      try {
        // Everything but the clock: a venue in another process has its own.
        expect(factory.faultKinds).toEqual(FAULT_KINDS.filter((k) => k !== 'clock.jump'));
        const result = await runCampaign<TradingAction>({
          properties: [chaos],
          invariants: tradingPack.invariants,
          projection: tradingPack.projection,
          clients: tradingPack.clients,
          factory: factory as never,
          seed: 20261122,
          runs: 40,
          timeBudgetMs: BACKSTOP_MS,
          shrinkBudgetMs: 5_000,
          now: () => performance.now(),
          pool,
        });
        const outcome = result.properties[0];
        const failure = outcome.failure?.report.verdict;
        expect(failure, JSON.stringify(failure)).toBeUndefined();
        expect(outcome.unknown, JSON.stringify(outcome.unknown)).toBeUndefined();
        expect(outcome.runs).toBeGreaterThan(0);
        expect(outcome.faultKinds).toEqual([...(factory.faultKinds ?? [])]);
        for (const kind of factory.faultKinds ?? [])
          expect(result.faults[kind] ?? 0, kind).toBeGreaterThan(0);
        expect(outcome.unfired).toBeUndefined();
        expect(outcome.passed).toBe(true);
        // Every run went: none was cut by the backstop.
        expect(outcome.runs).toBe(40);
        expect(pool.peakInFlight()).toBe(CLEAN_LANES);
      } finally {
        await pool.close();
        await factory.dispose?.();
      }
    },
    TEST_TIMEOUT_MS,
  );

  for (const c of CASES) {
    const unreliable = UNRELIABLE_OVER_WS[c.bug];
    it.skipIf(unreliable !== undefined)(
      `${c.bug} is caught by ${c.invariant} over ws${unreliable ? ` (skipped: ${unreliable})` : ''}`,
      async () => {
        const property: Property<TradingAction> = {
          ...chaos,
          invariants: [c.invariant],
          sometimes: undefined,
        };
        const watched = watching(c.invariant);
        const options = { bugs: [c.bug], seed: 1, faults: c.faults };
        const factory = await tradingPack.targetFactory({ kind: 'embedded-ws' }, options);
        const pool = lanesOver(BUG_LANES, options, watched.invariants);
        try {
          let found: Violation[] | undefined;
          const result = await runCampaign<TradingAction>({
            properties: [property],
            invariants: watched.invariants,
            projection: tradingPack.projection,
            clients: tradingPack.clients,
            factory: factory as never,
            seed: 1,
            runs: 60,
            timeBudgetMs: BACKSTOP_MS,
            // Shrinking over a network is not deterministic: a short bound, nothing asserted.
            shrinkBudgetMs: 1_000,
            faults: c.faults,
            now: () => performance.now(),
            pool,
            onRun: ({ failed, generated }) => {
              if (failed && found === undefined) found = watched.reportedOn(generated);
            },
          });
          const failure = result.properties[0].failure;
          expect(failure, `${c.bug} was not found in ${result.runs} runs over ws`).toBeDefined();
          // The run that found it failed on the invariant that names the bug.
          expect((found ?? []).map((v) => v.invariant)).toContain(c.invariant);
          // Re-executed after shrinking, it may pass (the race went the other way), but when it
          // fails again, it is for the same reason.
          const verdict = failure!.report.verdict;
          if (verdict.status === 'fail')
            expect(verdict.violations.map((v) => v.invariant)).toContain(c.invariant);
        } finally {
          await pool.close();
          await factory.dispose?.();
        }
      },
      TEST_TIMEOUT_MS,
    );
  }
});
