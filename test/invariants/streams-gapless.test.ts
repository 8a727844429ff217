import { describe, expect, it } from 'vitest';
import type { BugName } from '../../src/exchange/bugs/planted-bugs.ts';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'streams.gapless';

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
});
