import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

const LAUNCHER = fileURLToPath(new URL('../bin/shakedown.js', import.meta.url));
/**
 * Loaded first in each timed command, and in each worker thread started from a file (the worker
 * bundle; a worker started from the sources is an eval'd bootstrap, which preloads nothing): at
 * exit, the main thread writes the process's CPU time (every thread: the campaign's, the
 * workers', V8's compiler and collector threads) and its own, each worker its own, read from
 * /proc/thread-self (Linux; -1 elsewhere), on stderr.
 */
const CPU_REPORTER = `data:text/javascript,${encodeURIComponent(`
import { readFileSync, writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
const own = () => {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return -1;
  }
};
process.on('exit', () => {
  const line = isMainThread ? { ...process.cpuUsage(), thread: own() } : { worker: own() };
  writeSync(2, '\\nshakedown-bench-cpu ' + JSON.stringify(line) + '\\n');
});`)}`;

/** One `shakedown run` as a user types it, in a process of its own: wall ms, CPU ms, and its summary. */
interface CliCampaign {
  ms: number;
  cpuMs: number;
  /** CPU ms of the campaign's own thread, of the worker threads that reported, and how many did. */
  mainMs: number;
  workersMs: number;
  workersReported: number;
  actions: number;
  /** The summary without what differs between equal campaigns (durations, the pool, replay paths). */
  counts: string;
}

function cliCampaign(args: readonly string[], workers: number): Promise<CliCampaign> {
  const out = mkdtempSync(join(tmpdir(), 'shakedown-bench-workers-'));
  const line = [
    '--import',
    CPU_REPORTER,
    LAUNCHER,
    'run',
    ...args,
    '--workers',
    String(workers),
    '--time-budget',
    '60m',
    '--no-replays',
    '--json',
    '--out',
    out,
  ];
  const started = performance.now();
  return new Promise<CliCampaign>((resolve, reject) => {
    const child = spawn(process.execPath, line, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      rmSync(out, { recursive: true, force: true });
      const lines = [...stderr.matchAll(/shakedown-bench-cpu (\{.*\})/g)].map(
        (match) =>
          JSON.parse(match[1] as string) as {
            user?: number;
            system?: number;
            thread?: number;
            worker?: number;
          },
      );
      const main = lines.find((line) => line.user !== undefined);
      if (code !== 0 || !main) {
        reject(
          new Error(
            `benchmark: shakedown run ${args.join(' ')} --workers ${workers} exited ${code}: ${stderr.slice(-500)}`,
          ),
        );
        return;
      }
      const reported = lines.filter((line) => line.worker !== undefined);
      const summary = JSON.parse(stdout) as {
        actions: number;
        durationMs?: number;
        workers?: unknown;
        properties: { durationMs?: number }[];
        failures: { replayFile?: string }[];
      };
      const { durationMs: _d, workers: _w, ...rest } = summary;
      const counts = JSON.stringify({
        ...rest,
        properties: summary.properties.map(({ durationMs: _p, ...property }) => property),
        failures: summary.failures.map(({ replayFile: _f, ...failure }) => failure),
      });
      resolve({
        ms,
        cpuMs: ((main.user ?? 0) + (main.system ?? 0)) / 1000,
        mainMs: main.thread ?? -1,
        workersMs: reported.reduce((sum, line) => sum + (line.worker ?? 0), 0),
        workersReported: reported.length,
        actions: summary.actions,
        counts,
      });
    });
  });
}

/**
 * Builds the worker bundle first when the checkout's is stale, as the first pool after an edit
 * does in the background: the timed campaigns start their workers from it, as a user's second
 * run does (SHAKEDOWN_WORKER_BUNDLE=0 times the start from the sources).
 */
async function freshWorkerBundle(): Promise<void> {
  if (process.env.SHAKEDOWN_WORKER_BUNDLE === '0') return;
  const bundler = await import(new URL('../bin/cli-bundle.mjs', import.meta.url).href);
  if (!bundler.freshWorkerBundle(undefined, false)) await bundler.buildWorkerBundle();
}

/** Totals of a series of campaigns run the same way. */
interface Tally {
  ms: number;
  cpuMs: number;
  mainMs: number;
  workersMs: number;
  /** Every campaign's main thread and workers reported their own CPU (Linux, bundled workers). */
  split: boolean;
  actions: number;
  ratios: number[];
}

/**
 * `shakedown run ARGS` on `--workers 1` and on `--workers 2`, alternately (`rounds` times each,
 * the order flipped every round, so a load that drifts hits both), each a fresh process: start-up,
 * the workers' start and their cold code are timed, as a user waits for them. Throws if the two
 * summaries differ in anything but durations (counts, verdicts, failures must be the same).
 */
