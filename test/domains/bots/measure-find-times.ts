/**
 * How long an in-process campaign takes to find each planted bug of the grid bot, over a few
 * seeds: the wall time to the first failing run, and with shrinking. A measurement, not a test
 * (wall-clock figures depend on the machine):
 *
 *   npx tsx test/domains/bots/measure-find-times.ts [seeds=5]
 */
import { createSubject, GRID_BOT_BUGS } from '../../../examples/grid-bot/bot.ts';
import { runCampaign } from '../../../src/core/runner/campaign.ts';
import { botsPack } from '../../../src/domains/bots/bots-pack.ts';
import { GRID_BOT_BUG_INFO } from '../../../src/domains/bots/grid-bot-bugs.ts';
import { inprocSubjectFactory } from '../../../src/domains/bots/inproc-subject-factory.ts';
import { PROPERTY_FOR_BUG } from './property-for-bug.ts';

const seeds = Number(process.argv[2] ?? 5);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (const bug of GRID_BOT_BUGS) {
  const found: number[] = [];
  const total: number[] = [];
  let missed = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const property = botsPack.properties.find((p) => p.name === PROPERTY_FOR_BUG[bug])!;
    const started = performance.now();
    let firstFailureAt: number | undefined;
    const result = await runCampaign({
      properties: [{ ...property, invariants: [GRID_BOT_BUG_INFO.find((b) => b.name === bug)!.invariant] }],
      invariants: botsPack.invariants as never,
      projection: botsPack.projection as never,
      clients: botsPack.clients,
      factory: inprocSubjectFactory({ factory: createSubject, bugs: [bug] }) as never,
      seed,
      runs: 500,
      timeBudgetMs: 120_000,
      now: () => performance.now(),
      onRun: (p) => {
        if (p.failed && firstFailureAt === undefined) firstFailureAt = performance.now() - started;
      },
    });
    const outcome = result.properties[0];
    if (!outcome.failure) missed++;
    else {
      found.push(firstFailureAt ?? Number.NaN);
      total.push(performance.now() - started);
    }
  }
  console.log(
    `${bug.padEnd(34)} found ${seeds - missed}/${seeds}  median to first failure ${median(found).toFixed(0)} ms, with shrinking ${median(total).toFixed(0)} ms`,
  );
}
