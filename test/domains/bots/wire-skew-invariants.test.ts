import { describe, expect, it } from 'vitest';
import { botsBackoffAfter429 } from '../../../invariants/bots/backoff-after-429.ts';
import { botsIntentLeadsToOrder } from '../../../invariants/bots/intent-leads-to-order.ts';
import { botsReconnects } from '../../../invariants/bots/reconnects.ts';
import { botsRiskBreaker } from '../../../invariants/bots/risk-breaker.ts';
import type { BotsEvidence } from '../../../invariants/bots/support/bots-evidence.ts';
import type { Operation, RecordedEvent } from '../../../src/core/model/evidence.ts';
import type { BotAction } from '../../../src/domains/bots/bot-action.ts';
import type { BotEvent } from '../../../src/domains/bots/bot-event.ts';
import { emptySubjectState } from '../../../src/domains/bots/subject.ts';
import type { ClientRequest } from '../../../src/domains/trading/protocol/protocol-messages.ts';

/** Subject-lane records at the given times, numbered in order. */
function lane(entries: [number, BotEvent][]): RecordedEvent<BotEvent>[] {
  return entries.map(([time, event], i) => ({
    client: 'subject',
    stream: 'subject',
    seq: i + 1,
    gseq: i + 1,
    time,
    event,
  }));
}

function evidence(
  events: RecordedEvent<BotEvent>[],
  extra: Record<string, unknown>,
  history: Operation<BotAction>[] = [],
  subject = emptySubjectState(),
): BotsEvidence {
  return {
    actions: [],
    history,
    events,
    projections: {},
    snapshot: { venue: {} as never, account: 'bot', symbol: 'SANDBOX.BTC-USD', subject },
    extra,
  } as BotsEvidence;
}

const place = (id: number, clientOrderId: string): ClientRequest =>
  ({
    id,
    type: 'place',
    symbol: 'SANDBOX.BTC-USD',
    side: 'buy',
    orderType: 'limit',
    price: 19900,
    qty: 0.01,
    clientOrderId,
  }) as ClientRequest;
const limited = (id: number): BotEvent => ({
  type: 'received',
  boot: 0,
  conn: 1,
  message: {
    type: 'response',
    id,
    ok: false,
    error: { code: 'rate_limited', message: '429', retryAfterMs: 100 },
  } as never,
});

describe('bots.backoff-after-429 and the wire skew', () => {
  const events = (second: ClientRequest, at: number) =>
    lane([
      [0, { type: 'sent', boot: 0, conn: 1, request: place(1, 'a') }],
      [10, limited(1)],
      [at, { type: 'sent', boot: 0, conn: 1, request: second }],
    ]);

  it('does not judge another request recorded within the skew after the 429 (it may have crossed it)', () => {
    expect(botsBackoffAfter429.check(evidence(events(place(2, 'b'), 30), { wireSkewMs: 50 }))).toEqual([]);
  });

  it('judges it past the skew, and always in process (skew 0)', () => {
    expect(botsBackoffAfter429.check(evidence(events(place(2, 'b'), 70), { wireSkewMs: 50 }))).toHaveLength(
      1,
    );
    expect(botsBackoffAfter429.check(evidence(events(place(2, 'b'), 30), { wireSkewMs: 0 }))).toHaveLength(1);
  });

  it('always judges the rate-limited request sent again, even within the skew', () => {
    const found = botsBackoffAfter429.check(evidence(events(place(2, 'a'), 12), { wireSkewMs: 50 }));
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('the rate-limited request again');
  });
});

