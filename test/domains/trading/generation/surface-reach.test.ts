import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRADING_PROPERTIES } from '../../../../properties/trading/index.ts';
import { LONG_LIVED_LIMITS } from '../../../../properties/trading/long-lived-venue.ts';
import { availableAtoms, worstLots } from '../../../../src/domains/trading/generation/funding.ts';
import { lotsOf, ticksOf } from '../../../../src/domains/trading/generation/instrument-grid.ts';
import { TradingModel } from '../../../../src/domains/trading/generation/trading-model.ts';
import { validateExchangeConfig } from '../../../../src/domains/trading/protocol/validate-config.ts';
import type { TradingAction } from '../../../../src/domains/trading/trading-action.ts';
import { ALL_TRADING_CAPABILITIES } from '../../../../src/domains/trading/trading-capabilities.ts';

const property = (name: string) => TRADING_PROPERTIES.find((p) => p.name === name)!;

/** What a run reaches, each counted once per run that has it. */
const REACHES = [
  'halt',
  'resume_trading',
  'reset',
  'status',
  'invalid mark',
  'malformed request',
  'unknown symbol',
  'price on the grid',
  'price just off the grid',
  'size leaving available exactly 0',
] as const;
type Reach = (typeof REACHES)[number];

/**
 * Replays a run through the generation model (the run's own venue when it starts with a
 * configure action) and says what it reached. A price just off the grid is a number within one
 * tick of a valid price that is not on the tick grid; a size leaving available at exactly 0 is a
 * place that grows the trader's worst position and leaves `available` at 0 cash atoms, which the
 * venue must accept.
 */
function reachesOf(actions: readonly TradingAction[]): Set<Reach> {
  const first = actions[0];
  const model = new TradingModel(1, actions.length, first?.kind === 'configure' ? first.config : undefined);
  const seen = new Set<Reach>();
  for (const a of actions) {
    if (a.kind === 'halt' || a.kind === 'resume_trading' || a.kind === 'reset' || a.kind === 'status')
      seen.add(a.kind);
    if (a.kind === 'malformed') seen.add('malformed request');
    if (a.kind === 'set_mark' && (typeof a.price !== 'number' || a.price <= 0)) seen.add('invalid mark');
    if (a.kind === 'place') {
      const grid = model.grids.get(a.symbol);
      if (grid === undefined) seen.add('unknown symbol');
      if (grid && a.orderType === 'limit' && typeof a.price === 'number') {
        const tick = grid.config.tickSize;
        if (ticksOf(grid, a.price) !== undefined) seen.add('price on the grid');
        else if (Math.abs(a.price - Math.round(a.price / tick) * tick) < tick)
          seen.add('price just off the grid');
      }
      const lots = grid ? lotsOf(grid, a.qty) : undefined;
      if (grid && lots !== undefined && a.client !== undefined) {
        const extra = { grid, side: a.side, lots };
        const grows = worstLots(model, a.client, a.symbol, extra) > worstLots(model, a.client, a.symbol);
        if (grows && availableAtoms(model, a.client, extra) === 0)
          seen.add('size leaving available exactly 0');
      }
    }
    model.apply(a);
  }
  return seen;
}

function tally(name: string, runs: number, maxActions?: number): Record<Reach, number> {
  const p = property(name);
  const counts = Object.fromEntries(REACHES.map((r) => [r, 0])) as Record<Reach, number>;
  const arbitrary = p.actions({
    seed: 1,
    maxActions: maxActions ?? p.settings?.maxActions ?? 40,
    capabilities: ALL_TRADING_CAPABILITIES,
  });
  for (const actions of fc.sample(arbitrary, { seed: 42, numRuns: runs }))
    for (const reach of reachesOf(actions)) counts[reach]++;
  return counts;
}

describe('the generator reaches the rest of the venue', () => {
  it('trading-venue: halts and resumes, resets, status queries, refused marks, malformed requests, grid edges, the funding edge', () => {
    const counts = tally('trading-venue', 300);
    // Out of 300 runs (seeded, so the same every time): each reach in a good share of them.
    expect(counts.halt).toBeGreaterThanOrEqual(60);
    expect(counts.resume_trading).toBeGreaterThanOrEqual(60);
    expect(counts.reset).toBeGreaterThanOrEqual(20);
    expect(counts.status).toBeGreaterThanOrEqual(100);
    expect(counts['invalid mark']).toBeGreaterThanOrEqual(30);
    // Malformed requests and unknown symbols at a low rate.
    expect(counts['malformed request']).toBeGreaterThanOrEqual(30);
    expect(counts['malformed request']).toBeLessThan(200);
    expect(counts['unknown symbol']).toBeGreaterThanOrEqual(15);
    expect(counts['price on the grid']).toBeGreaterThanOrEqual(250);
    expect(counts['price just off the grid']).toBeGreaterThanOrEqual(30);
    expect(counts['size leaving available exactly 0']).toBeGreaterThanOrEqual(20);
  });

  it('varied-venues reaches the same on venues of its own', () => {
    const counts = tally('varied-venues', 200);
    for (const reach of REACHES) expect(counts[reach], reach).toBeGreaterThan(0);
    expect(counts['size leaving available exactly 0']).toBeGreaterThanOrEqual(15);
  });
});

