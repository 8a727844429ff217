import { describe, it } from 'vitest';
import { BOTS_INVARIANTS } from '../../../../invariants/bots/index.ts';
import { ghostFills, rateLimits } from '../../../../properties/bots/index.ts';
import { retriesAfter429, runProcessCampaign, TEST_TIMEOUT_MS } from './support/process-campaign.ts';

/**
 * The grid bot (examples/grid-bot/bot.ts) as a process: `node examples/grid-bot/main.js`,
 * started by shakedown with the venue (through the chaos proxy) in its environment, killed
 * with SIGKILL and started again on the same state directory. How much each campaign does is
 * a run count; the time budget is only a backstop far above it.
 */
const COMMAND = 'node examples/grid-bot/main.js';
/**
 * Runs at once, each on a lane with its own venue, proxy, relay, state directory and process:
 * the runs wait on sockets, processes and the real clock, not on the CPU. Same seeds and run
 * counts as one at a time; the pool folds the runs in generation order.
 */
const GHOST_LANES = 3;
/**
 * One: rate-limits judges backoff on the real clock within a declared wire skew, and runs at
 * once on a loaded machine once failed a correct bot there; one at a time, it never has.
 */
const RATE_LANES = 1;

describe('the grid bot as a process', () => {
  it(
    'passes ghost-fills clean, killed and restarted, with nothing bad on its control channel',
    async ({ expect }) => {
      const { result, tally, peak } = await runProcessCampaign({
        command: COMMAND,
        property: ghostFills,
        runs: 6,
        seed: 7,
        lanes: GHOST_LANES,
      });
      const outcome = result.properties[0];
      expect(outcome.failure?.report.verdict, JSON.stringify(tally.firstFailure)).toBeUndefined();
      expect(outcome.unknown, JSON.stringify(outcome.unknown)).toBeUndefined();
      expect(outcome.runs).toBe(6);
      // The lanes were used: that many runs were in flight at once.
      expect(peak).toBe(GHOST_LANES);
      // Restarts really happened: SIGKILLed processes, started again.
      expect(tally.kills).toBeGreaterThan(0);
      expect(tally.starts).toBeGreaterThan(tally.runs);
      expect(tally.problems).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'passes rate-limits clean: 429s and 5xx from the chaos proxy, each order executed once',
    async ({ expect }) => {
      const faults = ['response.reject_429', 'response.error_5xx'] as const;
      const { result, tally, peak } = await runProcessCampaign({
        command: COMMAND,
        property: rateLimits,
        runs: 4,
        seed: 11,
        lanes: RATE_LANES,
        faults: [...faults],
        // Every rule, bots.backoff-after-429 included: a send that crossed the 429 on the wire is
        // told apart by the wire skew (WIRE_SKEW_MS), a retry of the answered request never is.
        invariants: BOTS_INVARIANTS.map((i) => i.name),
      });
      const outcome = result.properties[0];
      expect(outcome.failure?.report.verdict, JSON.stringify(tally.firstFailure)).toBeUndefined();
      expect(outcome.unknown, JSON.stringify(outcome.unknown)).toBeUndefined();
      expect(outcome.runs).toBe(4);
      expect(peak).toBe(RATE_LANES);
      // The proxy really answered in the venue's name, and retries had something to prove.
      expect(result.faults['response.reject_429'] ?? 0).toBeGreaterThan(0);
      expect(result.faults['response.error_5xx'] ?? 0).toBeGreaterThan(0);
      expect(
        outcome.invariants?.find((i) => i.name === 'bots.no-duplicate-execution')?.examined ?? 0,
      ).toBeGreaterThan(0);
      // It waited every retry-after before it sent a rate-limited request again (and it did retry).
      const retries = tally.evidence.map(retriesAfter429);
      expect(retries.flatMap((r) => r.early)).toEqual([]);
      expect(retries.reduce((n, r) => n + r.judged, 0)).toBeGreaterThan(0);
    },
    TEST_TIMEOUT_MS,
  );
});
