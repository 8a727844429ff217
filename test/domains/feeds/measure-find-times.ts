/**
 * Measures how long an in-process campaign takes to find each planted feeds bug, over several
 * seeds: the wall time until the first failing run, and until it is shrunk. Not a test (timings
 * are never asserted): run it with `npx tsx test/domains/feeds/measure-find-times.ts [seeds] [bug…]`.
 */
import type { Property } from '../../../src/core/model/property.ts';
import { runCampaign } from '../../../src/core/runner/campaign.ts';
import type { FeedsAction } from '../../../src/domains/feeds/feeds-action.ts';
import { feedsPack } from '../../../src/domains/feeds/feeds-pack.ts';
import { feedsPropertyForBug } from '../../../src/domains/feeds/property-for-bug.ts';
import type { FeedsPlantedBug } from '../../../src/domains/feeds/protocol/feeds-bugs.ts';
import { inprocFeedsTargetFactory } from '../../../src/domains/feeds/targets/inproc-feeds-target-factory.ts';
import { FEEDS_PLANTED_BUGS } from '../../../src/feeds-proxy/index.ts';

function propertyFor(bug: FeedsPlantedBug): Property<FeedsAction> {
  const name = feedsPropertyForBug(bug);
  return feedsPack.properties.find((p) => p.name === name) as Property<FeedsAction>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const seeds = Number(process.argv[2] ?? 7);
const only = process.argv.slice(3);
for (const bug of FEEDS_PLANTED_BUGS.filter((b) => only.length === 0 || only.includes(b.name))) {
  const found: number[] = [];
  const shrunk: number[] = [];
  let missed = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const started = performance.now();
    let foundAt: number | undefined;
    const result = await runCampaign<FeedsAction>({
      invariants: feedsPack.invariants as never,
      projection: feedsPack.projection as never,
      clients: feedsPack.clients,
      factory: inprocFeedsTargetFactory({ bugs: [bug.name] }) as never,
      properties: [{ ...propertyFor(bug), invariants: [bug.invariant] }],
      seed,
      runs: 1000,
      timeBudgetMs: 60_000,
      now: () => performance.now(),
      onRun: (progress) => {
        if (progress.failed && foundAt === undefined) foundAt = performance.now() - started;
      },
    });
    if (result.properties[0].failure === undefined || foundAt === undefined) {
      missed++;
      continue;
    }
    found.push(foundAt);
    shrunk.push(performance.now() - started);
  }
  console.log(
    `${bug.name.padEnd(34)} ${bug.invariant.padEnd(32)} found ${found.length}/${seeds}  median to find ${median(found).toFixed(0)} ms  to find+shrink ${median(shrunk).toFixed(0)} ms${missed > 0 ? `  (missed ${missed})` : ''}`,
  );
}
