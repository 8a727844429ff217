import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { TRADING_PROPERTIES } from '../../../../properties/trading/index.ts';
import { FAULT_KINDS } from '../../../../src/core/faults/fault.ts';
import type { GenerationContext, Property } from '../../../../src/core/model/property.ts';
import { tradingActions } from '../../../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import type { TradingAction } from '../../../../src/domains/trading/trading-action.ts';
import { ALL_TRADING_CAPABILITIES } from '../../../../src/domains/trading/trading-capabilities.ts';

/**
 * What generation produced before it was made cheaper, reduced to digests: the first runs of
 * each trading property for fixed seeds, and the counterexamples fast-check shrinks to for a few
 * failing predicates. Any change to a generated value, to a key's order or presence, or to the
 * path of a shrink changes a digest (generated-runs-pinned.test.ts compares them).
 */

/** JSON that keeps what JSON.stringify would blur: undefined fields, -0, NaN and infinities. */
export function strictJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === undefined) return '~undefined';
    if (typeof v === 'number') {
      if (Object.is(v, -0)) return '~-0';
      if (!Number.isFinite(v)) return `~${v}`;
    }
    return v;
  });
}

export const digestOf = (value: unknown): string =>
  createHash('sha256').update(strictJson(value)).digest('hex').slice(0, 24);

const propertyNamed = (name: string): Property<TradingAction> => {
  const found = TRADING_PROPERTIES.find((p) => p.name === name);
  if (!found) throw new Error(`no trading property ${name}`);
  return found;
};

/** The context a campaign on the in-process venue gives a property (every capability, its faults). */
export function campaignContext(property: Property<TradingAction>, seed: number): GenerationContext {
  return {
    seed,
    maxActions: property.settings?.maxActions ?? 60,
    faults: property.faults === 'all' ? [...FAULT_KINDS] : [...(property.faults ?? [])],
    capabilities: [...ALL_TRADING_CAPABILITIES],
  };
}

export interface SampleCase {
  name: string;
  arbitrary: () => fc.Arbitrary<TradingAction[]>;
  seed: number;
  runs: number;
}

/** Every trading property as a campaign gives it, plus the contexts and options it does not use. */
export function sampleCases(): SampleCase[] {
  const cases: SampleCase[] = TRADING_PROPERTIES.map((p) => ({
    name: p.name,
    arbitrary: () => p.actions(campaignContext(p, 20261207)),
    seed: 4242,
    runs: p.name === 'long-lived-venue' ? 2 : 40,
  }));
  const venue = propertyNamed('trading-venue');
  cases.push(
    {
      name: 'trading-venue, no capabilities declared',
      arbitrary: () => venue.actions({ seed: 11, maxActions: 60 }),
      seed: 77,
      runs: 40,
    },
    {
      name: 'trading-venue, every fault kind',
      arbitrary: () => venue.actions({ ...campaignContext(venue, 12), faults: [...FAULT_KINDS] }),
      seed: 78,
      runs: 40,
    },
    {
      name: 'default options, unbiased',
      arbitrary: () => tradingActions({ seed: 13, maxActions: 60 }, { unbiased: true }),
      seed: 79,
      runs: 40,
    },
    {
      name: 'default options, one connection cut kind, nemesis, short gaps',
      arbitrary: () =>
        tradingActions(
          { seed: 14, maxActions: 80, faults: ['connection.close', 'clock.jump'] },
          { nemesisEvery: 7, faultPercent: 50, maxGapMs: 2 },
        ),
      seed: 80,
      runs: 40,
    },
  );
  return cases;
}

/** The digest of a case's first runs, with their count of actions. */
export function sampleDigest(c: SampleCase): { digest: string; actions: number } {
  const runs = fc.sample(c.arbitrary(), { seed: c.seed, numRuns: c.runs });
  return { digest: digestOf(runs), actions: runs.reduce((n, r) => n + r.length, 0) };
}

export interface ShrinkCase {
  name: string;
  property: string;
  seed: number;
  /** Holds for a run that passes; fast-check shrinks the first run it rejects. */
  holds: (actions: TradingAction[]) => boolean;
}

const count = (actions: TradingAction[], keep: (a: TradingAction) => boolean): number =>
  actions.filter(keep).length;

export const SHRINK_CASES: readonly ShrinkCase[] = [
  {
    name: 'trading-venue: fewer than 12 places',
    property: 'trading-venue',
    seed: 501,
    holds: (a) => count(a, (x) => x.kind === 'place') < 12,
  },
  {
    name: 'trading-venue: no replace after a cancel of the same client',
    property: 'trading-venue',
    seed: 502,
    holds: (a) =>
      !a.some(
        (x, i) =>
          x.kind === 'replace' && a.slice(0, i).some((y) => y.kind === 'cancel' && y.client === x.client),
      ),
  },
  {
    name: 'chaos-recovery: no process fault after 5 actions',
    property: 'chaos-recovery',
    seed: 503,
    holds: (a) => !a.some((x, i) => i >= 5 && x.kind === 'fault' && x.fault.type === 'process'),
  },
  {
    name: 'stop-orders: fewer than 3 cancels',
    property: 'stop-orders',
    seed: 504,
    holds: (a) => count(a, (x) => x.kind === 'cancel') < 3,
  },
  {
    name: 'varied-venues: fewer than 25 actions',
    property: 'varied-venues',
    seed: 505,
    holds: (a) => a.length < 25,
  },
];

/**
 * Where fast-check's shrinking of a case ends, and how it got there: a digest of every run the
 * predicate was called with (the runs generated, then each shrink candidate tried, in order), the
 * counterexample and a digest of its path, and the number of shrinks taken.
 */
export function shrinkDigest(c: ShrinkCase): {
  tried: string;
  calls: number;
  counterexample: string;
  path: string;
  shrinks: number;
  actions: number;
} {
  const property = propertyNamed(c.property);
  const tried = createHash('sha256');
  let calls = 0;
  const result = fc.check(
    fc.property(property.actions(campaignContext(property, 20261207)), (actions) => {
      calls += 1;
      tried.update(strictJson(actions));
      return c.holds(actions);
    }),
    { seed: c.seed, numRuns: 300 },
  );
  if (!result.failed || !result.counterexample) throw new Error(`${c.name}: no counterexample`);
  const [actions] = result.counterexample;
  return {
    tried: tried.digest('hex').slice(0, 24),
    calls,
    counterexample: digestOf(actions),
    path: digestOf(result.counterexamplePath ?? ''),
    shrinks: result.numShrinks,
    actions: actions.length,
  };
}
