import { describe, expect, it } from 'vitest';
import { invariantByName } from '../../invariants/trading/index.ts';
import { checkInvariants } from '../../src/core/runner/check-invariants.ts';
import {
  ALL_TRADING_CAPABILITIES,
  TRADING_CAPABILITIES as CAP,
} from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { cleanEvidence } from './check.ts';

/** What each of the original invariants needs of a target, as declared in its file. */
const NEEDS: Record<string, string[]> = {
  'book.not-crossed': [CAP.bookStream],
  'orders.quantities': [],
  'orders.lifecycle': [],
  'orders.flags': [],
  'book.price-time-priority': [CAP.queuePriority],
  'funds.conservation': [CAP.accounts, CAP.snapshot],
  'funds.reserves': [CAP.accounts, CAP.margin, CAP.snapshot],
  'trades.both-sides': [CAP.tape],
  'trades.no-self-trade': [CAP.selfTradePrevention],
  'trades.within-band': [CAP.priceBands, CAP.tape],
  'projection.converges': [CAP.snapshot, CAP.accounts],
  'streams.gapless': [CAP.streamSeq],
  'requests.one-response': [],
  'idempotency.client-order-id': [],
  'isolation.private-streams': [],
  'ledger.equity': [CAP.accounts, CAP.margin],
  'fills.no-duplicates': [CAP.txnIds],
  'durability.journal-replay': [CAP.journal, CAP.snapshot],
  'reconnect.ghost-fills-found': [CAP.reconnect],
  'durability.acknowledged-kept': [CAP.snapshot],
  'retries.execute-once': [],
  'client.backoff': [],
};

/** Those that have something to check only when the client retried or redialed. */
const ONLY_UNDER_RETRIES = new Set(['retries.execute-once', 'client.backoff']);

function invariant(name: string) {
  const found = invariantByName.get(name);
  if (!found) throw new Error(`no invariant ${name}`);
  return found;
}

const EMPTY: TradingEvidence = {
  actions: [],
  history: [],
  events: [],
  projections: {},
  snapshot: undefined,
  extra: {},
} as unknown as TradingEvidence;

describe('what each invariant needs and what it examined', () => {
  it('declares its needs, by trading capability names', () => {
    for (const [name, needs] of Object.entries(NEEDS)) {
      expect(invariant(name).needs ?? [], name).toEqual(needs);
      for (const need of needs) expect(ALL_TRADING_CAPABILITIES, name).toContain(need);
    }
  });

  it('every invariant that needs something names only capabilities the domain defines', () => {
    for (const i of invariantByName.values())
      for (const need of i.needs ?? []) expect(ALL_TRADING_CAPABILITIES, i.name).toContain(need);
  });

  it('on the clean run each has something to check (retries and backoff only under retries)', () => {
    const { results } = checkInvariants(
      cleanEvidence(),
      Object.keys(NEEDS).map((name) => invariant(name)),
    );
    for (const r of results) {
      expect(r.status, `${r.name}: ${r.error ?? ''}`).toBe('pass');
      expect(r.checked, r.name).toBeTypeOf('number');
      if (ONLY_UNDER_RETRIES.has(r.name)) expect(r.checked, r.name).toBe(0);
      else expect(r.checked, r.name).toBeGreaterThan(0);
    }
  });

  it('on a run with nothing in it each reports that it had nothing to check', () => {
    const { results } = checkInvariants(
      EMPTY,
      Object.keys(NEEDS).map((name) => invariant(name)),
    );
    expect(results.map((r) => [r.name, r.status, r.checked])).toEqual(
      Object.keys(NEEDS).map((name) => [name, 'pass', 0]),
    );
  });
});
