import { describe, expect, it } from 'vitest';
import { invariantByName } from '../../invariants/trading/index.ts';
import type { ScopedInvariant } from '../../invariants/trading/support/scope.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { check, cleanEvidence } from './check.ts';
import { BTC, Scenario } from './evidence-builder.ts';

const NAME = 'requests.answered';
const scope = (evidence: TradingEvidence) => (invariantByName.get(NAME) as ScopedInvariant).scope(evidence);

describe(NAME, () => {
  it('passes a clean run, on a virtual clock too', () => {
    const evidence = cleanEvidence();
    evidence.extra.virtualTime = true;
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence).checked).toBeGreaterThan(20);
  });

  it('catches never_answers_set_mark: a set_mark with no answer and no fault, on a virtual clock', () => {
    const s = new Scenario({ bugs: ['never_answers_set_mark'] });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.setMark(BTC, 20100);
    const evidence = s.evidence();
    evidence.extra.virtualTime = true;
    const violations = check(NAME, evidence);
    expect(violations.map((v) => v.message)).toEqual([
      'step 1 (set_mark by admin) was never answered with no fault acting: its final reply is info (no reply within 1000 ms) on a virtual clock',
    ]);
    expect(violations[0].steps).toEqual([1]);
  });

  it('on a real clock, skips a silence nothing shows was more than slowness', () => {
    const s = new Scenario({ bugs: ['never_answers_set_mark'] });
    s.setMark(BTC, 20100);
    const evidence = s.evidence();
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence).skipped).toEqual([
      '1 unanswered requests on a real clock with no later answer to show they were skipped',
    ]);
  });

  it('on a real clock, catches a request the venue skipped while it answered a later one', () => {
    const s = new Scenario();
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.place('maker', 'm2', 'sell', 20001, 0.01);
    const evidence = s.evidence();
    // The first place's answer never came; the second was answered before it timed out.
    evidence.history[0].reply = { status: 'info', reason: 'no reply within 1000 ms' };
    evidence.history[0].completedAt = evidence.history[0].invokedAt + 1000;
    const [v] = check(NAME, evidence);
    expect(v.message).toBe(
      'step 0 (place by maker) was never answered with no fault acting: its final reply is info (no reply within 1000 ms); the venue answered the later step 1 of maker first',
    );
    expect(v.steps).toEqual([0, 1]);
  });

  it('counts a retry for want of an answer, even when a later attempt was answered', () => {
    const s = new Scenario();
    s.place('taker', 't1', 'buy', 19990, 0.01);
    s.retry(0, { reason: 'no_reply', afterMs: 20 });
    const evidence = s.evidence();
    evidence.extra.virtualTime = true;
    const [v] = check(NAME, evidence);
    expect(v.message).toBe(
      'step 0 (place by taker) was never answered with no fault acting: the client retried it 1 time(s) for want of an answer on a virtual clock',
    );
  });

  it('excuses requests once a fault was sent, and those cut by their own reconnect', () => {
    const s = new Scenario({ bugs: ['never_answers_set_mark'] });
    s.fault('maker', { type: 'frame', effect: 'drop', direction: 'from_target', count: 1 }, 'response');
    s.setMark(BTC, 20100);
    const evidence = s.evidence();
    evidence.extra.virtualTime = true;
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence).skipped).toEqual(['1 requests completed after a fault step was sent']);

    const r = new Scenario();
    r.place('taker', 't1', 'buy', 19990, 0.01);
    const cut = r.evidence();
    cut.extra.virtualTime = true;
    cut.history[0].reply = { status: 'info', reason: 'connection lost: connection dropped by a reconnect' };
    cut.events.push({
      gseq: 10_000,
      client: 'taker',
      stream: 'session:taker',
      seq: 99,
      time: cut.history[0].invokedAt,
      event: { type: 'session_disconnected', reason: 'requested' },
    });
    expect(check(NAME, cut)).toEqual([]);
    expect(scope(cut).skipped).toEqual(['1 unanswered requests cut by a reconnect of their client']);
  });
});
