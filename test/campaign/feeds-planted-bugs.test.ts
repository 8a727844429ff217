import { describe, expect, it } from 'vitest';
import type { Property } from '../../src/core/model/property.ts';
import { executeRun, runCampaign } from '../../src/core/runner/campaign.ts';
import type { FeedsAction } from '../../src/domains/feeds/feeds-action.ts';
import { feedsPack } from '../../src/domains/feeds/feeds-pack.ts';
import { feedsPropertyForBug } from '../../src/domains/feeds/property-for-bug.ts';
import type { FeedsPlantedBug } from '../../src/domains/feeds/protocol/feeds-bugs.ts';
import { inprocFeedsTargetFactory } from '../../src/domains/feeds/targets/inproc-feeds-target-factory.ts';
import { FEEDS_PLANTED_BUGS } from '../../src/feeds-proxy/index.ts';

const property = (name: string): Property<FeedsAction> => {
  const found = feedsPack.properties.find((p) => p.name === name);
  if (found === undefined) throw new Error(`no feeds property ${name}`);
  return found;
};

/** The property whose runs provoke what a bug needs: upstream failures, reorgs, or a plain workload. */
function propertyForFeedsBug(bug: FeedsPlantedBug): Property<FeedsAction> {
  return property(feedsPropertyForBug(bug));
}

const common = {
  invariants: feedsPack.invariants as never,
  projection: feedsPack.projection as never,
  clients: feedsPack.clients,
};

/**
 * The bug's count-bounded campaign (seed 1, only the invariant that names it), run once per
 * file: the test of a bug and the clean-proxy test of its shrunk run share it.
 */
const campaigns = new Map<string, ReturnType<typeof huntFor>>();
async function huntFor(planted: FeedsPlantedBug) {
  const factory = inprocFeedsTargetFactory({ bugs: [planted.name] });
  const result = await runCampaign<FeedsAction>({
    ...common,
    factory: factory as never,
    properties: [{ ...propertyForFeedsBug(planted), invariants: [planted.invariant] }],
    seed: 1,
    runs: 300,
    timeBudgetMs: 600_000,
    now: () => performance.now(),
  });
  return { factory, result };
}
function hunt(planted: FeedsPlantedBug): ReturnType<typeof huntFor> {
  let found = campaigns.get(planted.name);
  if (found === undefined) {
    found = huntFor(planted);
    campaigns.set(planted.name, found);
  }
  return found;
}

/**
 * The proof that the feeds invariants catch what real proxies ship: for every planted bug of
 * the reference proxy, a count-bounded in-process campaign with a fixed seed, checking ONLY the
 * invariant the catalogue names for it, finds it, shrinks it to a handful of actions, and
 * re-executing the shrunk actions on a fresh proxy gives the same verdict and the same events.
 */
describe('every planted feeds bug is found by the invariant that names it', () => {
  it.each(FEEDS_PLANTED_BUGS.map((b) => [b.name, b.invariant, b] as const))(
    '%s is caught by %s',
    async (bug, invariant, planted) => {
      const { factory, result } = await hunt(planted);
      const failure = result.properties[0].failure;
      expect(failure, `${bug} was not found in ${result.runs} runs`).toBeDefined();
      expect(failure!.report.actions.length).toBeLessThanOrEqual(8);
      const verdict = failure!.report.verdict;
      const violations = verdict.status === 'fail' ? verdict.violations : [];
      expect(violations.map((v) => v.invariant)).toContain(invariant);

      const again = await executeRun(factory as never, failure!.report.actions, {
        ...common,
        invariants: feedsPack.invariants.filter((i) => i.name === invariant) as never,
        settings: { maxActions: 60, requestTimeoutMs: 1000, quietMs: 50 },
      });
      expect(again.verdict).toEqual(verdict);
      expect(JSON.stringify(again.evidence.events)).toBe(JSON.stringify(failure!.report.evidence.events));
    },
    60_000,
  );

  it('the same shrunk run passes on a proxy without the bug', async () => {
    const planted = FEEDS_PLANTED_BUGS.find((b) => b.name === 'gap_on_failover')!;
    // The campaign of gap_on_failover's own test above (run here if that test was not).
    const { result } = await hunt(planted);
    const actions = result.properties[0].failure!.report.actions;
    const clean = await executeRun(inprocFeedsTargetFactory() as never, actions, {
      ...common,
      settings: { maxActions: 60, requestTimeoutMs: 1000, quietMs: 50 },
    });
    expect(clean.verdict).toEqual({ status: 'pass' });
  });
});

describe('the clean reference proxy', () => {
  it.each(['feeds-clean', 'feeds-failover', 'feeds-reorg', 'feeds-chaos'])(
    'passes 200 in-process runs of %s, every invariant checking something',
    async (name) => {
      const result = await runCampaign<FeedsAction>({
        ...common,
        factory: inprocFeedsTargetFactory() as never,
        properties: [property(name)],
        seed: 20261207,
        runs: 200,
        timeBudgetMs: 300_000,
        now: () => performance.now(),
      });
      const outcome = result.properties[0];
      expect(
        outcome.failure?.report.verdict,
        JSON.stringify(outcome.failure?.report.verdict),
      ).toBeUndefined();
      expect(outcome.unknown).toBeUndefined();
      expect(outcome.runs).toBe(200);
      expect(outcome.passed).toBe(true);
      // Silence must fail: the rules that apply to every workload examined something.
      const examined = new Map((outcome.invariants ?? []).map((i) => [i.name, i.examined]));
      for (const always of [
        'heads.gapless',
        'logs.delivered-once',
        'responses.match-requests',
        'routing.follows-strategy',
      ])
        expect(examined.get(always), always).toBeGreaterThan(0);
    },
    120_000,
  );
});
