/**
 * A soak counted in runs, not seconds, reading the live heap after a full collection: what
 * test/cli/soak.test.ts runs in a child process of its own, so that nothing of the test
 * process is in the readings (`node --expose-gc --import ./bin/register-ts.mjs` this file).
 *
 * It soaks as `shakedown soak` does, with the command's own parts (the trading pack's
 * in-process target, each run after a turn of the event loop, the campaign parts and the
 * default properties with their faults) and runSoak's own rounds, warm-up and trend, except:
 * the clock moves RUN_MS per run, so the duration, the warm-up and the sampling are counts of
 * runs, the same on any machine however loaded; and the memory reading is the heap in use
 * plus external memory after `gc()`, where RSS is a GC sawtooth 65-70 MB high.
 *
 * Argument: a JSON object { roundRuns, rounds, warmupRounds, sampleEveryRuns, seed }.
 * Prints runSoak's result figures as JSON on stdout.
 */
import { yieldingBetweenRuns } from '../../src/cli/interrupt.ts';
import { faultsOfProperties } from '../../src/cli/options/fault-selection.ts';
import { campaignPartsOf } from '../../src/cli/pack-parts.ts';
import type { ActionBase } from '../../src/core/model/action.ts';
import type { AnyDomainPack } from '../../src/core/model/domain-pack.ts';
import { runCampaign } from '../../src/core/runner/campaign.ts';
import { runSoak } from '../../src/core/soak/soak-loop.ts';
import { loadDomain } from '../../src/domains/registry.ts';

export interface SoakMemoryPlan {
  /** Runs per property in a round. */
  roundRuns: number;
  rounds: number;
  /** Rounds before the first reading that is judged. */
  warmupRounds: number;
  /** A reading (after a full collection) at most this often, in runs. */
  sampleEveryRuns: number;
  seed: number;
}

const RUN_MS = 1_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const plan = JSON.parse(process.argv[2] ?? '') as SoakMemoryPlan;

const { pack } = await loadDomain('trading');
const properties = pack.properties.filter((p) => !p.optIn);
const factory = yieldingBetweenRuns(
  await pack.targetFactory({ kind: 'inproc' }, {
    bugs: [],
    seed: plan.seed,
    faults: faultsOfProperties(properties),
  } as Parameters<AnyDomainPack['targetFactory']>[1]),
);
const roundMs = plan.roundRuns * properties.length * RUN_MS;
let clock = 0;
const result = await runSoak<ActionBase>({
  campaign: { ...campaignPartsOf(pack), properties, factory, transport: 'inproc' },
  seed: plan.seed,
  roundRuns: plan.roundRuns,
  durationMs: plan.rounds * roundMs,
  warmupMs: plan.warmupRounds * roundMs,
  sampleEveryMs: plan.sampleEveryRuns * RUN_MS,
  progressEveryMs: Number.POSITIVE_INFINITY,
  now: () => clock,
  memory: () => {
    gc();
    const usage = process.memoryUsage();
    return { rssBytes: usage.heapUsed + usage.external, heapUsedBytes: usage.heapUsed };
  },
  runRound: (options) =>
    runCampaign({
      ...options,
      onRun: (run) => {
        clock += RUN_MS;
        options.onRun?.(run);
      },
    }),
});
await factory.dispose?.();
process.stdout.write(
  `${JSON.stringify({
    properties: properties.length,
    rounds: result.rounds,
    runs: result.runs,
    verdict: result.verdict,
    stoppedBy: result.stoppedBy,
    live: result.rss,
  })}\n`,
);
