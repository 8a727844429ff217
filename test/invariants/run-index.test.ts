import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRADING_INVARIANTS } from '../../invariants/trading/index.ts';
import { adminRecord, groupByTxn } from '../../invariants/trading/support/admin-record.ts';
import {
  accountOfStream,
  eventsByClient,
  isOrderEvent,
  type TradingRecord,
} from '../../invariants/trading/support/events.ts';
import { adminOfType, eventsOfType, runIndex } from '../../invariants/trading/support/run-index.ts';
import { checkInvariants } from '../../src/core/runner/check-invariants.ts';
import { withSharedViews } from '../../src/core/runner/shared-views.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { tradingVenueEvidence } from '../support/trading-evidence.ts';
import { cleanEvidence } from './check.ts';

/** Each slice of the index, worked out the plain way: one scan of the whole per question. */
function expectSlicesAreScans(evidence: TradingEvidence): void {
  const index = runIndex(evidence);
  const events = (Array.isArray(evidence.events) ? evidence.events : []) as TradingRecord[];
  const admin = adminRecord(events);
  const types = new Set<string>();
  for (const rec of events) if (typeof rec?.event?.type === 'string') types.add(rec.event.type);
  for (const type of [...types, 'no_such_type']) {
    expect(eventsOfType(index, type as never)).toEqual(events.filter((rec) => rec?.event?.type === type));
    expect(adminOfType(index, type as never)).toEqual(admin.filter((rec) => rec.event.type === type));
  }
  expect([...index.byType.keys()].sort()).toEqual([...types].sort());
  expect([...index.clientBookEvents]).toEqual(
    [...eventsByClient(events)].map(([client, records]) => [
      client,
      records.filter((rec) => rec.event.type === 'session_resynced' || rec.stream.startsWith('book:')),
    ]),
  );
  expect(index.adminBookInputs).toEqual(
    groupByTxn(admin)
      .map((group) => group.filter((rec) => rec.stream.startsWith('book:')))
      .filter((group) => group.length > 0),
  );
  const byTxn = new Map<number, TradingRecord[]>();
  const byStream = new Map<string, TradingRecord[]>();
  for (const rec of admin) {
    byTxn.set(rec.txn as number, [...(byTxn.get(rec.txn as number) ?? []), rec]);
    byStream.set(rec.stream, [...(byStream.get(rec.stream) ?? []), rec]);
  }
  expect(index.adminByTxn).toEqual(byTxn);
  expect(index.adminByStream).toEqual(byStream);
  expect(index.adminMarket).toEqual(admin.filter((rec) => rec.stream.startsWith('market:')));
  expect(index.adminAccountEvents).toEqual(
    admin
      .filter(
        (rec) =>
          accountOfStream(rec.stream) !== undefined && (isOrderEvent(rec) || rec.event.type === 'reset'),
      )
      .map((rec) => ({ rec, account: accountOfStream(rec.stream) })),
  );
  const streams = new Map<unknown, Set<string>>();
  for (const rec of events) {
    if (typeof rec?.stream !== 'string' || rec.event == null) continue;
    streams.set(rec.client, new Set([...(streams.get(rec.client) ?? []), rec.stream]));
  }
  expect(index.clientStreams).toEqual(streams);
}

/** Every trading invariant's result, checked alone (its own index) and together (one index). */
function expectAloneAsTogether(evidence: TradingEvidence): void {
  const alone = TRADING_INVARIANTS.map((inv) => checkInvariants(structuredClone(evidence), [inv]).results[0]);
  const together = checkInvariants(structuredClone(evidence), TRADING_INVARIANTS).results;
  expect(together).toEqual(alone);
}

describe('the run index (invariants/trading/support/run-index.ts)', () => {
  let runs: TradingEvidence[] = [];
  beforeAll(async () => {
    runs = [
      ...(await tradingVenueEvidence([], 6, 11)),
      ...(await tradingVenueEvidence(['book_delta_wrong_side'], 6, 12)),
      ...(await tradingVenueEvidence(['reserve_leak_on_cancel'], 6, 13)),
    ];
  }, 60_000);

  it('gives each slice as a scan of the whole run gives it, in the same order', () => {
    expect(runs.length).toBe(18);
    for (const evidence of [cleanEvidence(), ...runs]) expectSlicesAreScans(evidence);
  });

  it('does so on edited evidence too: events out of order, malformed or missing parts', () => {
    const base = cleanEvidence();
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: base.events.length - 1 }), { maxLength: 20 }),
        fc.array(
          fc.tuple(
            fc.nat({ max: base.events.length - 1 }),
            fc.constantFrom('null', 'event', 'stream', 'type'),
          ),
          {
            maxLength: 6,
          },
        ),
        (swaps, breaks) => {
          const evidence = structuredClone(base);
          const events = evidence.events as unknown[];
          for (let i = 0; i + 1 < swaps.length; i += 2)
            [events[swaps[i]], events[swaps[i + 1]]] = [events[swaps[i + 1]], events[swaps[i]]];
          for (const [at, how] of breaks) {
            const rec = events[at] as Record<string, unknown> | null;
            if (how === 'null') events[at] = null;
            else if (rec && how === 'event') rec.event = null;
            else if (rec && how === 'stream') delete rec.stream;
            else if (rec && how === 'type' && typeof rec.event === 'object' && rec.event !== null)
              (rec.event as Record<string, unknown>).type = 42;
          }
          expectSlicesAreScans(evidence);
        },
      ),
      { numRuns: 60, seed: 18 },
    );
  });

  it('is built once while a run is checked, and anew for an invariant called alone', () => {
    const evidence = cleanEvidence();
    withSharedViews(evidence, () => expect(runIndex(evidence)).toBe(runIndex(evidence)));
    const first = runIndex(evidence);
    expect(runIndex(evidence)).not.toBe(first);
    // Evidence edited between two calls is never read from a stale index.
    evidence.events = evidence.events.filter((rec) => rec.event.type !== 'trade');
    expect(eventsOfType(first, 'trade').length).toBeGreaterThan(0);
    expect(eventsOfType(runIndex(evidence), 'trade')).toEqual([]);
  });

  it('leaves every invariant with the result it has alone when all share one index', () => {
    const failing = new Set<string>();
    for (const evidence of [cleanEvidence(), ...runs]) {
      expectAloneAsTogether(evidence);
      for (const r of checkInvariants(evidence, TRADING_INVARIANTS).results)
        if (r.status === 'fail') failing.add(r.name);
    }
    // The planted bugs are caught, so the comparison covered violations too.
    expect(failing).toContain('book.resync-consistent');
    expect(failing).toContain('funds.reserves');
  });
});