describe('only what the target provides', () => {
  it('no halt, resume or reset without admin-controls, no status without order-status, no malformed request without raw-requests', () => {
    const without = ['admin-controls', 'order-status', 'raw-requests', 'venue-config'];
    const capabilities = ALL_TRADING_CAPABILITIES.filter((c) => !without.includes(c));
    const kinds = new Set<string>();
    for (const name of ['trading-venue', 'varied-venues'])
      for (const actions of fc.sample(property(name).actions({ seed: 1, maxActions: 60, capabilities }), {
        seed: 9,
        numRuns: 100,
      }))
        for (const a of actions) kinds.add(a.kind);
    expect([...kinds].sort()).toEqual(['cancel', 'cancel_all', 'place', 'reconnect', 'replace', 'set_mark']);
  });
});

describe('varied-venues: a venue of its own per run', () => {
  // The in-process venue's capabilities: venue-config is only ever declared, never assumed.
  const everything = { capabilities: ALL_TRADING_CAPABILITIES };
  const runs = fc.sample(property('varied-venues').actions({ seed: 1, maxActions: 60, ...everything }), {
    seed: 7,
    numRuns: 200,
  });

  it('starts every run with a configure action the venue accepts: 2-3 sandbox instruments, other ticks, lots and multipliers', () => {
    const ticks = new Set<number>();
    const lots = new Set<number>();
    const multipliers = new Set<number>();
    for (const actions of runs) {
      const first = actions[0];
      expect(first?.kind).toBe('configure');
      if (first?.kind !== 'configure') continue;
      expect(validateExchangeConfig(first.config, 'test')).toEqual(first.config);
      const sandbox = first.config.instruments.filter((i) => i.symbol.startsWith(first.config.sandboxPrefix));
      expect(sandbox.length).toBeGreaterThanOrEqual(2);
      expect(sandbox.length).toBeLessThanOrEqual(3);
      for (const i of sandbox) {
        ticks.add(i.tickSize);
        lots.add(i.lotSize);
        multipliers.add(i.contractMultiplier ?? 1);
      }
      // Every other action aims at that venue's instruments (or, on purpose, at none).
      expect(actions.filter((a) => a.kind === 'configure')).toHaveLength(1);
    }
    expect(ticks.size).toBeGreaterThanOrEqual(5);
    expect(lots.size).toBeGreaterThanOrEqual(5);
    expect([...multipliers].filter((m) => m !== 1).length).toBeGreaterThanOrEqual(3);
  });

  it('sizes its valid orders on that venue lot grid', () => {
    let sized = 0;
    let onGrid = 0;
    for (const actions of runs) {
      const first = actions[0];
      if (first?.kind !== 'configure') continue;
      const model = new TradingModel(1, actions.length, first.config);
      for (const a of actions) {
        if (a.kind === 'place' && typeof a.qty === 'number' && a.qty > 0 && !a.expectRefusal) {
          const grid = model.grids.get(a.symbol);
          if (grid === undefined) continue;
          sized++;
          if (lotsOf(grid, a.qty) !== undefined) onGrid++;
        }
      }
    }
    expect(sized).toBeGreaterThan(1000);
    // Boundary values off the lot are a small share on purpose.
    expect(onGrid / sized).toBeGreaterThan(0.85);
  });

  it('leaves the configure action out for a target that builds its venue once', () => {
    const capabilities = ['accounts', 'margin', 'reconnect', 'stp', 'admin-controls', 'order-status'];
    for (const actions of fc.sample(
      property('varied-venues').actions({ seed: 1, maxActions: 60, capabilities }),
      {
        seed: 7,
        numRuns: 30,
      },
    ))
      expect(actions.some((a) => a.kind === 'configure')).toBe(false);
  });
});

describe('long-lived-venue', () => {
  it('runs thousands of actions on one venue with low memory limits, never reset', () => {
    const p = property('long-lived-venue');
    expect(p.settings?.maxActions).toBe(3000);
    expect(p.settings?.maxRuns).toBeLessThanOrEqual(4);
    const runs = fc.sample(p.actions({ seed: 1, maxActions: 3000, capabilities: ALL_TRADING_CAPABILITIES }), {
      seed: 3,
      numRuns: 4,
    });
    for (const actions of runs) {
      expect(actions.length).toBeGreaterThanOrEqual(2000);
      const first = actions[0];
      expect(first?.kind === 'configure' && first.config.retainFinishedOrders).toBe(
        LONG_LIVED_LIMITS.retainFinishedOrders,
      );
      expect(first?.kind === 'configure' && first.config.resumeBuffer).toBe(LONG_LIVED_LIMITS.resumeBuffer);
      expect(actions.some((a) => a.kind === 'reset')).toBe(false);
      // Client order ids come back once the venue has forgotten their orders.
      const model = new TradingModel(
        1,
        actions.length,
        first?.kind === 'configure' ? first.config : undefined,
      );
      for (const a of actions) model.apply(a);
      expect(model.orders.filter((o) => o.forgotten).length).toBeGreaterThan(actions.length / 6);
    }
  });
});
