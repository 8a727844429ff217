import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '../../../src/core/model/property.ts';
import {
  bundledInit,
  bundleStillThere,
  spawnBundledWorker,
  type WorkerBundle,
  workerBundleFor,
} from '../../../src/core/workers/worker-bundle.ts';
import type { WorkerPool } from '../../../src/core/workers/worker-pool.ts';
import type { WorkerInit } from '../../../src/core/workers/worker-protocol.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import {
  comparable,
  poolCloser,
  tradingProperty as property,
  startTradingPool,
  TRADING,
  tradingCampaign,
} from '../../support/pool-trading.ts';

/**
 * Pool workers started from the bundle of the worker (bin/cli-bundle.mjs, `worker`): they judge
 * every run as the campaign's own thread does, a failure included; the bundle is used only where
 * it can serve (an in-process target, a pack it holds, not turned off).
 */
const BUNDLER = new URL('../../../bin/cli-bundle.mjs', import.meta.url).href;

interface Bundler {
  buildWorkerBundle(): Promise<URL>;
  freshWorkerBundle(root?: string, build?: boolean): WorkerBundle | undefined;
}

/** The bundle as built now (published or not: a source edited during the build leaves it unpublished). */
let bundle: WorkerBundle;
beforeAll(async () => {
  const bundler = (await import(BUNDLER)) as Bundler;
  const entry = await bundler.buildWorkerBundle();
  bundle = {
    entry: entry.href,
    packs: { [TRADING.module]: new URL('trading-pack.mjs', entry).href },
  };
}, 120_000);

const closeAfterTest = poolCloser('each');

/** A campaign of seed 5, on this thread or on a pool, with every folded run noted in order. */
const campaign = (
  properties: Property<TradingAction>[],
  runs: number,
  bugs: string[],
  pool?: WorkerPool<TradingAction>,
) => tradingCampaign({ properties, runs, seed: 5, bugs, ...(pool ? { pool } : {}) });

/** A pool of two worker threads (none on this thread), each started from the bundle. */
function bundledPool(bugs: string[], started: WorkerInit[]) {
  return startTradingPool(
    {
      size: 2,
      seed: 5,
      bugs,
      inThread: false,
      spawn: (init) => {
        started.push(bundledInit(bundle, init));
        return spawnBundledWorker(bundle, init);
      },
    },
    closeAfterTest,
  );
}

describe('pool workers started from the bundle of the worker', () => {
  it('read the bundled pack, and judge a clean campaign as this thread does', async () => {
    const properties = [property('trading-venue'), property('margin-and-marks')];
    const sequential = await campaign(properties, 16, []);
    const started: WorkerInit[] = [];
    const pool = await bundledPool([], started);
    const parallel = await campaign(properties, 16, [], pool);
    expect(started.map((init) => init.pack.module)).toEqual([
      bundle.packs[TRADING.module],
      bundle.packs[TRADING.module],
    ]);
    expect(started.every((init) => existsSync(new URL(init.pack.module)))).toBe(true);
    expect(parallel.folded.length).toBe(32);
    expect([...parallel.folded].sort()).toEqual([...sequential.folded].sort());
    expect(comparable(parallel.result)).toEqual(comparable(sequential.result));
    expect(sequential.result.properties.every((p) => p.passed)).toBe(true);
  }, 240_000);

  it('find a planted bug as this thread does, and the campaign shrinks it to the same counterexample', async () => {
    const properties = [property('order-lifecycle')];
    const sequential = await campaign(properties, 30, ['overfill']);
    const pool = await bundledPool(['overfill'], []);
    const parallel = await campaign(properties, 30, ['overfill'], pool);
    expect(sequential.result.properties[0]?.failure).toBeDefined();
    expect(parallel.folded).toEqual(sequential.folded);
    expect(comparable(parallel.result)).toEqual(comparable(sequential.result));
  }, 240_000);
});

describe('workerBundleFor', () => {
  it('serves only an in-process target, a pack the bundle holds, and not when turned off', async () => {
    expect(await workerBundleFor(TRADING.module, { kind: 'ws' } as never)).toBeUndefined();
    expect(
      await workerBundleFor(new URL('../../fixtures/crashing-trading-pack.ts', import.meta.url).href, {
        kind: 'inproc',
      }),
    ).toBeUndefined();
    const saved = process.env.SHAKEDOWN_WORKER_BUNDLE;
    process.env.SHAKEDOWN_WORKER_BUNDLE = '0';
    try {
      expect(await workerBundleFor(TRADING.module, { kind: 'inproc' })).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.SHAKEDOWN_WORKER_BUNDLE;
      else process.env.SHAKEDOWN_WORKER_BUNDLE = saved;
    }
  });

  it('gives a fresh bundle holding the trading pack (built again if a source changed meanwhile)', async () => {
    const bundler = (await import(BUNDLER)) as Bundler;
    let found: WorkerBundle | undefined;
    // Other edits to the checkout may make a bundle stale between its build and this check.
    for (let attempt = 0; attempt < 3 && !found; attempt++) {
      if (!bundler.freshWorkerBundle(undefined, false)) await bundler.buildWorkerBundle();
      found = await workerBundleFor(TRADING.module, { kind: 'inproc' });
    }
    expect(found?.packs[TRADING.module]).toMatch(
      /\/node_modules\/\.cache\/shakedown\/worker-[0-9a-f]+\/build-[^/]+\/trading-pack\.mjs$/,
    );
    expect(found?.entry).toMatch(/\/worker\.mjs$/);
    expect(bundleStillThere(found as WorkerBundle)).toBe(true);
    // A build removed since (replaced a minute ago by a newer one): workers start from the sources.
    const removed = new URL('../build-removed/', found?.entry).href;
    expect(bundleStillThere({ ...(found as WorkerBundle), entry: `${removed}worker.mjs` })).toBe(false);
    expect(
      bundleStillThere({
        ...(found as WorkerBundle),
        packs: { [TRADING.module]: `${removed}trading-pack.mjs` },
      }),
    ).toBe(false);
    expect(bundledInit(found as WorkerBundle, { pack: TRADING } as WorkerInit).pack).toEqual({
      module: found?.packs[TRADING.module],
      exportName: 'tradingPack',
    });
  }, 120_000);
});