async function cliScaling(args: readonly string[], rounds: number) {
  const emptyTally = (): Tally => ({
    ms: 0,
    cpuMs: 0,
    mainMs: 0,
    workersMs: 0,
    split: true,
    actions: 0,
    ratios: [],
  });
  const one = emptyTally();
  const two = emptyTally();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [1, 2] : [2, 1];
    const results = new Map<number, CliCampaign>();
    for (const workers of order) {
      // Others' edits to the checkout make the bundle stale at any time: fresh before each start.
      await freshWorkerBundle();
      results.set(workers, await cliCampaign(args, workers));
    }
    const a = results.get(1) as CliCampaign;
    const b = results.get(2) as CliCampaign;
    if (a.counts !== b.counts)
      throw new Error(
        `benchmark: shakedown run ${args.join(' ')} gave different summaries on 1 and 2 workers`,
      );
    for (const [tally, result] of [
      [one, a],
      [two, b],
    ] as const) {
      tally.ms += result.ms;
      tally.cpuMs += result.cpuMs;
      tally.mainMs += result.mainMs;
      tally.workersMs += result.workersMs;
      // --workers 2 on an in-process target: one worker thread, the other slot on the main thread.
      tally.split &&= result.mainMs >= 0 && result.workersReported === (tally === one ? 0 : 1);
      tally.actions += result.actions;
    }
    two.ratios.push(a.ms / b.ms);
  }
  return { one, two };
}

/**
 * What two threads could give a campaign with nothing shared at all: `shakedown run ARGS
 * --workers 1` alone, against two processes at once that split its work (each runs
 * `HALF_ARGS`, the same property and seed with half the runs), `rounds` times, alternating which
 * comes first. The two share no heap, no code and no thread, and each pays its own start and
 * its own compiling of the hot code (V8's background threads), as each thread of a pool does: so
 * this is the most a pool of two can give this campaign on this machine. Its ratio is the two
 * halves' actions over the wall time they took together, against the rate alone.
 */
async function twoProcessesScaling(
  args: readonly string[],
  halfArgs: readonly string[],
  rounds: number,
): Promise<number> {
  let alone = { actions: 0, ms: 0 };
  let together = { actions: 0, ms: 0 };
  for (let round = 0; round < rounds; round++) {
    const runAlone = async () => {
      await freshWorkerBundle();
      const result = await cliCampaign(args, 1);
      alone = { actions: alone.actions + result.actions, ms: alone.ms + result.ms };
    };
    const runTogether = async () => {
      await freshWorkerBundle();
      const started = performance.now();
      const pair = await Promise.all([cliCampaign(halfArgs, 1), cliCampaign(halfArgs, 1)]);
      together = {
        actions: together.actions + pair[0].actions + pair[1].actions,
        ms: together.ms + (performance.now() - started),
      };
    };
    if (round % 2 === 0) {
      await runAlone();
      await runTogether();
    } else {
      await runTogether();
      await runAlone();
    }
  }
  return together.actions / together.ms / (alone.actions / alone.ms);
}

/** A row for `--workers 2` against `--workers 1` on the same command lines. */
function cliRow(
  what: string,
  args: readonly string[],
  rounds: number,
  scaling: { one: Tally; two: Tally },
): BenchRow {
  const { one, two } = scaling;
  const oneRate = (one.actions / one.ms) * 1000;
  const twoRate = (two.actions / two.ms) * 1000;
  const perK = (tally: Tally) => ((tally.cpuMs / tally.actions) * 1000).toFixed(0);
  // Where the CPU went: the JavaScript threads, and the rest (V8's optimizing compiler and
  // collector threads: each thread that runs runs compiles the hot code again).
  const split = (tally: Tally) => {
    const per = (ms: number) => ((ms / tally.actions) * 1000).toFixed(0);
    const rest = tally.cpuMs - tally.mainMs - tally.workersMs;
    return `main thread ${per(tally.mainMs)}, worker threads ${per(tally.workersMs)}, V8's background threads (compiler, GC) ${per(rest)}`;
  };
  // Same-run ceilings on 2 otherwise idle cores (a loaded machine can beat them: there --workers 1
  // waits for a core too): --workers 1 takes at least its main thread's CPU time, and --workers 2
  // at least half the CPU it uses. With no cost of its own (the CPU of --workers 1),
  // and with the CPU it did use.
  const bounds =
    one.split && one.mainMs > 0
      ? `; on 2 otherwise idle cores --workers 2 can be at most ${((2 * one.mainMs) / one.cpuMs).toFixed(2)}x (--workers 1 keeps ${(one.cpuMs / one.mainMs).toFixed(2)} cores busy per second of its main thread), ${((2 * one.mainMs) / (two.cpuMs * (one.actions / two.actions))).toFixed(2)}x with the CPU it used`
      : '';
  const splits =
    one.split && two.split
      ? `; per 1,000 actions on 1 worker: ${split(one)}; on 2: ${split(two)}${bounds}`
      : `; no per-thread split (a worker started from the sources, the bundle stale, or not Linux)${bounds}`;
  return {
    name: `campaign actions/s on --workers 2, ${what} (cold processes)`,
    value: twoRate,
    unit: 'actions/s',
    ceilingName: '2 x the --workers 1 rate, same command lines',
    ceiling: 2 * oneRate,
    target: '>= 1.6x --workers 1 (80% of this ceiling)',
    note: `shakedown run ${args.join(' ')}: ${rounds} round(s) each way, alternating; --workers 1 ${Math.round(oneRate)} actions/s, --workers 2 ${Math.round(twoRate)} actions/s: ${(twoRate / oneRate).toFixed(2)}x (per round ${two.ratios.map((r) => r.toFixed(2)).join(', ')}); CPU time of the whole process (all threads) per 1,000 actions: ${perK(one)} ms on 1 worker, ${perK(two)} ms on 2 (${(two.cpuMs / two.actions / (one.cpuMs / one.actions)).toFixed(2)}x)${splits}; summaries identical`,
  };
}

