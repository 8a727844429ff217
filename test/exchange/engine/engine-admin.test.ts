import { describe, expect, it } from 'vitest';
import { defaultExchangeConfig } from '../../../src/domains/trading/protocol/exchange-config.ts';
import type { ExchangeInput } from '../../../src/domains/trading/protocol/exchange-input.ts';
import { Engine } from '../../../src/exchange/engine/engine.ts';
import type { EngineOutput } from '../../../src/exchange/engine/exchange-output.ts';
import { BTC, ETH, eventsOf, LIVE_BTC, orderOf, reasonOf, typesOn, Venue } from './engine-fixture.ts';

describe('set_mark', () => {
  it('announces the mark with its band and moves the band for new orders', () => {
    const v = new Venue();
    const out = v.setMark(21000);
    expect(out.response).toEqual({ ok: true, result: { kind: 'mark', symbol: BTC, price: 21000 } });
    expect(out.events).toEqual([
      {
        stream: `market:${BTC}`,
        seq: 1,
        txn: 1,
        time: out.events[0].time,
        event: { type: 'mark_price', symbol: BTC, price: 21000, bandLow: 19950, bandHigh: 22050 },
      },
    ]);
    expect(v.engine.instrument(BTC)).toEqual({
      symbol: BTC,
      markPrice: 21000,
      halted: false,
      bandLow: 19950,
      bandHigh: 22050,
    });
    expect(reasonOf(v.buy('maker', 'a', 19945, 0.1))).toBe('price_out_of_band');
    expect(reasonOf(v.buy('maker', 'b', 22050, 0.1))).toBe('ok');
  });

  it('keeps the band on the tick grid (ETH mark 1234.57: 5% is 61.7285)', () => {
    const v = new Venue();
    const out = v.setMark(1234.57, ETH);
    expect(eventsOf(out, 'mark_price')[0]).toEqual({
      type: 'mark_price',
      symbol: ETH,
      price: 1234.57,
      bandLow: 1172.85,
      bandHigh: 1296.29,
    });
  });

  it('cancels resting orders outside the new band, reason band, in id order', () => {
    const v = new Venue();
    v.buy('maker', 'far-bid', 19000, 0.1); // O1
    v.sell('taker', 'ask', 20500, 0.2); // O2
    v.buy('bystander', 'near-bid', 19900, 0.3); // O3
    v.buy('taker', 'far-bid-2', 19500, 0.4); // O4
    // Mark 20600: band 19570 to 21630.
    const out = v.setMark(20600);
    expect(eventsOf(out, 'order_cancelled')).toEqual([
      {
        type: 'order_cancelled',
        orderId: 'O1',
        clientOrderId: 'far-bid',
        symbol: BTC,
        reason: 'band',
        filledQty: 0,
        cancelledQty: 0.1,
      },
      {
        type: 'order_cancelled',
        orderId: 'O4',
        clientOrderId: 'far-bid-2',
        symbol: BTC,
        reason: 'band',
        filledQty: 0,
        cancelledQty: 0.4,
      },
    ]);
    expect(v.engine.book(BTC)).toEqual({ symbol: BTC, bids: [[19900, 0.3, 1]], asks: [[20500, 0.2, 1]] });
    expect(typesOn(out, `market:${BTC}`)).toEqual(['mark_price']);
    expect(eventsOf(out, 'book_delta').map((d) => [d.side, d.price, d.qty])).toEqual([
      ['buy', 19000, 0],
      ['buy', 19500, 0],
    ]);
    // Every account with orders or a position on BTC gets a fresh balance.
    expect(typesOn(out, 'account:maker')).toEqual(['order_cancelled', 'balance']);
    expect(typesOn(out, 'account:taker')).toEqual(['order_cancelled', 'balance']);
    expect(typesOn(out, 'account:bystander')).toEqual(['balance']);
    expect(v.account('maker').reserved).toBe(0);
  });

  it('leaves other instruments alone', () => {
    const v = new Venue();
    v.apply({
      op: 'place',
      account: 'maker',
      symbol: ETH,
      side: 'buy',
      type: 'limit',
      price: 960,
      qty: 1,
      clientOrderId: 'e',
    });
    const out = v.setMark(25000);
    expect(eventsOf(out, 'order_cancelled')).toEqual([]);
    expect(out.events.map((e) => e.stream)).toEqual([`market:${BTC}`]);
    expect(v.engine.openOrders('maker')).toHaveLength(1);
  });
});

