import { describe, expect, it } from 'vitest';
import type { BugName } from '../../src/exchange/bugs/planted-bugs.ts';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'streams.gapless';

/**
 * A frame fault on maker's link as the taker trades with it: the fill (account:maker seq 3)
 * is dropped, or held back past the position (seq 4) and then dropped by the client as stale.
 * Maker reports the gap and resyncs in place, as the reference client does.
 */
function chaosOnFill(effect: 'drop' | 'reorder', bugs: BugName[] = []) {
  const s = new Scenario({ bugs });
  s.place('maker', 'm1', 'sell', 20000, 0.01);
  if (effect === 'drop')
    s.fault('maker', { type: 'frame', effect, direction: 'from_target', count: 1 }, 'event');
  else s.fault('maker', { type: 'frame', effect, direction: 'from_target', count: 1, holdFor: 3 });
  s.place('taker', 't1', 'buy', 20000, 0.004);
  s.session('maker', { type: 'session_gap', stream: 'account:maker', expected: 3, got: 4 });
  s.resync('maker');
  s.place('taker', 't2', 'buy', 20000, 0.001);
  return s.evidence();
}

/** maker misses a fill while away, then comes back by resume or resync. */
function missWhileAway(mode: 'resume' | 'resync', bugs: BugName[] = []) {
  const s = new Scenario({ bugs });
  s.place('maker', 'm1', 'sell', 20000, 0.01);
  s.drop('maker');
  s.place('taker', 't1', 'buy', 20000, 0.004);
  s.reconnect('maker', mode);
  s.place('taker', 't2', 'buy', 20000, 0.001);
  return s.evidence();
}

