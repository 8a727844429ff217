import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ActionLatency, CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import { propertyWarnings } from '../../src/core/report/summarize-campaign.ts';
import { runCampaign } from '../../src/core/runner/campaign.ts';
import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../../src/domains/trading/protocol/exchange-config.ts';
import { validateExchangeConfig } from '../../src/domains/trading/protocol/validate-config.ts';
import { inprocTargetFactory } from '../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-config-generation-');
const venue = tradingPack.properties.find((p) => p.name === 'trading-venue')!;

/** The default venue traded in whole units: every lot is 1 (the default's lots are 0.001 and 0.01). */
function lotOfOne(): ExchangeConfig {
  const config = defaultExchangeConfig();
  for (const i of config.instruments)
    Object.assign(i, { lotSize: 1, minQty: 1, maxQty: 50, maxPosition: 100 });
  return validateExchangeConfig(config, 'lot-of-one');
}

/** Of the answered places, the share refused. */
function refusedShare(latency: readonly ActionLatency[]): number {
  const place = latency.find((l) => l.action === 'place')!;
  return place.fail / (place.ok + place.fail);
}

async function campaign(generationConfig: ExchangeConfig | undefined) {
  const result = await runCampaign<TradingAction>({
    properties: [venue],
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    // The venue is built from the config either way; only the generators may not know it.
    factory: inprocTargetFactory({ config: lotOfOne() }) as never,
    seed: 1,
    runs: 60,
    timeBudgetMs: 300_000,
    now: () => performance.now(),
    ...(generationConfig ? { generationConfig } : {}),
  });
  return result.properties[0];
}

describe('the campaign config reaches the generators', () => {
  it('with lot size 1, orders aimed at the default venue are mostly refused; aimed at the config, mostly accepted', async () => {
    const blind = await campaign(undefined);
    const aimed = await campaign(lotOfOne());
    expect(blind.passed && aimed.passed).toBe(true);
    const blindShare = refusedShare(blind.latency);
    const aimedShare = refusedShare(aimed.latency);
    // Sizes of 0.001 on a lot of 1 are all off the lot; what the generator sends on purpose
    // (junk, boundaries, refused marks...) is a minority.
    expect(blindShare).toBeGreaterThan(0.9);
    expect(aimedShare).toBeLessThan(0.5);
    expect(propertyWarnings(blind.invariants, blind.latency).map((w) => w.subject)).toContain('place');
    expect(propertyWarnings(aimed.invariants, aimed.latency).map((w) => w.subject)).not.toContain('place');
  }, 300_000);

  it('shakedown run --config FILE aims the generators at that venue', () => {
    const dir = tempDir();
    const file = join(dir, 'lot-of-one.json');
    writeFileSync(file, JSON.stringify({ instruments: lotOfOne().instruments }));
    const result = shakedown([
      'run',
      '--config',
      file,
      '--property',
      'trading-venue',
      '--seed',
      '1',
      '--runs',
      '40',
      '--json',
      '--no-progress',
      '--no-replays',
      '--out',
      join(dir, 'replays'),
    ]);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as CampaignSummary;
    expect(refusedShare(summary.latency)).toBeLessThan(0.5);
    expect(summary.properties[0].warnings ?? []).toEqual([]);
  }, 150_000);
});
