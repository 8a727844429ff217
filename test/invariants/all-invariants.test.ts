import { describe, expect, it } from 'vitest';
import { invariantByName, TRADING_INVARIANTS } from '../../invariants/trading/index.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { CLIENT_BUGS } from '../../src/domains/trading/transport/client-bugs.ts';
import { PLANTED_BUGS } from '../../src/exchange/bugs/planted-bugs.ts';
import { cleanScenario } from './clean-scenario.ts';
import { Scenario } from './evidence-builder.ts';

describe('trading invariants', () => {
  it('are registered once each, by name', () => {
    const names = TRADING_INVARIANTS.map((i) => i.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(37);
    for (const invariant of TRADING_INVARIANTS) expect(invariantByName.get(invariant.name)).toBe(invariant);
  });

  it('include the invariant every planted bug names, in the venue and in the client', () => {
    for (const bug of PLANTED_BUGS) expect(invariantByName.has(bug.invariant), bug.name).toBe(true);
    for (const bug of CLIENT_BUGS) expect(invariantByName.has(bug.invariant), bug.name).toBe(true);
  });

  it('all pass a clean run that touches most of the venue', () => {
    const evidence = cleanScenario({ journal: true }).evidence();
    for (const invariant of TRADING_INVARIANTS) {
      expect(invariant.check(evidence), invariant.name).toEqual([]);
    }
  });

  it('all pass a run whose chaos a sound venue and client survive', () => {
    const s = new Scenario({ journal: true });
    s.place('maker', 'm1', 'sell', 20000, 0.02);
    s.fault('maker', { type: 'frame', effect: 'drop', direction: 'from_target', count: 1 }, 'event');
    s.place('taker', 't1', 'buy', 20000, 0.005);
    s.session('maker', { type: 'session_gap', stream: 'account:maker', expected: 3, got: 4 });
    s.resync('maker');
    s.fault('taker', { type: 'response', effect: 'error_5xx', nth: 1, count: 1, afterEffect: true });
    s.place('taker', 't2', 'buy', 20000, 0.005);
    s.retry(s.stepOf('taker', 't2'), { reason: 'unavailable', afterMs: 20 });
    s.fault('maker', { type: 'response', effect: 'reject_429', nth: 1, count: 1, retryAfterMs: 50 });
    s.place('maker', 'm2', 'sell', 20100, 0.01);
    s.retry(s.stepOf('maker', 'm2'), { reason: 'rate_limited', afterMs: 50, retryAfterMs: 50 });
    s.fault('bystander', { type: 'connection', effect: 'close', downMs: 30 });
    s.place('taker', 't3', 'buy', 20100, 0.002);
    s.redial('bystander', [15, 30]);
    s.cancel('maker', 'm1');
    s.crash();
    s.place('maker', 'm3', 'sell', 20200, 0.01);
    s.place('taker', 't4', 'buy', 20200, 0.004);
    const evidence = s.evidence();
    expect(evidence.extra.faults?.length).toBe(5);
    expect(evidence.extra.crashes).toHaveLength(1);
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
      {
        ...clean,
        actions: [...clean.actions, { kind: 'fault', client: 'maker', gapMs: 0, fault: null }],
        history: [
          ...clean.history,
          { step: 98, client: 'admin', action: { kind: 'fault' }, invokedAt: 0 },
          { step: 99, client: 'maker', action: null, invokedAt: 0, reply: { status: 'ok', result: null } },
        ],
        events: [
          ...clean.events,
          ...[
            { type: 'session_retry', step: 3 },
            { type: 'session_retry', step: 'x', reason: 'rate_limited', afterMs: null, retryAfterMs: 5 },
            { type: 'session_reconnect_attempt', attempt: Number.NaN },
            { type: 'session_gap' },
            { type: 'session_resynced', snapshot: null, seqs: null },
            { type: 'session_resumed' },
            { type: 'session_disconnected' },
            { type: 'session_bad_frame' },
          ].map((event, i) => ({
            gseq: 10_000 + i,
            client: 'maker',
            stream: 'session:maker',
            seq: 1,
            time: 0,
            event,
          })),
        ],
        extra: {
          ...clean.extra,
          faults: [
            null,
            { client: 'maker', lost: 'x' },
            { client: 'maker', kind: 'frame.reorder', hits: -1 },
          ],
          crashes: [null, {}, { step: 'x' }],
        },
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
