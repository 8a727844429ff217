import { Worker } from 'node:worker_threads';
import { runCampaign } from '../src/core/runner/campaign.ts';
import { WorkerPool } from '../src/core/workers/worker-pool.ts';
import type { TradingAction } from '../src/domains/trading/trading-action.ts';
import { tradingPack } from '../src/domains/trading/trading-pack.ts';
import type { BenchRow } from './bench-table.ts';
import { tradingVenueProperty } from './trading-venue-property.ts';

const SEED = 20261203;
const TRADING = {
  module: new URL('../src/domains/trading/trading-pack.ts', import.meta.url).href,
  exportName: 'tradingPack',
};

/**
 * One in-process campaign of `runs` runs, on this thread or on the pool; actions and wall ms.
 * A timed campaign must pass (a failure would time its shrinking too); a warm-up one only runs.
 */
async function campaign(runs: number, seed: number, pool?: WorkerPool<TradingAction>, timed = true) {
  const factory = await tradingPack.targetFactory({ kind: 'inproc' }, { bugs: [], seed, faults: [] });
  const started = performance.now();
  const result = await runCampaign<TradingAction>({
    properties: [tradingVenueProperty()],
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory,
    seed,
    runs,
    timeBudgetMs: 600_000,
    shrinkBudgetMs: 60_000,
    surface: { registry: tradingPack.surface, exercised: (e) => tradingPack.exercised(e as never) },
    ...(pool ? { pool } : {}),
    now: () => performance.now(),
  });
  const ms = performance.now() - started;
  await factory.dispose?.();
  if (timed && !result.properties[0]?.passed)
    throw new Error(`benchmark: trading-venue failed (seed ${seed})`);
  return { actions: result.actions, ms };
}

/**
 * Bare loops in worker threads, nothing of shakedown in them: small objects that die at once,
 * and a run-like working set (20k objects built, read and dropped a round, about what a run
 * keeps alive), which loads the garbage collector the way a campaign does.
 */
const BARE_LOOPS = {
  'small objects that die young': `
    for (let i = 0; i < 1000; i++) {
      const m = new Map();
      for (let j = 0; j < 20; j++) m.set('k' + j, { j, s: [j, j + 1] });
      n += m.size;
    }`,
  'a run-like working set (20k live objects a round)': `
    const live = [];
    for (let i = 0; i < 20000; i++) live.push({ id: 'o' + i, px: i * 0.01, q: [i, i + 1], m: new Map([[i, i]]) });
    for (const o of live) n += o.q[1] - o.q[0] + o.m.size;`,
};
type BareLoop = keyof typeof BARE_LOOPS;

async function bareLoop(loop: BareLoop, threads: number, ms: number): Promise<number> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    parentPort.on('message', (ms) => {
      let n = 0;
      const started = performance.now();
      while (performance.now() - started < ms) { ${BARE_LOOPS[loop]} }
      parentPort.postMessage(n);
    });`;
  const workers = Array.from({ length: threads }, () => new Worker(code, { eval: true }));
  const counts = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<number>((resolve) => {
          worker.once('message', resolve);
          worker.postMessage(ms);
        }),
    ),
  );
  await Promise.all(workers.map((worker) => worker.terminate()));
  return counts.reduce((a, b) => a + b, 0);
}

/** What two threads give this machine at all for a loop: two workers against one. */
async function bareScaling(loop: BareLoop, ms: number): Promise<number> {
  await bareLoop(loop, 1, 300);
  const one = await bareLoop(loop, 1, ms);
  const two = await bareLoop(loop, 2, ms);
  return two / one;
}

/**
 * `--workers 2` against `--workers 1`: the same campaigns (same seeds, same runs) on the
 * campaign's own thread and on a pool of two workers, interleaved round by round so drift
 * hits both. The ceiling is perfect scaling, twice the one-thread rate measured alongside.
 * Worker start-up is not timed (a pool starts once per campaign, not per run).
 */
export async function runWorkersScalingBenchmark(ms = 3000): Promise<BenchRow[]> {
  const pool = await WorkerPool.start<TradingAction>({
    size: 2,
    pack: TRADING,
    spec: { kind: 'inproc' },
    targetOptions: { bugs: [], seed: SEED, faults: [] },
    generates: ['trading-venue'],
  });
  try {
    // Warm-up of both: each worker, like this thread, needs about a thousand runs before its
    // code is optimized (measured: the first 600 run at half the speed of the next).
    for (let i = 0; i < 2; i++) {
      await campaign(500, SEED - 10 - i, undefined, false);
      await campaign(1000, SEED - 20 - i, pool, false);
    }
    const pilot = await campaign(100, SEED - 3);
    const rounds = 3;
    const runs = Math.max(100, Math.round((ms / rounds / pilot.ms) * 100));
    const one = { actions: 0, ms: 0 };
    const two = { actions: 0, ms: 0 };
    for (let round = 0; round < rounds; round++) {
      const a = await campaign(runs, SEED + round);
      const b = await campaign(runs, SEED + round, pool);
      if (a.actions !== b.actions) throw new Error('benchmark: the two campaigns ran different actions');
      one.actions += a.actions;
      one.ms += a.ms;
      two.actions += b.actions;
      two.ms += b.ms;
    }
    const oneRate = (one.actions / one.ms) * 1000;
    const twoRate = (two.actions / two.ms) * 1000;
    const young = await bareScaling('small objects that die young', Math.max(1000, ms / 3));
    const working = await bareScaling(
      'a run-like working set (20k live objects a round)',
      Math.max(1000, ms / 3),
    );
    return [
      {
        name: 'campaign actions/s on --workers 2 (trading-venue, in-process)',
        value: twoRate,
        unit: 'actions/s',
        ceilingName: '2 x the --workers 1 rate, same campaigns',
        ceiling: 2 * oneRate,
        target: '>= 1.7x --workers 1 (85% of this ceiling)',
        note: `${rounds} rounds of ${runs} runs each way, seeds ${SEED}..${SEED + rounds - 1}, ${one.actions} actions each way; --workers 1 ${Math.round(oneRate)} actions/s, --workers 2 ${Math.round(twoRate)} actions/s: ${(twoRate / oneRate).toFixed(2)}x`,
      },
      {
        name: 'speed-up of --workers 2 over --workers 1',
        value: twoRate / oneRate,
        unit: 'x',
        ceilingName: 'bare loop, small objects that die young, 2 workers against 1',
        ceiling: young,
        target: '>= 1.7x',
      },
      {
        name: 'speed-up of --workers 2 over --workers 1',
        value: twoRate / oneRate,
        unit: 'x',
        ceilingName: 'bare loop, a run-like working set (20k live objects a round), 2 workers against 1',
        ceiling: working,
        note: 'the second ceiling is what two threads give this machine when the garbage collector works as hard as in a campaign',
      },
    ];
  } finally {
    await pool.close();
  }
}

// Alone: `node --import ./bin/register-ts.mjs benchmarks/workers-scaling.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import('./bench-table.ts');
  const rows = await runWorkersScalingBenchmark(Number(process.env.BENCH_MS ?? 3000));
  process.stdout.write(
    `${formatTable(rows)}\n${rows.flatMap((r) => (r.note ? [`- ${r.note}`] : [])).join('\n')}\n`,
  );
}
