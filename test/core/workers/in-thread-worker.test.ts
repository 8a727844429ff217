import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, runCampaign } from '../../../src/core/runner/campaign.ts';
import type { PropertyJob } from '../../../src/core/runner/run-pool.ts';
import { isShakedownError } from '../../../src/core/shakedown-error.ts';
import { InThreadWorker } from '../../../src/core/workers/in-thread-worker.ts';
import { WorkerPool } from '../../../src/core/workers/worker-pool.ts';
import type { FromWorker } from '../../../src/core/workers/worker-protocol.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';
import {
  poolCloser,
  tradingProperty as property,
  startTradingPool,
  TRADING,
} from '../../support/pool-trading.ts';

const venue = property('trading-venue');
const job: PropertyJob = {
  property: venue.name,
  invariants: venue.invariants,
  settings: DEFAULT_SETTINGS,
  checkEveryStep: false,
  checkDeterminism: false,
  exercised: false,
  record: false,
  generation: { seed: 4, maxActions: DEFAULT_SETTINGS.maxActions, faults: [] },
};
const init = {
  pack: TRADING,
  spec: { kind: 'inproc' as const },
  targetOptions: { bugs: [], seed: 4, faults: [] },
};

const closeAfterTest = poolCloser('each');

/**
 * Every message the slot sends from now until `until` says enough. It waits on the slot's own
 * messages, not on turns of the event loop: opening a session loads the pack, which takes as long
 * as the machine makes it take. The 30 s bound only keeps a slot that never answers from hanging
 * the file; the expectations then say what did arrive.
 */
function messagesOf(worker: InThreadWorker, until: (seen: FromWorker[]) => boolean): Promise<FromWorker[]> {
  const seen: FromWorker[] = [];
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(seen), 30_000);
    worker.on('message', (message: FromWorker) => {
      seen.push(message);
      if (until(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
}

const judgedRuns = (seen: FromWorker[]) => seen.filter((m) => m.type === 'judged').length;

describe('a pool slot on the campaign thread', () => {
  it('answers as a worker thread does: ready, then one judgement per run of a block, in order', async () => {
    const worker = new InThreadWorker({ ...init, worker: 0, incarnation: 0 });
    worker.postMessage({ type: 'property', job, serial: 1 });
    worker.postMessage({ type: 'block', start: 0, count: 5, runs: [0, 1, 2, 3, 4] });
    const seen = await messagesOf(worker, (s) => s.length >= 6);
    expect(seen.map((m) => (m.type === 'judged' ? m.judgement.runIndex : m.type))).toEqual([
      'ready',
      0,
      1,
      2,
      3,
      4,
    ]);
    await worker.terminate();
  }, 60_000);

  it('after terminate it answers nothing more and reports its exit', async () => {
    const worker = new InThreadWorker({ ...init, worker: 0, incarnation: 0 });
    const exits: number[] = [];
    worker.on('exit', (code: number) => exits.push(code));
    await messagesOf(worker, (s) => s.some((m) => m.type === 'ready'));
    worker.postMessage({ type: 'property', job, serial: 1 });
    await worker.terminate();
    const after: FromWorker[] = [];
    worker.on('message', (message: FromWorker) => after.push(message));
    worker.postMessage({ type: 'block', start: 0, count: 3, runs: [0, 1, 2] });
    // A live slot on this thread, given the same block, judges all three runs; by then the
    // terminated slot would have answered too, had it gone on.
    const control = new InThreadWorker({ ...init, worker: 1, incarnation: 0 });
    control.postMessage({ type: 'property', job, serial: 1 });
    control.postMessage({ type: 'block', start: 0, count: 3, runs: [0, 1, 2] });
    expect(judgedRuns(await messagesOf(control, (s) => judgedRuns(s) >= 3))).toBe(3);
    await control.terminate();
    expect(after).toEqual([]);
    expect(exits).toEqual([1]);
  }, 60_000);

  it('a pool of one slot on this thread gives the sequential result; a pack it cannot load is refused at start', async () => {
    const factory = await tradingPack.targetFactory({ kind: 'inproc' }, { bugs: [], seed: 4, faults: [] });
    const options = {
      properties: [venue],
      invariants: tradingPack.invariants,
      projection: tradingPack.projection,
      clients: tradingPack.clients,
      factory,
      seed: 4,
      runs: 20,
      timeBudgetMs: 300_000,
      now: () => performance.now(),
    };
    const sequential = await runCampaign<TradingAction>(options);
    const pool = await startTradingPool(
      { size: 1, seed: 4, faults: [], generates: [venue.name], inThread: true },
      closeAfterTest,
    );
    const here = await runCampaign<TradingAction>({ ...options, pool });
    await factory.dispose?.();
    expect(here.runs).toBe(20);
    expect(here.actions).toBe(sequential.actions);
    expect(here.properties.map((p) => ({ ...p, durationMs: 0 }))).toEqual(
      sequential.properties.map((p) => ({ ...p, durationMs: 0 })),
    );

    const refused = await WorkerPool.start<TradingAction>({
      size: 1,
      ...init,
      pack: { module: TRADING.module, exportName: 'nope' },
      inThread: true,
    }).catch((error: unknown) => error);
    expect(isShakedownError(refused) && refused.message).toMatch(/no domain pack named nope/);
  }, 120_000);
});
