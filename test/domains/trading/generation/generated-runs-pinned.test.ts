import { describe, expect, it } from 'vitest';
import { SHRINK_CASES, sampleCases, sampleDigest, shrinkDigest } from './pinned-generation.ts';

/**
 * Generation made cheaper must generate the same: these digests were taken from the generator
 * before any of that work (the first runs of every trading property for fixed seeds, and every
 * run fast-check tried while shrinking a few failing predicates). A changed value, a key added,
 * dropped or reordered, a different draw of randomness or another shrink path fails here.
 * Never update them to make a speed-up pass: a change of generated runs is a change of results.
 */

const SAMPLES: Record<string, { digest: string; actions: number }> = {
  'trading-venue': {
    digest: '57e36524c162e7112e426b9a',
    actions: 1677,
  },
  'order-lifecycle': {
    digest: 'd3e1fe9bc6561980fa8498a3',
    actions: 1038,
  },
  'self-trade-prevention': {
    digest: '765a9f54417ef8d044d1629f',
    actions: 1103,
  },
  'margin-and-marks': {
    digest: 'ace0f49cf23619c8c83508c7',
    actions: 1032,
  },
  'reconnect-convergence': {
    digest: 'e1506065681cc736195bc4f4',
    actions: 996,
  },
  'chaos-recovery': {
    digest: '69efe187f2bed43893d7b629',
    actions: 1053,
  },
  'stop-orders': {
    digest: 'cdd3bf8fc6dc3267c30feb9e',
    actions: 1110,
  },
  'varied-venues': {
    digest: '816223bc692686cea8de395f',
    actions: 1705,
  },
  'long-lived-venue': {
    digest: '2e9a7876c0b55b1dd0b72a2b',
    actions: 6000,
  },
  'trading-venue, no capabilities declared': {
    digest: 'd780955f60bd8f45cc41331b',
    actions: 1378,
  },
  'trading-venue, every fault kind': {
    digest: '2ddcc7417eca7cbcaabc10a2',
    actions: 1551,
  },
  'default options, unbiased': {
    digest: 'a561996e69d0d13a85eec26e',
    actions: 1121,
  },
  'default options, one connection cut kind, nemesis, short gaps': {
    digest: '94d728f78b41cbc85d7ea8a1',
    actions: 2116,
  },
};

const SHRINKS: Record<
  string,
  { tried: string; calls: number; counterexample: string; path: string; shrinks: number; actions: number }
> = {
  'trading-venue: fewer than 12 places': {
    tried: '75e12f71615519639fcb968f',
    calls: 3829,
    counterexample: '304b622244b09e257d4218b5',
    path: '774f5ad0e8ac5cc4c32cd1c7',
    shrinks: 181,
    actions: 12,
  },
  'trading-venue: no replace after a cancel of the same client': {
    tried: '1400f5dbd77ea7510b9d9003',
    calls: 453,
    counterexample: '4f6c7b22c21d290070e6c857',
    path: '6692077a48d2129e6787a8c0',
    shrinks: 57,
    actions: 3,
  },
  'chaos-recovery: no process fault after 5 actions': {
    tried: '0f6f04d3e9053c7031759e1d',
    calls: 1999,
    counterexample: '3baa879a72a85e8965515537',
    path: 'dcc7fe5f02cf2fb349988835',
    shrinks: 150,
    actions: 6,
  },
  'stop-orders: fewer than 3 cancels': {
    tried: '4d7d60c0b2c806880a246a22',
    calls: 3096,
    counterexample: '7101061254fba59729ee833d',
    path: 'bb3a76219d55bbf97f765889',
    shrinks: 171,
    actions: 7,
  },
  'varied-venues: fewer than 25 actions': {
    tried: 'a8c435b31bfde403d63de221',
    calls: 17428,
    counterexample: 'def89be3531bcf292641be68',
    path: 'af79b906873df73ebc1ce45b',
    shrinks: 373,
    actions: 25,
  },
};

describe('generated runs are the ones pinned before generation was optimized', () => {
  it.each(sampleCases().map((c) => [c.name, c] as const))('%s: the first runs', (name, c) => {
    expect(sampleDigest(c)).toEqual(SAMPLES[name]);
  });

  it.each(SHRINK_CASES.map((c) => [c.name, c] as const))(
    '%s: every candidate tried, the counterexample and its path',
    (name, c) => {
      expect(shrinkDigest(c)).toEqual(SHRINKS[name]);
    },
    30_000,
  );

  it('pins every case it runs', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(
      sampleCases()
        .map((c) => c.name)
        .sort(),
    );
    expect(Object.keys(SHRINKS).sort()).toEqual(SHRINK_CASES.map((c) => c.name).sort());
  });
});
