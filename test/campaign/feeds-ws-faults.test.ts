import { describe, expect, it } from 'vitest';
import type { Property } from '../../src/core/model/property.ts';
import type { TargetFactory } from '../../src/core/model/target.ts';
import { runCampaign } from '../../src/core/runner/campaign.ts';
import { LanePool } from '../../src/core/runner/lane-pool.ts';
import type { FeedsAction } from '../../src/domains/feeds/feeds-action.ts';
import { feedsPack } from '../../src/domains/feeds/feeds-pack.ts';
import {
  FEEDS_LINK_FAULT_KINDS,
  FEEDS_PROCESS_FAULT_KINDS,
  feedsActions,
} from '../../src/domains/feeds/generation/feeds-actions-arbitrary.ts';

/** Every kind the ws target supports: the link faults, and the proxy process's inside its server. */
const WS_FAULT_KINDS = [...FEEDS_LINK_FAULT_KINDS, ...FEEDS_PROCESS_FAULT_KINDS];

/** Runs at once, each lane its own embedded proxy (and its own upstreams): 12 runs, 3 per lane. */
const LANES = 4;

const chaos = feedsPack.properties.find((p) => p.name === 'feeds-chaos')!;

/** The chaos property with link faults dense and runs short: every kind fires within a few runs. */
const denseChaos: Property<FeedsAction> = {
  ...chaos,
  actions: (context) =>
    feedsActions(context, {
      upstream: 1,
      controls: ['kill', 'restart', 'fail', 'reorg'],
      faults: 6,
      // Subscribed clients have traffic for a half-open link to swallow.
      subscribe: 6,
      unsubscribe: 0,
      directions: ['from_target'],
      minActions: 10,
    }),
  settings: { ...chaos.settings, maxActions: 14 },
};

/**
 * The reference proxy over real sockets on 127.0.0.1, through the core's ws chaos proxy: a
 * count-bounded campaign of the chaos property runs clean, and every fault kind it mixes in
 * fires: link faults on real frames and sockets (a subscriber's link, or one upstream's link
 * inside the server), the proxy's process killed or paused (the `sometimes` assertion). The runs
 * go on lanes, each its own venue, as `--concurrency` runs them: the same verdicts as one at a time.
 */
describe('the feeds proxy over WebSocket with faults', () => {
  it('runs clean with every fault kind firing', async () => {
    const options = { bugs: [], seed: 7, faults: WS_FAULT_KINDS };
    const factory = await feedsPack.targetFactory({ kind: 'embedded-ws' }, options);
    const pool = new LanePool<FeedsAction>({
      lanes: LANES,
      laneFactory: async () =>
        (await feedsPack.targetFactory({ kind: 'embedded-ws' }, options)) as TargetFactory<FeedsAction>,
      clients: feedsPack.clients,
      projection: feedsPack.projection as never,
      invariants: feedsPack.invariants as never,
    });
    try {
      const result = await runCampaign<FeedsAction>({
        invariants: feedsPack.invariants as never,
        projection: feedsPack.projection as never,
        clients: feedsPack.clients,
        factory,
        properties: [denseChaos],
        transport: 'ws',
        seed: 7,
        runs: 12,
        // Should it fail, a few shrink attempts over sockets keep the file's time bounded.
        shrinkAttempts: 5,
        timeBudgetMs: 120_000,
        now: () => performance.now(),
        pool,
      });
      const outcome = result.properties[0];
      const failure = outcome.failure;
      expect(
        failure && {
          runIndex: failure.runIndex,
          signature: failure.signature,
          verdict: failure.report.verdict,
        },
      ).toBeUndefined();
      expect(outcome.unknown).toBeUndefined();
      expect(outcome.runs).toBe(12);
      expect(outcome.unfired ?? []).toEqual([]);
      for (const kind of WS_FAULT_KINDS) expect(outcome.faults[kind] ?? 0, kind).toBeGreaterThan(0);
      expect(outcome.passed).toBe(true);
      expect(pool.peakInFlight()).toBe(LANES);
    } finally {
      await pool.close();
      await factory.dispose?.();
    }
  }, 90_000);
});