describe('halt and resume', () => {
  it('one symbol', () => {
    const v = new Venue();
    const out = v.apply({ op: 'halt', symbol: BTC });
    expect(out.response).toEqual({ ok: true, result: { kind: 'status', symbols: [BTC], halted: true } });
    expect(out.events.map((e) => [e.stream, e.event])).toEqual([
      [`market:${BTC}`, { type: 'instrument_status', symbol: BTC, halted: true }],
    ]);
    expect(v.engine.instrument(BTC)?.halted).toBe(true);
    expect(reasonOf(v.buy('maker', 'x', 19990, 0.1))).toBe('halted');
    v.apply({ op: 'resume', symbol: BTC });
    expect(v.engine.instrument(BTC)?.halted).toBe(false);
    expect(reasonOf(v.buy('maker', 'x', 19990, 0.1))).toBe('ok');
  });

  it('every symbol when none is named', () => {
    const v = new Venue();
    const out = v.apply({ op: 'halt' });
    expect(out.response).toEqual({
      ok: true,
      result: { kind: 'status', symbols: [BTC, ETH, LIVE_BTC], halted: true },
    });
    expect(eventsOf(out, 'instrument_status').map((e) => e.symbol)).toEqual([BTC, ETH, LIVE_BTC]);
    expect(v.engine.snapshot().instruments.every((i) => i.halted)).toBe(true);
    v.apply({ op: 'resume' });
    expect(v.engine.snapshot().instruments.some((i) => i.halted)).toBe(false);
  });

  it('keeps resting orders, and set_mark still works while halted', () => {
    const v = new Venue();
    v.buy('maker', 'b', 19990, 0.1);
    v.apply({ op: 'halt', symbol: BTC });
    expect(v.setMark(20100).response.ok).toBe(true);
    expect(v.levels('bids')).toEqual([[19990, 0.1, 1]]);
  });
});

describe('reset', () => {
  it('restores balances, positions, books, marks and halts; ids and stream numbers carry on', () => {
    const fresh = new Venue().state();
    const v = new Venue();
    v.sell('maker', 'a', 20000, 1);
    v.buy('taker', 'b', 20000, 0.5);
    v.buy('bystander', 'c', 19990, 0.3);
    v.setMark(20500);
    v.apply({ op: 'halt', symbol: ETH });
    const before = v.engine.snapshot().streams;
    const out = v.apply({ op: 'reset' });
    expect(out.response).toEqual({ ok: true, result: { kind: 'reset' } });
    expect(v.state()).toEqual(fresh);
    // Each stream continues where it was: the first event after the reset is last + 1.
    const firstSeq = new Map<string, number>();
    for (const e of out.events) if (!firstSeq.has(e.stream)) firstSeq.set(e.stream, e.seq);
    for (const [stream, seq] of firstSeq) expect(seq).toBe((before[stream] ?? 0) + 1);
    expect(typesOn(out, `market:${BTC}`)).toEqual(['reset', 'mark_price']);
    expect(typesOn(out, `book:${BTC}`)).toEqual(['reset']);
    expect(typesOn(out, 'account:maker')).toEqual(['reset', 'balance']);
    expect(typesOn(out, 'account:live')).toEqual(['reset', 'balance']);
    expect(eventsOf(out, 'mark_price').find((m) => m.symbol === BTC)).toMatchObject({
      price: 20000,
      bandLow: 19000,
    });
    // Client ids may be used again; order ids do not restart.
    expect(orderOf(v.sell('maker', 'a', 20000, 1)).orderId).toBe('O4');
    expect(v.engine.orderStatus('taker', { orderId: 'O2' })).toEqual({ ok: false, reason: 'unknown_order' });
  });
});

/** Applies inputs to a fresh engine, times 1000, 1001, ... */
function run(
  inputs: ExchangeInput[],
  engine = new Engine({ config: defaultExchangeConfig() }),
): EngineOutput[] {
  return inputs.map((input, i) => engine.apply(input, 1000 + i));
}

