import { describe, expect, it } from 'vitest';
import { missingCapabilities, provides } from '../../../src/core/model/capabilities.ts';
import type { Invariant } from '../../../src/core/model/invariant.ts';
import { checkInvariants } from '../../../src/core/runner/check-invariants.ts';
import { planCampaignInvariants, planInvariants } from '../../../src/core/runner/select-invariants.ts';
import { isShakedownError, type ShakedownError } from '../../../src/core/shakedown-error.ts';

const invariant = (name: string, needs?: string[], extra: Partial<Invariant> = {}): Invariant => ({
  name,
  description: name,
  ...(needs ? { needs } : {}),
  check: () => [],
  ...extra,
});

const INVARIANTS = [
  invariant('a.free'),
  invariant('b.accounts', ['accounts']),
  invariant('c.margin', ['accounts', 'margin']),
  invariant('d.seq', ['stream-seq']),
];
const BY_NAME = new Map(INVARIANTS.map((i) => [i.name, i]));
const PROPERTY = { name: 'p', invariants: ['a.free', 'b.accounts', 'c.margin', 'd.seq'] };

function thrown(run: () => unknown): ShakedownError {
  try {
    run();
  } catch (error) {
    if (isShakedownError(error)) return error;
    throw error;
  }
  throw new Error('it did not throw');
}

describe('missingCapabilities', () => {
  it('a target that declares nothing provides everything; an invariant that needs nothing always applies', () => {
    expect(missingCapabilities(['accounts', 'margin'], undefined)).toEqual([]);
    expect(missingCapabilities(undefined, [])).toEqual([]);
    expect(missingCapabilities([], ['accounts'])).toEqual([]);
  });

  it('lists what is lacking, in the order the invariant needs it', () => {
    expect(missingCapabilities(['margin', 'accounts', 'tape'], ['tape'])).toEqual(['margin', 'accounts']);
    expect(missingCapabilities(['accounts'], ['accounts', 'margin'])).toEqual([]);
    expect(missingCapabilities(['accounts'], [])).toEqual(['accounts']);
  });

  it('provides: undefined is everything, a list only what it names', () => {
    expect(provides(undefined, 'stp')).toBe(true);
    expect(provides(['stp'], 'stp')).toBe(true);
    expect(provides(['margin'], 'stp')).toBe(false);
  });
});

describe('planInvariants', () => {
  it('checks everything against a target that declares nothing', () => {
    const plan = planInvariants(PROPERTY, BY_NAME, undefined);
    expect(plan.checked.map((i) => i.name)).toEqual(PROPERTY.invariants);
    expect(plan.skipped).toEqual([]);
  });

  it('skips what the target lacks, each with the capabilities missing', () => {
    const plan = planInvariants(PROPERTY, BY_NAME, ['stream-seq']);
    expect(plan.checked.map((i) => i.name)).toEqual(['a.free', 'd.seq']);
    expect(plan.skipped).toEqual([
      { invariant: 'b.accounts', reason: 'missing: accounts', missing: ['accounts'] },
      { invariant: 'c.margin', reason: 'missing: accounts, margin', missing: ['accounts', 'margin'] },
    ]);
  });

  it("the user's choice comes first: --skip-invariants, then --invariants, then capabilities", () => {
    const plan = planInvariants(PROPERTY, BY_NAME, ['accounts'], {
      only: ['a.free', 'b.accounts', 'c.margin'],
      skip: ['a.free'],
    });
    expect(plan.checked.map((i) => i.name)).toEqual(['b.accounts']);
    expect(plan.skipped).toEqual([
      { invariant: 'a.free', reason: '--skip-invariants', missing: [] },
      { invariant: 'c.margin', reason: 'missing: margin', missing: ['margin'] },
      { invariant: 'd.seq', reason: 'not in --invariants', missing: [] },
    ]);
  });

  it('a property naming an unknown invariant is a programming error', () => {
    expect(() => planInvariants({ name: 'p', invariants: ['nope'] }, BY_NAME, undefined)).toThrow(
      'property p names an unknown invariant nope',
    );
  });
});

describe('planCampaignInvariants', () => {
  it('a property left with nothing to check stops the campaign: SHK_NOTHING_TO_CHECK, exit 2, naming why', () => {
    const other = { name: 'q', invariants: ['a.free'] };
    const error = thrown(() =>
      planCampaignInvariants([PROPERTY, other], INVARIANTS, [], { skip: ['a.free'] }),
    );
    expect(error.code).toBe('SHK_NOTHING_TO_CHECK');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('2 properties are left with no invariant');
    expect(error.message).toContain('p: a.free (--skip-invariants), b.accounts (missing: accounts)');
    expect(error.message).toContain('q: a.free (--skip-invariants)');
    expect(error.message).toContain('the target provides: nothing');
    expect(error.message).not.toContain('\n');
  });

  it('passes when every property keeps something, and plans each', () => {
    const plans = planCampaignInvariants([PROPERTY], INVARIANTS, ['accounts']);
    expect(plans.map((p) => p.checked.map((i) => i.name))).toEqual([['a.free', 'b.accounts']]);
  });

  it('capabilities that are not a list of names are the adapter’s error', () => {
    const error = thrown(() => planCampaignInvariants([PROPERTY], INVARIANTS, 'accounts' as never));
    expect(error.code).toBe('SHK_ADAPTER_INVALID');
    expect(error.exitCode).toBe(2);
  });
});

describe('checkInvariants: what each invariant examined', () => {
  const evidence = { actions: [], history: [], events: [], projections: {}, snapshot: undefined, extra: {} };

  it('counted, counted nothing, or not reported', () => {
    const { results } = checkInvariants(evidence, [
      invariant('counts', undefined, {
        check: (_e, tally) => {
          tally?.count(3);
          tally?.count();
          return [];
        },
      }),
      // Declares what it counts and never counts: it looked and found nothing.
      invariant('declared', undefined, { counts: 'orders' }),
      // Says nothing either way: not reported.
      invariant('silent'),
      // Calls count(0): reported, nothing examined.
      invariant('zero', undefined, {
        check: (_e, tally) => {
          tally?.count(0);
          return [];
        },
      }),
    ]);
    expect(results.map((r) => [r.name, r.checked])).toEqual([
      ['counts', 4],
      ['declared', 0],
      ['silent', undefined],
      ['zero', 0],
    ]);
  });

  it('a violation is something checked, whatever the tally says; a throw reports nothing', () => {
    const { results } = checkInvariants(evidence, [
      invariant('broken', undefined, {
        counts: 'orders',
        check: () => [{ invariant: 'broken', message: 'x', steps: [], events: [] }],
      }),
      invariant('throws', undefined, {
        counts: 'orders',
        check: () => {
          throw new Error('boom');
        },
      }),
    ]);
    expect(results.map((r) => [r.name, r.status, r.checked])).toEqual([
      ['broken', 'fail', 1],
      ['throws', 'unknown', undefined],
    ]);
  });
});
