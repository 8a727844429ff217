import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveTag } from '../../../../src/core/coverage/resolve-tag.ts';
import { DEFAULT_SETTINGS, executeRun } from '../../../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../../../src/domains/trading/trading-pack.ts';
import { ORDER_TRANSITIONS, TRADING_SURFACE } from '../../../../src/domains/trading/trading-surface.ts';

const declared = new Set(TRADING_SURFACE.categories.flatMap((c) => c.items.map((i) => `${c.name}:${i}`)));

describe('the trading surface', () => {
  it('declares each item once per category', () => {
    for (const c of TRADING_SURFACE.categories) expect(new Set(c.items).size, c.name).toBe(c.items.length);
  });

  it('resolves every tag of every property', () => {
    const unresolved = tradingPack.properties.flatMap((p) =>
      p.tags.filter((tag) => resolveTag(TRADING_SURFACE, tag).length === 0).map((tag) => `${p.name}: ${tag}`),
    );
    expect(unresolved).toEqual([]);
  });

  it('reads off real runs only declared items, and many of them: reject reasons and every transition', async () => {
    const venue = tradingPack.properties.find((p) => p.name === 'trading-venue');
    const factory = inprocTargetFactory({ bugs: [] });
    const runs = fc.sample(venue!.actions({ seed: 1, maxActions: 60 }), { seed: 1, numRuns: 30 });
    const seen = new Set<string>();
    for (const actions of runs) {
      const report = await executeRun(factory as never, actions as TradingAction[], {
        clients: tradingPack.clients,
        projection: tradingPack.projection,
        invariants: [],
        settings: DEFAULT_SETTINGS,
      });
      for (const id of tradingPack.exercised(report.evidence as never)) seen.add(id);
    }
    expect([...seen].filter((id) => !declared.has(id))).toEqual([]);
    expect([...seen].filter((id) => id.startsWith('reject:')).length).toBeGreaterThan(10);
    const transitions = [...seen].filter((id) => id.startsWith('transition:'));
    expect(transitions.length).toBeGreaterThanOrEqual(ORDER_TRANSITIONS.length - 2);
    for (const kind of ['place', 'cancel', 'replace']) expect(seen.has(`action:${kind}`)).toBe(true);
  }, 60_000);
});
