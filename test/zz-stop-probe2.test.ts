import { it } from 'vitest';
import { runCampaign } from '/work/main/src/core/runner/campaign.ts';
import { inprocTargetFactory } from '/work/main/src/domains/trading/targets/inproc-target-factory.ts';
import { tradingPack } from '/work/main/src/domains/trading/trading-pack.ts';
import { describeAction } from '/work/main/src/domains/trading/generation/describe-action.ts';
import { describeEvent } from '/work/main/src/domains/trading/describe-event.ts';

it('probe2', async () => {
  const stops = tradingPack.properties.find((p) => p.name === (process.env.PROP ?? 'stop-orders'))!;
  const inv = process.env.INV!;
  const result = await runCampaign({
    properties: [{ ...stops, invariants: [inv] }],
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: inprocTargetFactory(process.env.BUG ? { bugs: [process.env.BUG as never] } : {}) as never,
    seed: Number(process.env.SEED ?? 1),
    runs: Number(process.env.RUNS ?? 100),
    timeBudgetMs: 120_000,
    shrinkBudgetMs: 10_000,
    now: () => performance.now(),
  } as never);
  const f = result.properties[0].failure;
  if (!f) { console.log('NO FAILURE', result.properties[0].runs); return; }
  console.log(JSON.stringify(f.report.verdict, null, 1).slice(0, 3000));
  for (const a of f.report.actions) console.log('ACTION', describeAction(a as never));
  for (const e of f.report.evidence.events as any[]) if (e.client === 'admin' && !e.stream.startsWith('session')) console.log('EV', e.txn, e.stream, describeEvent(e.event));
}, 1_000_000);
