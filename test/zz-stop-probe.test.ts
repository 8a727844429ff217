import { it } from 'vitest';
import { runCampaign } from '/work/main/src/core/runner/campaign.ts';
import { inprocTargetFactory } from '/work/main/src/domains/trading/targets/inproc-target-factory.ts';
import { tradingPack } from '/work/main/src/domains/trading/trading-pack.ts';

it('probe', async () => {
  const stops = tradingPack.properties.find((p) => p.name === 'stop-orders')!;
  const venue = tradingPack.properties.find((p) => p.name === 'trading-venue')!;
  const names = [...new Set([...stops.invariants, ...venue.invariants])];
  const only = process.env.ONLY ? process.env.ONLY.split(',') : names;
  for (const inv of only) {
    const result = await runCampaign({
      properties: [{ ...stops, invariants: [inv] }],
      invariants: tradingPack.invariants,
      projection: tradingPack.projection,
      clients: tradingPack.clients,
      factory: inprocTargetFactory() as never,
      seed: Number(process.env.SEED ?? 1),
      runs: Number(process.env.RUNS ?? 100),
      timeBudgetMs: 120_000,
      shrinkBudgetMs: 5_000,
      now: () => performance.now(),
    } as never);
    const f = result.properties[0].failure;
    const v = f?.report.verdict as { violations?: { message: string }[]; error?: string } | undefined;
    console.log(`${f ? 'FAIL' : 'pass'} ${inv} ${f ? (v?.violations?.[0]?.message ?? v?.error ?? JSON.stringify(v)).slice(0, 400) : ''}`);
  }
}, 1_000_000);
