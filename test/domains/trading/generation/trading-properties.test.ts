import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRADING_INVARIANTS } from '../../../../invariants/trading/index.ts';
import { TRADING_PROPERTIES } from '../../../../properties/trading/index.ts';
import { TRADING_ACTION_KINDS, type TradingAction } from '../../../../src/domains/trading/trading-action.ts';

type TradingActionKind = TradingAction['kind'];

const kindsOf = (name: string, runs = 100): Set<TradingActionKind> => {
  const property = TRADING_PROPERTIES.find((p) => p.name === name)!;
  const maxActions = property.settings?.maxActions ?? 40;
  const kinds = new Set<TradingActionKind>();
  for (const actions of fc.sample(property.actions({ seed: 1, maxActions }), { seed: 5, numRuns: runs })) {
    expect(actions.length).toBeLessThanOrEqual(maxActions);
    for (const a of actions) kinds.add(a.kind);
  }
  return kinds;
};

describe('trading properties', () => {
  it('have unique names, tags, settings, and name only invariants that exist', () => {
    const known = new Set(TRADING_INVARIANTS.map((i) => i.name));
    expect(new Set(TRADING_PROPERTIES.map((p) => p.name)).size).toBe(TRADING_PROPERTIES.length);
    for (const p of TRADING_PROPERTIES) {
      expect(p.tags.length).toBeGreaterThan(0);
      expect(p.invariants.length).toBeGreaterThan(0);
      for (const name of p.invariants) expect(known, `${p.name} names ${name}`).toContain(name);
      expect(p.settings).toMatchObject({ requestTimeoutMs: 1000, quietMs: 50 });
    }
  });

  it('trading-venue checks every trading invariant with 60 actions (stop orders have their own property)', () => {
    const venue = TRADING_PROPERTIES.find((p) => p.name === 'trading-venue')!;
    const stops = TRADING_INVARIANTS.map((i) => i.name).filter((n) => n.startsWith('stops.'));
    expect(stops).toHaveLength(4);
    expect([...venue.invariants].sort()).toEqual(
      TRADING_INVARIANTS.map((i) => i.name)
        .filter((n) => !stops.includes(n))
        .sort(),
    );
    const stopOrders = TRADING_PROPERTIES.find((p) => p.name === 'stop-orders')!;
    for (const name of stops) expect(stopOrders.invariants).toContain(name);
    expect(venue.settings?.maxActions).toBe(60);
    // Every kind but the venue per run (varied-venues' configure action).
    expect([...kindsOf('trading-venue')].sort()).toEqual(
      TRADING_ACTION_KINDS.filter((k) => k !== 'configure').sort(),
    );
  });

  it('each focused property sends what it is about', () => {
    expect([...kindsOf('order-lifecycle')].sort()).toEqual(['cancel', 'place', 'replace']);
    expect(kindsOf('margin-and-marks')).toContain('set_mark');
    expect(kindsOf('margin-and-marks')).not.toContain('reconnect');
    expect(kindsOf('reconnect-convergence')).toContain('reconnect');
    expect(kindsOf('self-trade-prevention')).not.toContain('reconnect');
    const stopTypes = (name: string) => {
      const property = TRADING_PROPERTIES.find((p) => p.name === name)!;
      const types = new Set<string>();
      for (const actions of fc.sample(property.actions({ seed: 1, maxActions: 40 }), {
        seed: 5,
        numRuns: 50,
      }))
        for (const a of actions) if (a.kind === 'place') types.add(a.orderType);
      return types;
    };
    expect(stopTypes('stop-orders')).toEqual(new Set(['limit', 'market', 'stop_market', 'stop_limit']));
    for (const p of TRADING_PROPERTIES.filter((p) => p.name !== 'stop-orders'))
      expect(
        [...stopTypes(p.name)].filter((t) => t.startsWith('stop_')),
        p.name,
      ).toEqual([]);
  });
});