const SCRIPT: ExchangeInput[] = [
  {
    op: 'place',
    account: 'maker',
    symbol: BTC,
    side: 'sell',
    type: 'limit',
    price: 20000,
    qty: 1,
    clientOrderId: 'a',
  },
  {
    op: 'place',
    account: 'maker',
    symbol: BTC,
    side: 'sell',
    type: 'limit',
    price: 20000,
    qty: 0,
    clientOrderId: 'bad',
  },
  { op: 'cancel_all', account: 'bystander' },
  {
    op: 'place',
    account: 'taker',
    symbol: BTC,
    side: 'buy',
    type: 'limit',
    price: 20000,
    qty: 0.4,
    clientOrderId: 'b',
  },
  { op: 'set_mark', symbol: BTC, price: 'nope' },
  {
    op: 'place',
    account: 'bystander',
    symbol: ETH,
    side: 'buy',
    type: 'limit',
    price: 999,
    qty: 3,
    clientOrderId: 'c',
  },
  { op: 'replace', account: 'maker', orderId: 'O1', qty: 0.8 },
  { op: 'place', account: 'taker', symbol: BTC, side: 'buy', type: 'market', qty: 2, clientOrderId: 'd' },
  { op: 'set_mark', symbol: ETH, price: 1040 },
  { op: 'halt' },
  { op: 'cancel', account: 'bystander', orderId: 'O3' },
  { op: 'resume', symbol: BTC },
  { op: 'reset' },
  {
    op: 'place',
    account: 'maker',
    symbol: BTC,
    side: 'buy',
    type: 'limit',
    price: 19000,
    qty: 1,
    clientOrderId: 'a',
  },
];

describe('streams and txn', () => {
  it('numbers every stream 1, 2, 3... without gaps, across a reset', () => {
    const engine = new Engine({ config: defaultExchangeConfig() });
    const outputs = run(SCRIPT, engine);
    const seqs = new Map<string, number[]>();
    for (const e of outputs.flatMap((o) => o.events))
      seqs.set(e.stream, [...(seqs.get(e.stream) ?? []), e.seq]);
    expect(seqs.size).toBeGreaterThanOrEqual(9);
    for (const [stream, list] of seqs) {
      expect(list).toEqual(list.map((_, i) => i + 1));
      expect(engine.lastSeq(stream)).toBe(list.length);
    }
    expect(engine.snapshot().streams).toEqual(Object.fromEntries([...seqs].map(([s, l]) => [s, l.length])));
    expect(engine.lastSeq('account:nobody')).toBe(0);
    expect(engine.lastSeq('book:NOPE')).toBe(0);
  });

  it('gives a txn only to inputs with events, consecutively, and shares it among their events', () => {
    const outputs = run(SCRIPT);
    let last = 0;
    for (const [i, out] of outputs.entries()) {
      if (out.events.length === 0) {
        expect(out.txn, `input ${i}`).toBe(0);
        continue;
      }
      expect(out.txn, `input ${i}`).toBe(last + 1);
      last = out.txn;
      for (const e of out.events) {
        expect(e.txn).toBe(out.txn);
        expect(e.time).toBe(1000 + i);
      }
    }
    // cancel_all with nothing open and a bad set_mark changed nothing.
    expect([outputs[2].txn, outputs[4].txn]).toEqual([0, 0]);
    // A reject is an event: it takes a txn.
    expect(outputs[1].txn).toBe(2);
  });

  it('stamps the snapshot with the last txn and time', () => {
    const engine = new Engine({ config: defaultExchangeConfig() });
    const outputs = run(SCRIPT, engine);
    const snap = engine.snapshot();
    expect(snap.txn).toBe(Math.max(...outputs.map((o) => o.txn)));
    expect(snap.time).toBe(1000 + SCRIPT.length - 1);
    expect(engine.txn).toBe(snap.txn);
  });
});

describe('determinism', () => {
  it('the same inputs at the same times give the same outputs and state', () => {
    const a = new Engine({ config: defaultExchangeConfig() });
    const b = new Engine({ config: defaultExchangeConfig() });
    const outA = run(SCRIPT, a);
    const outB = run(SCRIPT, b);
    expect(outB).toEqual(outA);
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(JSON.stringify(b.snapshot())).toBe(JSON.stringify(a.snapshot()));
  });

  it('snapshots are plain JSON data', () => {
    const engine = new Engine({ config: defaultExchangeConfig() });
    run(SCRIPT.slice(0, 8), engine);
    const snap = engine.snapshot();
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });
});
