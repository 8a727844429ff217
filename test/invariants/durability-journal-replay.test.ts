import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'durability.journal-replay';

function cancelAll(bugs: 'journal_skips_cancel_all'[] = []) {
  const s = new Scenario({ bugs, journal: true });
  s.place('maker', 'm1', 'sell', 20000, 0.01);
  s.place('maker', 'm2', 'sell', 20100, 0.01);
  s.cancelAll('maker');
  return s.evidence();
}

describe(NAME, () => {
  it('passes a clean run', () => {
    const evidence = cleanEvidence();
    expect(evidence.extra.journalSnapshot).toBeDefined();
    expect(check(NAME, evidence)).toEqual([]);
    expect(check(NAME, cancelAll())).toEqual([]);
  });

  it('has nothing to say without a journal snapshot', () => {
    const evidence = cancelAll(['journal_skips_cancel_all']);
    delete evidence.extra.journalSnapshot;
    expect(check(NAME, evidence)).toEqual([]);
  });

  it('catches journal_skips_cancel_all: a restart resurrects cancelled orders', () => {
    const violations = check(NAME, cancelAll(['journal_skips_cancel_all']));
    expect(violations.map((v) => v.message)).toEqual([
      'journal replay differs from the live state in open orders: only live [], only in the replay [O1, O2]',
    ]);
  });

  it('reports the first differing field otherwise', () => {
    const evidence = cleanEvidence();
    evidence.extra.journalSnapshot!.accounts[1].cash += 1;
    const [v] = check(NAME, evidence);
    expect(v.message).toMatch(
      /^journal replay differs from the live state at accounts\[1\]\.cash: live [\d.]+, replay [\d.]+$/,
    );
  });
});
