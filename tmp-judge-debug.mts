import fc from 'fast-check';
import { WorkerJudge } from './src/core/workers/worker-judge.ts';
import { TRADING_PACK_REFERENCE } from './src/cli/trading-pack-reference.ts';
import { tradingPack } from './src/domains/trading/trading-pack.ts';
const setTimer = (ms: number, fn: () => void) => { const t = setTimeout(fn, ms); return () => clearTimeout(t); };
const spec = { kind: 'module' as const, path: './test/fixtures/hanging-target.ts' };
const judge = new WorkerJudge<any>({ pack: TRADING_PACK_REFERENCE, spec, targetOptions: { bugs: [], seed: 1, faults: [] }, runTimeoutMs: 3000, setTimer, describeAction: tradingPack.describeAction });
const prop = tradingPack.properties.find(p => p.name === 'trading-venue')!;
const job = { property: 'trading-venue', invariants: prop.invariants as string[], settings: { maxActions: 40, requestTimeoutMs: 1000, quietMs: 50 }, checkEveryStep: false, checkDeterminism: false, exercised: false, record: false };
const samples = fc.sample(prop.actions({ seed: 1, maxActions: 40, faults: [] }), { seed: 1, numRuns: 4 });
for (const actions of samples) {
  console.log('judging', actions.length);
  const r = await judge.judge(job, actions);
  console.log(r.verdict.status, JSON.stringify(r.verdict).slice(0, 300));
}
await judge.close();
console.log('closed');