/** The two campaign sizes of issue 18's target, as command lines (seed 1 as in the README). */
const SMALL = ['--seed', '1', '--runs', '200'];
const LARGE = ['--seed', '1', '--runs', '5000', '--property', 'trading-venue'];
/** Each half of them, for two processes that split the work. */
const SMALL_HALF = ['--seed', '1', '--runs', '100'];
const LARGE_HALF = ['--seed', '1', '--runs', '2500', '--property', 'trading-venue'];

/**
 * `--workers 2` against `--workers 1`, three ways. As a user runs them: `shakedown run --seed 1
 * --runs 200` (every property, 1,600 runs) and `shakedown run --seed 1 --runs 5000 --property
 * trading-venue`, each in a fresh process, so start-up, the workers' start and cold code count
 * (cliScaling); and warm, in this process: the same campaigns (same seeds, same runs) on the
 * campaign's own thread and on a pool of two workers started once, interleaved round by round
 * (the pool's start is not timed). The ceiling is perfect scaling, twice the one-thread rate
 * measured alongside; the bare loops say what two threads give this machine at all.
 * BENCH_WORKERS_ROUNDS sets the rounds of the command lines (default: 2 of 200 runs, 1 of 5,000).
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
    const warmRounds = 3;
    const runs = Math.max(100, Math.round((ms / warmRounds / pilot.ms) * 100));
    const one = { actions: 0, ms: 0 };
    const two = { actions: 0, ms: 0 };
    for (let round = 0; round < warmRounds; round++) {
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
    const rounds = Number(process.env.BENCH_WORKERS_ROUNDS ?? 0);
    const small = await cliScaling(SMALL, rounds || 2);
    const large = await cliScaling(LARGE, rounds || 1);
    const largeSpeedUp = large.two.actions / large.two.ms / (large.one.actions / large.one.ms);
    const smallSpeedUp = small.two.actions / small.two.ms / (small.one.actions / small.one.ms);
    const twoProcessesSmall = await twoProcessesScaling(SMALL, SMALL_HALF, rounds || 2);
    const twoProcessesLarge = await twoProcessesScaling(LARGE, LARGE_HALF, rounds || 1);
    return [
      cliRow('--runs 200, every property', SMALL, rounds || 2, small),
      cliRow('--runs 5000, trading-venue', LARGE, rounds || 1, large),
      {
        name: 'campaign actions/s on --workers 2 (trading-venue, in-process, warm)',
        value: twoRate,
        unit: 'actions/s',
        ceilingName: '2 x the --workers 1 rate, same campaigns',
        ceiling: 2 * oneRate,
        note: `${warmRounds} rounds of ${runs} runs each way, seeds ${SEED}..${SEED + warmRounds - 1}, ${one.actions} actions each way; --workers 1 ${Math.round(oneRate)} actions/s, --workers 2 ${Math.round(twoRate)} actions/s: ${(twoRate / oneRate).toFixed(2)}x`,
      },
      {
        name: 'speed-up of --workers 2 over --workers 1 (--runs 5000, cold processes)',
        value: largeSpeedUp,
        unit: 'x',
        ceilingName: 'bare loop, small objects that die young, 2 workers against 1',
        ceiling: young,
        target: '>= 1.6x',
      },
      {
        name: 'speed-up of --workers 2 over --workers 1 (--runs 5000, cold processes)',
        value: largeSpeedUp,
        unit: 'x',
        ceilingName: 'bare loop, a run-like working set (20k live objects a round), 2 workers against 1',
        ceiling: working,
        note: 'the second ceiling is what two threads give this machine when the garbage collector works as hard as in a campaign',
      },
      {
        name: 'speed-up of --workers 2 over --workers 1 (--runs 200, cold processes)',
        value: smallSpeedUp,
        unit: 'x',
        ceilingName:
          'two --workers 1 processes at once, each with half the runs, against one (nothing shared)',
        ceiling: twoProcessesSmall,
        target: '>= 1.6x',
        note: 'the two-process ceiling is the most any pool of two can give this campaign on this machine: each process, like each thread of a pool, starts, and compiles the hot code on V8 background threads, on its own',
      },
      {
        name: 'speed-up of --workers 2 over --workers 1 (--runs 5000, cold processes)',
        value: largeSpeedUp,
        unit: 'x',
        ceilingName:
          'two --workers 1 processes at once, each with half the runs, against one (nothing shared)',
        ceiling: twoProcessesLarge,
        target: '>= 1.6x',
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
