import { it, type TestContext } from 'vitest';
import type { TestBodyContext } from './run-campaign-test.ts';
import {
  type CampaignTestOptions,
  campaignTestTimeout,
  checkCampaignTestOptions,
  propertyName,
} from './vitest-options.ts';

/**
 * One Vitest test per property, registered now (at collection, so `-t`, watch mode and the
 * reporters see each by name), each running its property's seeded campaign in its body: the
 * runner, the trading pack and the target are imported and built only then, so a file of
 * campaign tests costs Vitest's start-up nothing. A failure fails the test with the violations,
 * the shrunk actions and the replay file it was saved to; the seed is printed, and
 * `SHAKEDOWN_SEED` reruns it. The test's timeout follows the budget (campaignTestTimeout).
 */
export function campaignTests(options: CampaignTestOptions): void {
  checkCampaignTestOptions(options);
  const timeout = campaignTestTimeout(options);
  for (const property of options.properties) {
    const name = propertyName(property);
    it(
      name,
      async (context: TestContext) => {
        const { runCampaignTest } = await import('./run-campaign-test.ts');
        await runCampaignTest(property, options, bodyContext(context));
      },
      timeout,
    );
  }
}

/** What a body needs from Vitest's test context: its signal, a way to print, how to rerun it. */
export function bodyContext(context: TestContext): TestBodyContext {
  const file = context.task.file?.name;
  return {
    // Vitest 3.2 and later abort it when the test times out: no new run starts.
    ...(context.signal ? { signal: context.signal } : {}),
    log: (line) => console.log(line),
    ...(file ? { rerun: { file, test: context.task.name } } : {}),
  };
}
