import { describe, it } from 'vitest';
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
 * Both campaigns run at once (each run has its own venue, proxy, relay, state directory and
 * process, so neither sees the other's). Their runs go one at a time, not on lanes: each seed
 * finds its bug at its first run, so a lane pool would only start runs the campaign then drops,
 * and the shrinking and the replay after it are one at a time anyway.
 */
describe.concurrent('the grid bot as a process, with a planted bug', () => {
  it(
    'catches the ghost fill of no_boot_reconciliation with bots.reconciliation',
    async ({ expect }) => {
      const { result, tally } = await runProcessCampaign({
        command: COMMAND,
        property: ghostFills,
        runs: 20,
        seed: 1,
        bugs: ['no_boot_reconciliation'],
      });
      const failure = result.properties[0].failure;
      expect(failure, `not found in ${tally.runs} runs`).toBeDefined();
      // The run that found it failed on the invariant that names the bug.
      expect((tally.firstFailure ?? []).map((v) => v.invariant)).toContain('bots.reconciliation');
      console.info(
        `no_boot_reconciliation found at run ${(failure?.runIndex ?? 0) + 1} (${tally.runs} runs with shrinking)`,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'catches retry_at_once_after_429 with bots.backoff-after-429',
    async ({ expect }) => {
      const { result, tally } = await runProcessCampaign({
        command: COMMAND,
        property: rateLimits,
        runs: 20,
        seed: 1,
        bugs: ['retry_at_once_after_429'],
        faults: ['response.reject_429'],
      });
      const failure = result.properties[0].failure;
      expect(failure, `not found in ${tally.runs} runs`).toBeDefined();
      expect((tally.firstFailure ?? []).map((v) => v.invariant)).toContain('bots.backoff-after-429');
      // And not only a send that crossed the 429 on the wire: the very request, retried at once.
      expect(tally.evidence.flatMap((e) => retriesAfter429(e).early).length).toBeGreaterThan(0);
      console.info(
        `retry_at_once_after_429 found at run ${(failure?.runIndex ?? 0) + 1} (${tally.runs} runs with shrinking)`,
      );
    },
    TEST_TIMEOUT_MS,
  );
});
