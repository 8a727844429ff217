import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../src/core/runner/campaign.ts';
import { blockSize, dealtBlockSize, TAIL_SKIP_RATIO } from '../../../src/core/runner/explore-in-pool.ts';
import type { RunJudgement } from '../../../src/core/runner/run-judgement.ts';
import type { PropertyJob, RunSettled } from '../../../src/core/runner/run-pool.ts';
import { WorkerPool } from '../../../src/core/workers/worker-pool.ts';
import type { FromWorker, ToWorker } from '../../../src/core/workers/worker-protocol.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import {
  comparable,
  poolCloser,
  tradingProperty as property,
  startTradingPool,
  TRADING,
  tradingCampaign,
} from '../../support/pool-trading.ts';

const venue = property('trading-venue');

const closeAfterTest = poolCloser('each');

/** The blocks exploreInPool cuts for `runs` runs on `workers` workers: [start, count] each. */
function blocksOf(runs: number, workers: number): [number, number][] {
  const blocks: [number, number][] = [];
  for (let start = 0; start < runs; ) {
    const count = dealtBlockSize(start, runs, workers);
    blocks.push([start, count]);
    start += count;
  }
  return blocks;
}

describe('the blocks dealt', () => {
  it('cover every run once, never exceed blockSize, and get smaller at the end of the property', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 1, max: 8 }), (runs, workers) => {
        const blocks = blocksOf(runs, workers);
        let next = 0;
        // Plain comparisons in the loop (a property of 50,000 runs has thousands of blocks, and
        // an expect() per check was most of the file's time); the first block that breaks one
        // fails the property, named.
        for (const [start, count] of blocks) {
          // Never so small that skipping to its start costs more than TAIL_SKIP_RATIO x a full block's share.
          const floor = Math.min(runs - start, Math.ceil(start / (256 * TAIL_SKIP_RATIO)));
          const broken =
            start !== next
              ? `starts at ${start}, not ${next}`
              : count < 1
                ? 'is empty'
                : count > blockSize(start)
                  ? `holds more than blockSize(${start}) = ${blockSize(start)}`
                  : count < floor
                    ? `holds fewer than ${floor}`
                    : undefined;
          if (broken)
            throw new Error(`block [${start}, ${count}] of ${runs} runs on ${workers} workers ${broken}`);
          next = start + count;
        }
        expect(next).toBe(runs);
      }),
      { numRuns: 100 },
    );
  });

  it('a 200-run property on two workers ends in single runs, not a block of 8 that one worker runs alone', () => {
    const blocks = blocksOf(200, 2);
    expect(blocks[0]).toEqual([0, 8]);
    expect(blocks.slice(-3).map(([, count]) => count)).toEqual([1, 1, 1]);
    // The runs left after the last full block are spread over more blocks than there are workers.
    const tail = blocks.filter(([, count]) => count < 8);
    expect(tail.length).toBeGreaterThan(2 * 2);
  });
});

/**
 * A stand-in for a worker thread: it answers the runs of each block at once (a `judged` per
 * run), unless it is `stuck`, when it holds them for ever. Every block it is sent is noted.
 */
class FakeWorker extends EventEmitter {
  readonly blocks: number[] = [];
  constructor(
    private readonly stuck: boolean,
    readonly index: number,
  ) {
    super();
    queueMicrotask(() => this.emit('message', { type: 'ready' } satisfies FromWorker));
  }
  postMessage(message: ToWorker): void {
    if (message.type !== 'block') return;
    this.blocks.push(message.start);
    if (this.stuck) return;
    setImmediate(() => {
      for (const runIndex of message.runs) {
        const judgement: RunJudgement = {
          runIndex,
          actions: 1,
          status: 'pass',
          faults: {},
          operations: [],
          exercised: [],
        };
        this.emit('message', { type: 'judged', judgement } satisfies FromWorker);
      }
    });
  }
  terminate(): Promise<number> {
    queueMicrotask(() => this.emit('exit', 0));
    return Promise.resolve(0);
  }
}

describe('whoever has room takes the next block', () => {
  it('a worker that is stuck holds two blocks; every other block goes to the worker that answers', async () => {
    const fakes: FakeWorker[] = [];
    const pool = await WorkerPool.start<TradingAction>({
      size: 2,
      pack: TRADING,
      spec: { kind: 'inproc' },
      targetOptions: {},
      generates: [venue.name],
      spawn: (init) => {
        const fake = new FakeWorker(init.worker === 0, init.worker);
        fakes[init.worker] = fake;
        return fake as unknown as Worker;
      },
    });
    const job: PropertyJob = {
      property: venue.name,
      invariants: venue.invariants,
      settings: DEFAULT_SETTINGS,
      checkEveryStep: false,
      checkDeterminism: false,
      exercised: false,
      record: false,
      generation: { seed: 1, maxActions: DEFAULT_SETTINGS.maxActions, faults: [] },
    };
    const settled: RunSettled[] = [];
    await pool.startProperty(job, (s) => settled.push(s));
    // With blocks dealt by number (block mod 2), the third block would wait for the stuck worker for ever.
    for (let block = 0; block < 10; block++)
      await pool.submitBlock(
        block,
        block * 4,
        4,
        [0, 1, 2, 3].map((i) => block * 4 + i),
      );
    expect(fakes[0]?.blocks).toEqual([0, 8]);
    expect(fakes[1]?.blocks).toEqual([4, 12, 16, 20, 24, 28, 32, 36]);
    expect(pool.peakInFlight()).toBeLessThanOrEqual(2 * 2 * 4);
    // Everything the free worker judged comes back (its answers arrive on later turns of the
    // loop: a bounded wait); the stuck worker's runs are still held.
    for (let turn = 0; turn < 100 && settled.length < 32; turn++) await new Promise((r) => setImmediate(r));
    expect(settled.map((s) => s.runIndex).sort((a, b) => a - b)).toEqual(
      [4, 12, 16, 20, 24, 28, 32, 36]
        .flatMap((start) => [0, 1, 2, 3].map((i) => start + i))
        .sort((a, b) => a - b),
    );
    for (const fake of fakes) fake.removeAllListeners('message');
  }, 20_000);
});

/**
 * A one-property campaign of trading-venue (seed 11, no faults) on the campaign's thread, or on a
 * pool. Runs of at most 12 actions (the property's own cap is 60): what is checked here is how
 * the 200 runs are dealt, folded and judged, not how long each is; 200 runs of at most 12
 * actions take 1.4 s of CPU on one thread, against 3.6 s uncapped (7,566 actions).
 */
const campaign = (runs: number, pool?: WorkerPool<TradingAction>) =>
  tradingCampaign({
    properties: [venue],
    runs,
    seed: 11,
    faults: [],
    ...(pool ? { pool } : {}),
    extra: { maxActions: 12 },
  });

describe('a 200-run campaign on two workers', () => {
  it('folds the 200 runs of the sequential campaign, in order, with the same result', async () => {
    const sequential = await campaign(200);
    const pool = await startTradingPool(
      { size: 2, seed: 11, faults: [], generates: [venue.name] },
      closeAfterTest,
    );
    const parallel = await campaign(200, pool);
    expect(sequential.result.runs).toBe(200);
    expect(parallel.folded).toEqual(sequential.folded);
    expect(comparable(parallel.result)).toEqual(comparable(sequential.result));
    expect(parallel.result.workers).toEqual({ count: 2, crashes: [] });
  }, 240_000);
});
