import { describe, expect, it } from 'vitest';
import { invariantByName, TRADING_INVARIANTS } from '../../invariants/index.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { PLANTED_BUGS } from '../../src/exchange/bugs/planted-bugs.ts';
import { cleanScenario } from './clean-scenario.ts';

describe('trading invariants', () => {
  it('are registered once each, by name', () => {
    const names = TRADING_INVARIANTS.map((i) => i.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(18);
    for (const invariant of TRADING_INVARIANTS) expect(invariantByName.get(invariant.name)).toBe(invariant);
  });

  it('include the invariant every planted bug names', () => {
    for (const bug of PLANTED_BUGS) expect(invariantByName.has(bug.invariant), bug.name).toBe(true);
  });

  it('all pass a clean run that touches most of the venue', () => {
    const evidence = cleanScenario({ journal: true }).evidence();
    for (const invariant of TRADING_INVARIANTS) {
      expect(invariant.check(evidence), invariant.name).toEqual([]);
    }
  });

  it('never throw on odd evidence', () => {
    const clean = cleanScenario().evidence();
    const odd: unknown[] = [
      { actions: [], history: [], events: [], projections: {}, snapshot: undefined, extra: {} },
      { ...clean, events: [...clean.events, null, { gseq: 0, client: 'admin', txn: 1 }] },
      { ...clean, history: [...clean.history, { step: 99, client: 'maker', invokedAt: 0 }] },
      { ...clean, extra: {}, snapshot: { ...clean.snapshot, accounts: [], orders: [] } },
      {
        ...clean,
        events: clean.events.map((rec) => ({ ...rec, event: { ...rec.event, qty: Number.NaN } })),
      },
    ];
    for (const evidence of odd) {
      for (const invariant of TRADING_INVARIANTS) {
        expect(() => invariant.check(evidence as TradingEvidence), invariant.name).not.toThrow();
      }
    }
  });

  it('report violations with their own name, a message, and the events involved', () => {
    const evidence = cleanScenario().evidence();
    evidence.snapshot.accounts[0].cash += 1;
    const violations = invariantByName.get('funds.conservation')!.check(evidence);
    expect(violations.length).toBeGreaterThan(0);
    for (const v of violations) {
      expect(v.invariant).toBe('funds.conservation');
      expect(v.message).not.toContain('\n');
    }
  });
});
