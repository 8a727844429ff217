import { describe, expect, it } from 'vitest';
import type { ResyncSnapshot } from '../../src/domains/trading/protocol/resync-snapshot.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { check, cleanEvidence } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const NAME = 'reconnect.ghost-fills-found';

/** maker rests an order, loses its connection, and the taker fills part of it meanwhile. */
function fillWhileAway(comeBack: (s: Scenario) => void) {
  const s = new Scenario();
  s.place('maker', 'm1', 'sell', 20000, 0.01);
  s.drop('maker');
  s.place('taker', 't1', 'buy', 20000, 0.004);
  comeBack(s);
  s.place('taker', 't2', 'buy', 20000, 0.001);
  return s.evidence();
}

function makerResync(evidence: TradingEvidence) {
  const rec = evidence.events.find((r) => r.client === 'maker' && r.event.type === 'session_resynced')!;
  return rec.event as { snapshot: ResyncSnapshot; seqs: Record<string, number> };
}

describe(NAME, () => {
  it('passes a clean run, and every way of coming back', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
    expect(
      check(
        NAME,
        fillWhileAway((s) => s.reconnect('maker', 'resume')),
      ),
    ).toEqual([]);
    expect(
      check(
        NAME,
        fillWhileAway((s) => s.reconnect('maker', 'resync')),
      ),
    ).toEqual([]);
    expect(
      check(
        NAME,
        fillWhileAway((s) => s.redial('maker', [10, 20])),
      ),
    ).toEqual([]);
  });

  it('accepts a resync that shows the fill (the order filled that far) in place of the fill itself', () => {
    const evidence = fillWhileAway((s) => s.reconnect('maker', 'resync'));
    expect(evidence.events.some((r) => r.client === 'maker' && r.event.type === 'fill' && r.seq === 3)).toBe(
      false,
    );
    expect(makerResync(evidence).snapshot.accounts[0].openOrders[0].filledQty).toBe(0.004);
    expect(check(NAME, evidence)).toEqual([]);
  });

  it('catches reconnect_without_catch_up: a client that logs in again but never catches up', () => {
    const violations = check(
      NAME,
      fillWhileAway((s) => s.redial('maker', [10], { catchUp: 'none' })),
    );
    expect(violations.map((v) => v.message)).toEqual([
      'maker (account maker) never caught up after its disconnect at gseq 13 (no resync or resume after it) and missed fills made meanwhile: T1 of O1 (seq 3)',
    ]);
    expect(violations[0].steps).toEqual([1]);
  });

  it('catches a catch-up that loses the fill: a resume that skips it (seq_gap_after_resync)', () => {
    const evidence = (() => {
      const s = new Scenario({ bugs: ['seq_gap_after_resync'] });
      s.place('maker', 'm1', 'sell', 20000, 0.01);
      s.drop('maker');
      s.place('taker', 't1', 'buy', 20000, 0.004);
      s.reconnect('maker', 'resume');
      return s.evidence();
    })();
    expect(check(NAME, evidence).map((v) => v.message)).toEqual([
      'maker (account maker) never learned of fills made while it was disconnected (gseq 13 to its session_resumed at gseq 31), neither received nor shown by a later resync: T1 of O1 (seq 3)',
    ]);
  });

  it('does not take a resync that predates the fill, or shows less of it, as knowing it', () => {
    const stale = fillWhileAway((s) => s.reconnect('maker', 'resync'));
    makerResync(stale).seqs['account:maker'] = 2;
    expect(check(NAME, stale)).toHaveLength(1);
    const short = fillWhileAway((s) => s.reconnect('maker', 'resync'));
    makerResync(short).snapshot.accounts[0].openOrders[0].filledQty = 0;
    const [v] = check(NAME, short);
    expect(v.message).toMatch(/^maker \(account maker\) never learned of fills .*: T1 of O1 \(seq 3\)$/);
  });
});