describe(NAME, () => {
  it('passes a clean run, and both ways of coming back', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
    expect(check(NAME, missWhileAway('resume'))).toEqual([]);
    expect(check(NAME, missWhileAway('resync'))).toEqual([]);
  });

  it('catches seq_gap_after_resync: a resume skips the first missed event', () => {
    const violations = check(NAME, missWhileAway('resume', ['seq_gap_after_resync']));
    expect(violations.map((v) => v.message)).toEqual([
      'maker account:maker: seq 4 after 2 (gap of 1) following session_resumed',
      'maker market:SANDBOX.BTC-USD: seq 2 after 0 (gap of 1) following session_resumed',
      'maker book:SANDBOX.BTC-USD: seq 3 after 1 (gap of 1) following session_resumed',
    ]);
    expect(violations[0].steps).toContain(1);
  });

  it('accepts, and checks, a resume marked after the replayed events', () => {
    const markLate = (evidence: ReturnType<typeof missWhileAway>) => {
      const mine = evidence.events.filter((r) => r.client === 'maker');
      const marker = mine.find((r) => r.event.type === 'session_resumed')!;
      const replayed = mine.filter((r) => r.gseq > marker.gseq && r.step === 1);
      marker.gseq = replayed.at(-1)!.gseq + 0.5;
      return evidence;
    };
    expect(check(NAME, markLate(missWhileAway('resume')))).toEqual([]);
    const messages = check(NAME, markLate(missWhileAway('resume', ['seq_gap_after_resync']))).map(
      (v) => v.message,
    );
    expect(messages).toContain(
      'maker account:maker: resumed from 2, but the first event after it was seq 4 (expected 3)',
    );
  });

  it('catches a duplicated seq on a live stream', () => {
    const evidence = cleanEvidence();
    const i = evidence.events.findIndex(
      (r) => r.client === 'taker' && r.stream === 'account:taker' && r.seq === 3,
    );
    const copy = { ...structuredClone(evidence.events[i]), gseq: evidence.events[i].gseq + 0.5 };
    evidence.events.splice(i + 1, 0, copy);
    const [v] = check(NAME, evidence);
    expect(v.message).toBe('taker account:taker: seq 3 after 3 (duplicate or out of order)');
  });

  it('excuses a gap of frames the chaos destroyed on that link, and nothing else', () => {
    const evidence = chaosOnFill('drop');
    expect(evidence.extra.faults?.[0].lost).toEqual(['account:maker#3']);
    expect(check(NAME, evidence)).toEqual([]);

    const unlabelled = structuredClone(evidence);
    unlabelled.extra.faults = [];
    expect(check(NAME, unlabelled).map((v) => v.message)).toEqual([
      'maker account:maker: seq 4 after 2 (gap of 1)',
    ]);
    // A label on another client's link, or of another seq, excuses nothing.
    const elsewhere = structuredClone(evidence);
    elsewhere.extra.faults![0].client = 'taker';
    expect(check(NAME, elsewhere)).toHaveLength(1);
    const otherSeq = structuredClone(evidence);
    otherSeq.extra.faults![0].lost = ['account:maker#2'];
    expect(check(NAME, otherSeq)).toHaveLength(1);
  });

  it('excuses a frame destroyed in the replay of a resume, not one the resume owed', () => {
    const s = new Scenario();
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.drop('maker');
    s.place('taker', 't1', 'buy', 20000, 0.004);
    s.fault('maker', { type: 'frame', effect: 'drop', direction: 'from_target', count: 1 }, 'event');
    s.reconnect('maker', 'resume');
    const evidence = s.evidence();
    expect(evidence.extra.faults?.[0].lost).toEqual(['account:maker#3']);
    expect(check(NAME, evidence)).toEqual([]);
  });

  it('excuses one stale seq per frame a reorder held back', () => {
    const evidence = chaosOnFill('reorder');
    const fills = evidence.events.filter((r) => r.client === 'maker' && r.event.type === 'fill');
    expect(fills.map((r) => r.seq)).toEqual([6]);
    expect(check(NAME, evidence)).toEqual([]);
    const unexplained = structuredClone(evidence);
    unexplained.extra.faults = [];
    expect(check(NAME, unexplained)).toHaveLength(1);
    // Two missing seqs, one held frame: the gap stands.
    const wider = structuredClone(evidence);
    wider.events = wider.events.filter(
      (r) => !(r.client === 'maker' && r.stream === 'account:maker' && r.seq === 4),
    );
    expect(check(NAME, wider).map((v) => v.message)).toEqual([
      'maker account:maker: seq 5 after 2 (gap of 2)',
    ]);
  });

  it('after a reported gap, restarts the chain at the resync even if events ran past it', () => {
    const evidence = chaosOnFill('drop');
    const mine = evidence.events.filter((r) => r.client === 'maker');
    const resynced = mine.find((r) => r.event.type === 'session_resynced')!;
    // The resync answer said seq 4 although 5 had already been delivered (a late answer).
    (resynced.event as { seqs: Record<string, number> }).seqs['account:maker'] = 4;
    expect(check(NAME, evidence)).toEqual([]);
  });

  it('still catches seq_gap_after_resync with chaos about and the client resyncing after the gap', () => {
    const s = new Scenario({ bugs: ['seq_gap_after_resync'] });
    s.place('maker', 'm1', 'sell', 20000, 0.01);
    s.fault('maker', { type: 'frame', effect: 'drop', direction: 'from_target', count: 1 }, 'event');
    s.setMark('SANDBOX.BTC-USD', 20010);
    s.drop('maker');
    s.place('taker', 't1', 'buy', 20000, 0.004);
    s.reconnect('maker', 'resume');
    s.session('maker', { type: 'session_gap', stream: 'account:maker', expected: 4, got: 5 });
    s.resync('maker');
    s.place('taker', 't2', 'buy', 20000, 0.001);
    const evidence = s.evidence();
    // The mark (market seq 1) was lost on the live link before the disconnect: the resume owed
    // it, so its loss excuses nothing there.
    expect(evidence.extra.faults?.[0].lost).toEqual(['market:SANDBOX.BTC-USD#1']);
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'maker account:maker: seq 5 after 3 (gap of 1) following session_resumed',
      'maker market:SANDBOX.BTC-USD: seq 2 after 0 (gap of 1) following session_resumed',
    ]);
  });
});