describe('bots.risk-breaker and the wire skew', () => {
  const spike: Operation<BotAction> = {
    step: 0,
    client: 'admin',
    action: { kind: 'mark', client: 'admin', gapMs: 0, price: 19000, spike: true },
    invokedAt: 0,
    completedAt: 0,
    reply: { status: 'ok', result: {}, txn: 7 },
  };
  const seen: BotEvent = {
    type: 'received',
    boot: 0,
    conn: 1,
    message: {
      type: 'event',
      stream: 'market:SANDBOX.BTC-USD',
      seq: 1,
      txn: 7,
      time: 0,
      event: { type: 'mark_price', symbol: 'SANDBOX.BTC-USD', price: 19000 },
    } as never,
  };
  const run = (after: [number, BotEvent][], skew: number) =>
    botsRiskBreaker.check(
      evidence(
        lane([[0, { type: 'sent', boot: 0, conn: 1, request: place(1, 'a') }], [10, seen], ...after]),
        { wireSkewMs: skew },
        [spike],
      ),
    );
  const notHalted: BotEvent = { type: 'state', boot: 0, state: emptySubjectState(), why: 'step' };

  it('does not judge a new order or a state read recorded within the skew after the spike', () => {
    expect(
      run(
        [
          [20, { type: 'sent', boot: 0, conn: 1, request: place(2, 'b') }],
          [25, notHalted],
        ],
        50,
      ),
    ).toEqual([]);
  });

  it('judges them past the skew, and in process', () => {
    expect(run([[80, notHalted]], 50)).toHaveLength(1);
    expect(run([[20, { type: 'sent', boot: 0, conn: 1, request: place(2, 'b') }]], 0)).toHaveLength(1);
  });

  it('always judges an order it had sent before, sent again after the spike', () => {
    expect(run([[20, { type: 'sent', boot: 0, conn: 1, request: place(2, 'a') }]], 50)).toHaveLength(1);
  });
});

describe('bots.reconnects', () => {
  it('leaves alone a subject halted on a damaged state file whose own start was clean', () => {
    const events = lane([
      [0, { type: 'started', boot: 0, corrupted: null, files: [] }],
      [5, { type: 'killed', boot: 0 }],
      [10, { type: 'started', boot: 1, corrupted: 'flip_digit', files: [] }],
      [15, { type: 'killed', boot: 1 }],
      [20, { type: 'started', boot: 2, corrupted: null, files: [] }],
    ]);
    const halted = { ...emptySubjectState(), halted: true, haltReason: 'state_corrupted: checksum mismatch' };
    expect(botsReconnects.check(evidence(events, {}, [], halted))).toEqual([]);
    // Not halted, and not connected: caught.
    expect(botsReconnects.check(evidence(events, {}, [], emptySubjectState()))).toHaveLength(1);
  });
});

describe('bots.intent-leads-to-order', () => {
  it('does not call calm an intent with a spike within its order window', () => {
    const grid: BotEvent = {
      type: 'intent',
      boot: 0,
      intent: { type: 'enter', id: 'e1', side: 'buy', qty: 0.01, price: 19900 },
      ack: { accepted: true },
    };
    const events = lane([[6000, grid]]);
    const spikeAt = (at: number): Operation<BotAction> => ({
      step: 1,
      client: 'admin',
      action: { kind: 'mark', client: 'admin', gapMs: 0, price: 19000, spike: true },
      invokedAt: at,
      completedAt: at,
      reply: { status: 'ok', result: {} },
    });
    expect(botsIntentLeadsToOrder.check(evidence(events, {}, []))).toHaveLength(1);
    expect(botsIntentLeadsToOrder.check(evidence(events, {}, [spikeAt(6500)]))).toEqual([]);
    // Invoked later than the window by the actions' clock, but the subject received it within it.
    const seen: BotEvent = {
      type: 'received',
      boot: 0,
      conn: 1,
      message: {
        type: 'event',
        stream: 'market:SANDBOX.BTC-USD',
        seq: 1,
        txn: 9,
        time: 0,
        event: { type: 'mark_price', symbol: 'SANDBOX.BTC-USD', price: 19000 },
      } as never,
    };
    const late = { ...spikeAt(20_000), reply: { status: 'ok' as const, result: {}, txn: 9 } };
    expect(
      botsIntentLeadsToOrder.check(
        evidence(
          lane([
            [6000, grid],
            [6400, seen],
          ]),
          {},
          [late],
        ),
      ),
    ).toEqual([]);
    expect(botsIntentLeadsToOrder.check(evidence(lane([[6000, grid]]), {}, [late]))).toHaveLength(1);
  });
});
