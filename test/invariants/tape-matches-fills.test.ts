import { describe, expect, it } from 'vitest';
import { invariantByName } from '../../invariants/trading/index.ts';
import type { ScopedInvariant } from '../../invariants/trading/support/scope.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'tape.matches-fills';
const scope = (evidence: TradingEvidence) => (invariantByName.get(NAME) as ScopedInvariant).scope(evidence);

function sweep(bugs: 'aggregated_tape_print'[] = []) {
  const s = new Scenario({ bugs });
  s.place('maker', 'm1', 'sell', 20000, 0.01);
  s.place('bystander', 'b1', 'sell', 20000.5, 0.01);
  s.place('taker', 't1', 'buy', 20000.5, 0.02);
  return s;
}

const adminTrades = (evidence: TradingEvidence) =>
  evidence.events.filter((r) => r.client === 'admin' && r.event.type === 'trade');

describe(NAME, () => {
  it('passes a clean run', () => {
    const evidence = cleanEvidence();
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence)).toEqual({ checked: expect.any(Number), skipped: [] });
  });

  it('catches aggregated_tape_print: a print no fill backs', () => {
    const violations = check(NAME, sweep(['aggregated_tape_print']).evidence());
    expect(violations.map((v) => v.message)).toEqual([
      'print T3 (SANDBOX.BTC-USD 0.02 @ 20000.5, taker buy): no fill backs it',
    ]);
    expect(violations[0].steps).toEqual([2]);
  });

  it('catches a print at another price than its fills, and prints out of the fills order', () => {
    const evidence = sweep().evidence();
    // Every client's copy alike: the venue printed T1 at 20001, and after T2.
    for (const client of ['admin', 'maker', 'taker', 'bystander']) {
      const [first, second] = evidence.events.filter((r) => r.client === client && r.event.type === 'trade');
      if (first.event.type === 'trade') first.event.price = 20001;
      [first.gseq, second.gseq] = [second.gseq, first.gseq];
      [first.seq, second.seq] = [second.seq, first.seq];
    }
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'print T1 (SANDBOX.BTC-USD 0.01 @ 20001, taker buy): the taker fill is at 20000; the maker fill is at 20000',
      'the tape of SANDBOX.BTC-USD prints T2 before T1, but T1 was filled first',
    ]);
  });

  it("catches a trader's copy of the tape that is not the venue's", () => {
    const evidence = sweep().evidence();
    const copy = evidence.events.find((r) => r.client === 'bystander' && r.event.type === 'trade')!;
    if (copy.event.type === 'trade') copy.event.qty = 0.02;
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      "bystander got market:SANDBOX.BTC-USD seq 1 as T1 0.02 @ 20000 (taker buy), the venue's record has T1 0.01 @ 20000 (taker buy)",
    ]);
  });

  it('catches a fill never printed, but only where the record holds the market stream whole', () => {
    const evidence = sweep().evidence();
    const second = adminTrades(evidence)[1];
    evidence.events = evidence.events.filter(
      (r) => !(r.client === 'admin' && r.event.type === 'trade' && r.seq === 2),
    );
    expect(second.seq).toBe(2);
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'trade T2 (SANDBOX.BTC-USD 0.01 @ 20000.5) was filled on account:taker, account:bystander but never printed on market:SANDBOX.BTC-USD',
    ]);
  });

  it('is not held to a tape the venue does not publish', () => {
    const evidence = sweep().evidence();
    evidence.events = evidence.events.filter((r) => r.event.type !== 'trade');
    expect(check(NAME, evidence)).toEqual([]);
    expect(scope(evidence)).toEqual({
      checked: 0,
      skipped: ['the venue published no trade tape in this run'],
    });
  });
});
