// Measures how soon a campaign against the grid bot as a process finds each planted bug the
// process tests hold it to, over seeds 1 to 5 (at most 20 runs each, no shrinking). Not a test:
//   node --import ./bin/register-ts.mjs test/domains/bots/process/support/measure-bug-finding.ts
import { BOTS_INVARIANTS } from '../../../../../invariants/bots/index.ts';
import { ghostFills, rateLimits } from '../../../../../properties/bots/index.ts';
import type { FaultKind } from '../../../../../src/core/faults/fault.ts';
import type { Invariant } from '../../../../../src/core/model/invariant.ts';
import { runCampaign } from '../../../../../src/core/runner/campaign.ts';
import { BOTS_CLIENTS, type BotAction } from '../../../../../src/domains/bots/bot-action.ts';
import { botsProjection } from '../../../../../src/domains/bots/bots-projection.ts';
import { processSubjectFactory } from '../../../../../src/domains/bots/process/process-subject-factory.ts';
import { REPO } from './process-campaign.ts';

const CASES: { bug: string; property: typeof ghostFills; faults: FaultKind[] }[] = [
  { bug: 'no_boot_reconciliation', property: ghostFills, faults: [] },
  { bug: 'retry_at_once_after_429', property: rateLimits, faults: ['response.reject_429'] },
];

for (const c of CASES) {
  console.log(c.bug);
  for (const seed of [1, 2, 3, 4, 5]) {
    let caughtBy: string | undefined;
    const invariants = BOTS_INVARIANTS.map((i) => ({
      ...i,
      check: (evidence: never, tally?: Parameters<Invariant['check']>[1]) => {
        const found = i.check(evidence, tally);
        if (found.length > 0) caughtBy ??= found[0].invariant;
        return found;
      },
    }));
    const factory = processSubjectFactory(
      { kind: 'command', command: 'node examples/grid-bot/main.js' },
      { bugs: [c.bug], seed, faults: c.faults },
      { cwd: REPO, env: { ...process.env, GRID_BOT_BUGS: '' } },
    );
    const started = performance.now();
    const result = await runCampaign<BotAction>({
      properties: [{ ...c.property, sometimes: undefined }],
      invariants: invariants as Invariant[],
      projection: botsProjection as never,
      clients: BOTS_CLIENTS,
      factory: factory as never,
      seed,
      runs: 20,
      timeBudgetMs: 300_000,
      shrinkAttempts: 0,
      faults: c.faults,
      now: () => performance.now(),
    });
    const failure = result.properties[0].failure;
    const ms = Math.round(performance.now() - started);
    console.log(
      `  seed ${seed}: ${failure ? `found at run ${failure.runIndex + 1} by ${caughtBy}` : 'not found in 20 runs'} (${ms} ms)`,
    );
  }
}
