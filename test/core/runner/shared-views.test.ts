import { describe, expect, it } from 'vitest';
import type { Invariant } from '../../../src/core/model/invariant.ts';
import { checkInvariants } from '../../../src/core/runner/check-invariants.ts';
import { sharedView, sharingViews, withSharedViews } from '../../../src/core/runner/shared-views.ts';

const evidence = () => ({
  actions: [],
  history: [],
  events: [],
  projections: {},
  snapshot: undefined,
  extra: {},
});

describe('views shared while a run is checked', () => {
  it('builds a view once inside the scope, on every call outside it', () => {
    const run = evidence();
    let builds = 0;
    const view = () => sharedView(run, 'index', () => ++builds);
    expect(sharingViews(run)).toBe(false);
    expect([view(), view()]).toEqual([1, 2]);
    withSharedViews(run, () => {
      expect(sharingViews(run)).toBe(true);
      expect([view(), view(), view()]).toEqual([3, 3, 3]);
      // Another key, another view; a nested scope is the same scope.
      expect(sharedView(run, 'other', () => 'x')).toBe('x');
      withSharedViews(run, () => expect(view()).toBe(3));
      expect(sharingViews(run)).toBe(true);
    });
    // Closed: edits made after the check are never judged from the old view.
    expect(sharingViews(run)).toBe(false);
    expect(view()).toBe(4);
  });

  it('keeps views per evidence object, and closes the scope when the check throws', () => {
    const a = evidence();
    const b = evidence();
    withSharedViews(a, () => {
      expect(sharedView(a, 'k', () => 'a')).toBe('a');
      expect(sharingViews(b)).toBe(false);
      expect(sharedView(b, 'k', () => 'b')).toBe('b');
    });
    expect(() =>
      withSharedViews(a, () => {
        throw new Error('checker broke');
      }),
    ).toThrow('checker broke');
    expect(sharingViews(a)).toBe(false);
  });

  it('checkInvariants shares a view among its invariants, for one run at a time', () => {
    let builds = 0;
    const reader = (name: string): Invariant => ({
      name,
      description: 'reads the shared view',
      counts: 'events',
      check: (run, tally) => {
        tally?.count(sharedView(run, 'events', () => ++builds));
        return [];
      },
    });
    const invariants = [reader('a'), reader('b'), reader('c')];
    const first = checkInvariants(evidence(), invariants);
    expect(first.results.map((r) => r.checked)).toEqual([1, 1, 1]);
    const second = checkInvariants(evidence(), invariants);
    expect(second.results.map((r) => r.checked)).toEqual([2, 2, 2]);
    expect(builds).toBe(2);
  });
});
