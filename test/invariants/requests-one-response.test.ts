import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';

const NAME = 'requests.one-response';

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
  });

  it('counts an info reply as a completion', () => {
    const evidence = cleanEvidence();
    evidence.history[3].reply = { status: 'info', reason: 'no reply within 1000 ms' };
    expect(check(NAME, evidence)).toEqual([]);
  });

  it('catches an operation that never completed (history corrupted; no planted bug)', () => {
    const evidence = cleanEvidence();
    delete evidence.history[4].reply;
    delete evidence.history[4].completedAt;
    const [v] = check(NAME, evidence);
    expect(v.message).toBe('step 4 (place by taker) never completed: no reply');
    expect(v.steps).toEqual([4]);
  });

  it('catches a duplicated operation', () => {
    const evidence = cleanEvidence();
    evidence.history.push(structuredClone(evidence.history[2]));
    const [v] = check(NAME, evidence);
    expect(v.message).toBe('step 2 (place by maker) has more than one operation in the history');
  });

  it('catches a reply naming a txn the venue never emitted, or another account', () => {
    const evidence = cleanEvidence();
    const reply = evidence.history[0].reply!;
    if (reply.status === 'ok') reply.txn = 999;
    const reply2 = evidence.history[1].reply!;
    if (reply2.status === 'ok') reply2.txn = 1;
    const messages = check(NAME, evidence).map((v) => v.message);
    expect(messages).toEqual([
      "step 0 (place by maker): ok reply names txn 999, which has no events on the admin's record",
      'step 1 (place by bystander): reply names txn 1, whose events are on account:maker, book:SANDBOX.BTC-USD, none on account:bystander',
    ]);
  });
});
