import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'fills.no-duplicates';

function fillThenReconnect(mode: 'resync' | 'resume', bugs: 'duplicate_fill_on_resync'[] = []) {
  const s = new Scenario({ bugs });
  s.place('maker', 'm1', 'sell', 20000, 0.01);
  s.place('taker', 't1', 'buy', 20000, 0.004);
  s.reconnect('maker', mode);
  return s.evidence();
}

describe(NAME, () => {
  it('passes a clean run, and reconnects without the bug', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
    expect(check(NAME, fillThenReconnect('resync'))).toEqual([]);
    expect(check(NAME, fillThenReconnect('resume'))).toEqual([]);
  });

  it('catches duplicate_fill_on_resync: the last fill comes again under a new seq', () => {
    for (const mode of ['resync', 'resume'] as const) {
      const violations = check(NAME, fillThenReconnect(mode, ['duplicate_fill_on_resync']));
      expect(violations.map((v) => v.message)).toEqual([
        'admin received fill T1 of O1 on account:maker twice: seq 3 and seq 6',
        'maker received fill T1 of O1 on account:maker twice: seq 3 and seq 6',
      ]);
      expect(violations[1].steps).toEqual([1]);
    }
  });
});
