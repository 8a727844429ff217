/**
 * `shakedown/vitest`: campaigns and saved failures as Vitest tests (docs/vitest.md).
 *
 *     describe('my venue', () => {
 *       campaignTests({ target: myFactory, properties: ['trading-venue'], runs: 200 });
 *       replayTests('replays', { target: myFactory });
 *     });
 *
 * Registering imports nothing but Vitest: each test imports the runner and builds its target in
 * its own body. Vitest is an optional peer dependency: only this entry needs it.
 */

export { campaignTests } from './vitest/campaign-tests.ts';
export { replayTest, replayTests } from './vitest/replay-tests.ts';
export { SEED_VARIABLE } from './vitest/resolve-seed.ts';
export {
  type CampaignTestOptions,
  campaignTestTimeout,
  type ReplayTestOptions,
  replayTestTimeout,
  type VenueFactory,
  type VitestTarget,
} from './vitest/vitest-options.ts';
