import { describe, expect, it } from 'vitest';
import { CoverageTally, coverageSummary, mergeCoverage } from '../../../src/core/coverage/coverage-tally.ts';
import { checkMinCoverage, parseMinCoverage } from '../../../src/core/coverage/min-coverage.ts';
import { resolveTag } from '../../../src/core/coverage/resolve-tag.ts';
import type { SurfaceRegistry } from '../../../src/core/coverage/surface-registry.ts';
import { isShakedownError } from '../../../src/core/shakedown-error.ts';

const registry: SurfaceRegistry = {
  categories: [
    { name: 'action', label: 'action types', items: ['place', 'cancel'] },
    { name: 'event', label: 'event types', items: ['fill', 'order_cancelled', 'cancel'] },
    { name: 'fault', label: 'fault kinds', items: ['frame.drop', 'connection.close'] },
    { name: 'transition', label: 'transitions', items: ['new->open', 'open->filled'] },
  ],
};

describe('coverage', () => {
  it('counts what was exercised of each category, in declaration order, ignoring undeclared ids', () => {
    const tally = new CoverageTally();
    tally.add([
      'event:order_cancelled',
      'action:place',
      'event:fill',
      'fault:frame.drop',
      'event:nonsense',
      'other:x',
    ]);
    const summary = coverageSummary(registry, tally.ids());
    expect(summary.categories.map((c) => [c.name, c.exercised])).toEqual([
      ['action', ['place']],
      ['event', ['fill', 'order_cancelled']],
      ['fault', ['frame.drop']],
      ['transition', []],
    ]);
    expect(summary).toMatchObject({ declared: 9, exercised: 4, percent: 44.4 });
  });

  it('merges as a union, and merging a summary with itself changes nothing', () => {
    const a = coverageSummary(registry, ['action:place', 'transition:new->open']);
    const b = coverageSummary(registry, ['action:cancel', 'transition:new->open']);
    const merged = mergeCoverage(a, b);
    expect(merged.categories.find((c) => c.name === 'action')?.exercised).toEqual(['place', 'cancel']);
    expect(merged.exercised).toBe(3);
    expect(mergeCoverage(merged, merged)).toEqual(merged);
    expect(coverageSummary({ categories: [] }, []).percent).toBe(0);
  });

  it('resolves a bare tag to every category declaring it, a qualified one to itself', () => {
    expect(resolveTag(registry, 'cancel')).toEqual(['action:cancel', 'event:cancel']);
    expect(resolveTag(registry, 'action:cancel')).toEqual(['action:cancel']);
    expect(resolveTag(registry, 'frame.drop')).toEqual(['fault:frame.drop']);
    expect(resolveTag(registry, 'new->open')).toEqual(['transition:new->open']);
    expect(resolveTag(registry, 'action:fill')).toEqual([]);
    expect(resolveTag(registry, 'no_such_thing')).toEqual([]);
  });

  it('reads --min-coverage floors and judges them', () => {
    const floors = parseMinCoverage(['50', 'action=100', 'fault=40%'], registry);
    expect(floors).toEqual([
      { category: null, percent: 50 },
      { category: 'action', percent: 100 },
      { category: 'fault', percent: 40 },
    ]);
    const summary = coverageSummary(registry, ['action:place', 'action:cancel', 'fault:frame.drop']);
    const judged = checkMinCoverage(summary, floors);
    expect(judged.floors.map((f) => [f.category, f.observed, f.met])).toEqual([
      [null, 33.3, false],
      ['action', 100, true],
      ['fault', 50, true],
    ]);
    expect(judged.met).toBe(false);
  });

  it('refuses a bad floor with a usage error naming it and the categories', () => {
    for (const bad of ['lots', '101', 'nonsense=5', 'action=', '=5']) {
      let error: unknown;
      try {
        parseMinCoverage([bad], registry);
      } catch (e) {
        error = e;
      }
      expect(isShakedownError(error) && error.exitCode === 2, bad).toBe(true);
      expect((error as Error).message).toContain(bad);
      expect((error as Error).message).toContain('action, event, fault, transition');
    }
  });
});
