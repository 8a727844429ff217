import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveTag } from '../../../../src/core/coverage/resolve-tag.ts';
import type { Operation, RecordedEvent, RunEvidence } from '../../../../src/core/model/evidence.ts';
import { DEFAULT_SETTINGS, executeRun } from '../../../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../../../src/domains/trading/trading-action.ts';
import type { TradingClientEvent } from '../../../../src/domains/trading/trading-client-event.ts';
import { tradingExercised } from '../../../../src/domains/trading/trading-exercised.ts';
import { tradingPack } from '../../../../src/domains/trading/trading-pack.ts';
import { ORDER_TRANSITIONS, TRADING_SURFACE } from '../../../../src/domains/trading/trading-surface.ts';

const declared = new Set(TRADING_SURFACE.categories.flatMap((c) => c.items.map((i) => `${c.name}:${i}`)));

/** Every run of a property on a fresh in-process venue, with the faults the target can inject. */
async function exercisedBy(name: string, runs: number, maxActions: number): Promise<Set<string>> {
  const property = tradingPack.properties.find((p) => p.name === name);
  const factory = inprocTargetFactory({ bugs: [] });
  const faults = [...(factory.faultKinds ?? [])];
  const sequences = fc.sample(property!.actions({ seed: 1, maxActions, faults }), { seed: 1, numRuns: runs });
  const seen = new Set<string>();
  for (const actions of sequences) {
    const report = await executeRun(factory as never, actions as TradingAction[], {
      clients: tradingPack.clients,
      projection: tradingPack.projection,
      invariants: [],
      settings: DEFAULT_SETTINGS,
    });
    for (const id of tradingPack.exercised(report.evidence as never)) seen.add(id);
  }
  return seen;
}

let gseq = 0;
const event = (
  client: string,
  stream: string,
  seq: number,
  txn: number | undefined,
  e: TradingClientEvent,
): RecordedEvent<TradingClientEvent> => ({
  gseq: ++gseq,
  client,
  stream,
  seq,
  ...(txn === undefined ? {} : { txn }),
  time: 0,
  event: e,
});

const op = (step: number, action: unknown, reply?: Operation['reply']): Operation => ({
  step,
  client: 'maker',
  action,
  invokedAt: 0,
  ...(reply ? { completedAt: 1, reply } : {}),
});

describe('the trading surface', () => {
  it('declares each item once per category', () => {
    for (const c of TRADING_SURFACE.categories) expect(new Set(c.items).size, c.name).toBe(c.items.length);
  });

  it('resolves every tag of every property', () => {
    const unresolved = tradingPack.properties.flatMap((p) =>
      p.tags.filter((tag) => resolveTag(TRADING_SURFACE, tag).length === 0).map((tag) => `${p.name}: ${tag}`),
    );
    expect(unresolved).toEqual([]);
  });

  it('reads off real runs only declared items, and many of them: reject reasons and every transition', async () => {
    const seen = await exercisedBy('trading-venue', 30, 60);
    expect([...seen].filter((id) => !declared.has(id))).toEqual([]);
    expect([...seen].filter((id) => id.startsWith('reject:')).length).toBeGreaterThan(10);
    const transitions = [...seen].filter((id) => id.startsWith('transition:'));
    expect(transitions.length).toBeGreaterThanOrEqual(ORDER_TRANSITIONS.length - 2);
    for (const kind of ['place', 'cancel', 'replace']) expect(seen.has(`action:${kind}`)).toBe(true);
  }, 60_000);

  it('reads off chaos runs the faults that fired, all of them declared', async () => {
    const seen = await exercisedBy('chaos-recovery', 20, 60);
    expect([...seen].filter((id) => !declared.has(id))).toEqual([]);
    expect([...seen].filter((id) => id.startsWith('fault:')).length).toBeGreaterThan(5);
  }, 60_000);

  it('counts fired faults not armed ones, refused requests, and each order event once across clients', () => {
    const account = 'account:A';
    const accepted = (orderId: string): TradingClientEvent => ({
      type: 'order_accepted',
      orderId,
      clientOrderId: `c-${orderId}`,
      symbol: 'BTC-PERP',
      side: 'buy',
      orderType: 'limit',
      tif: 'gtc',
      price: 100,
      qty: 10,
    });
    const fill: TradingClientEvent = {
      type: 'fill',
      orderId: 'o1',
      clientOrderId: 'c-o1',
      symbol: 'BTC-PERP',
      side: 'buy',
      tradeId: 't1',
      price: 100,
      qty: 5,
      liquidity: 'maker',
      filledQty: 5,
      remainingQty: 5,
    };
    const evidence: RunEvidence = {
      actions: [],
      history: [
        op(1, { kind: 'place' }, { status: 'ok', result: {} }),
        op(2, { kind: 'cancel' }, { status: 'fail', code: 'unknown_order', message: 'no such order' }),
        op(3, { kind: 'cancel' }, { status: 'fail', code: 'not_a_reject_reason', message: 'odd' }),
        op(4, { kind: 'fault', fault: { type: 'frame', kind: 'frame.drop' } }),
      ],
      events: [
        event('maker', account, 1, 1, accepted('o1')),
        event('admin', account, 1, 1, accepted('o1')),
        event('maker', account, 2, 2, fill),
        // The admin's copy of the same fill must not read as a second partial fill.
        event('admin', account, 2, 2, fill),
        event('maker', account, 3, 3, {
          type: 'order_cancelled',
          orderId: 'o1',
          clientOrderId: 'c-o1',
          symbol: 'BTC-PERP',
          reason: 'user',
          filledQty: 5,
          cancelledQty: 5,
        }),
        event('maker', account, 4, 4, { type: 'order_rejected', request: 'place', reason: 'qty_zero' }),
        event('maker', 'session:maker', 1, undefined, { type: 'session_connected', account: 'A' }),
      ],
      projections: {},
      snapshot: null,
      extra: { faults: [{ step: 5, client: 'maker', kind: 'connection.close', time: 0, hits: 1 }] },
    };
    const ids = tradingExercised(evidence).sort();
    expect(ids).toEqual(
      [
        'action:cancel',
        'action:place',
        'cancel-reason:user',
        'event:fill',
        'event:order_accepted',
        'event:order_cancelled',
        'event:order_rejected',
        'event:session_connected',
        'fault:connection.close',
        'reject:qty_zero',
        'reject:unknown_order',
        'transition:new->open',
        'transition:new->rejected',
        'transition:open->partially_filled',
        'transition:partially_filled->cancelled',
      ].sort(),
    );
  });
});
