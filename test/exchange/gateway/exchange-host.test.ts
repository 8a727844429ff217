import { describe, expect, it } from 'vitest';
import { defaultExchangeConfig } from '../../../src/domains/trading/protocol/exchange-config.ts';
import type { ExchangeInput } from '../../../src/domains/trading/protocol/exchange-input.ts';
import { Engine } from '../../../src/exchange/engine/engine.ts';
import { ExchangeHost } from '../../../src/exchange/gateway/exchange-host.ts';
import type { JournalSink } from '../../../src/exchange/journal/journal-entry.ts';
import { MemoryJournal } from '../../../src/exchange/journal/memory-journal.ts';
import { BTC, type Conn, type Msg, makeHost, placeFrame } from './host-harness.ts';

/** maker rests a sell, taker lifts part of it: both accounts get a fill. */
function trade(maker: Conn, taker: Conn, n: number): void {
  expect(maker.request(placeFrame(BTC, 'sell', 20000, 0.002, `m-${n}`)).ok).toBe(true);
  expect(taker.request(placeFrame(BTC, 'buy', 20000, 0.001, `t-${n}`)).ok).toBe(true);
}

function expectGapless(events: Msg[], from = 1): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => from + i));
}

describe('ExchangeHost journaling', () => {
  it('journals every input that changed something, before any of its effects is sent', () => {
    const deliveredAtAppend: number[] = [];
    const memory = new MemoryJournal();
    let delivered = 0;
    const journal: JournalSink = {
      append(time: number, input: ExchangeInput) {
        deliveredAtAppend.push(delivered);
        memory.append(time, input);
      },
      close: () => memory.close(),
    };
    const host = new ExchangeHost({ config: defaultExchangeConfig(), clock: () => 5, journal });
    const maker = host.connect(() => delivered++);
    maker.receive('{"id":1,"type":"login","key":"maker-key"}');
    const counts: number[] = [];
    for (const [i, frame] of [
      placeFrame(BTC, 'sell', 20000, 0.01, 'm-1'),
      placeFrame(BTC, 'sell', 1, 0.01, 'm-2'), // rejected: journaled too, it emits order_rejected
      { type: 'status', clientOrderId: 'm-1' }, // a query: not journaled
      { type: 'cancel_all' },
    ].entries()) {
      counts.push(delivered);
      maker.receive(JSON.stringify({ ...frame, id: i + 10 }));
    }
    expect(deliveredAtAppend).toEqual([counts[0], counts[1], counts[3]]);
    expect(memory.entries().map((e) => e.input.op)).toEqual(['place', 'place', 'cancel_all']);
    expect(memory.entries()).toHaveLength(host.engine.txn);
    expect(memory.entries()[0]).toMatchObject({
      n: 1,
      time: 5,
      input: { account: 'maker', clientOrderId: 'm-1' },
    });
  });

  it('stops taking inputs once a journal write fails, without sending the effects', () => {
    let fail = false;
    const journal: JournalSink = {
      append() {
        if (fail) throw new Error('disk full');
      },
      close() {},
    };
    const host = new ExchangeHost({ config: defaultExchangeConfig(), clock: () => 1, journal });
    const messages: Msg[] = [];
    const maker = host.connect((m) => messages.push(m));
    maker.receive('{"id":1,"type":"login","key":"maker-key"}');
    maker.receive(JSON.stringify({ id: 2, ...placeFrame(BTC, 'sell', 20000, 0.01, 'm-1') }));
    fail = true;
    const before = messages.length;
    maker.receive(JSON.stringify({ id: 3, ...placeFrame(BTC, 'sell', 20000, 0.01, 'm-2') }));
    expect(messages.slice(before)).toEqual([
      {
        type: 'response',
        id: 3,
        ok: false,
        error: { code: 'unavailable', message: expect.stringContaining('disk full') },
      },
    ]);
    fail = false;
    maker.receive(JSON.stringify({ id: 4, ...placeFrame(BTC, 'sell', 20000, 0.01, 'm-3') }));
    expect(messages.at(-1)).toMatchObject({ id: 4, ok: false, error: { code: 'unavailable' } });
    maker.receive('{"id":5,"type":"ping"}');
    expect(messages.at(-1)).toMatchObject({ id: 5, ok: true });
  });

  it('recovers from journal entries: same state, nothing sent, resumable', () => {
    const journal = new MemoryJournal();
    const first = makeHost({ journal });
    const maker = first.trader('maker-key');
    const taker = first.trader('taker-key');
    for (let n = 1; n <= 3; n++) trade(maker, taker, n);
    const entries = journal.entries();

    const second = makeHost({ recover: entries });
    expect(second.host.engine.snapshot()).toEqual(first.host.engine.snapshot());
    const fresh = new Engine({ config: defaultExchangeConfig() });
    for (const e of entries) fresh.apply(e.input, e.time);
    expect(second.host.engine.snapshot()).toEqual(fresh.snapshot());

    const again = second.trader('maker-key');
    const response = again.request({ type: 'resume', from: { 'account:maker': 2 } });
    expect(response.ok).toBe(true);
    expect(again.events('account:maker')).toEqual(maker.events('account:maker').slice(2));
  });

  it('event times never go backwards, even when the clock does', () => {
    let now = 10_000;
    const host = new ExchangeHost({ config: defaultExchangeConfig(), clock: () => now });
    const times: number[] = [];
    const maker = host.connect((m) => m.type === 'event' && times.push(m.time));
    maker.receive('{"id":1,"type":"login","key":"maker-key"}');
    maker.receive(JSON.stringify({ id: 2, ...placeFrame(BTC, 'sell', 20000, 0.01, 'm-1') }));
    now = 5_000;
    maker.receive(JSON.stringify({ id: 3, ...placeFrame(BTC, 'sell', 20000, 0.01, 'm-2') }));
    expect(times.length).toBeGreaterThan(2);
    expect(times.every((t) => t === 10_000)).toBe(true);
  });
});

describe('ExchangeHost resume and resync', () => {
  it('resume replays exactly the missed events, then the stream is live and gapless', () => {
    const { trader } = makeHost();
    const maker = trader('maker-key');
    const taker = trader('taker-key');
    trade(maker, taker, 1);
    const seen = maker.events('account:maker').length;
    maker.session.close();
    const meanwhile = trader('maker-key');
    trade(meanwhile, taker, 2);
    meanwhile.session.close();

    const again = trader('maker-key');
    expect(again.events()).toEqual([]);
    const response = again.request({ type: 'resume', from: { 'account:maker': seen } });
    expect(again.events('account:maker')).toEqual(meanwhile.events('account:maker'));
    expect(response.result.replayed['account:maker']).toBe(meanwhile.events('account:maker').length);
    trade(again, taker, 3);
    const all = [...maker.events('account:maker'), ...again.events('account:maker')];
    expect(all.length).toBeGreaterThan(seen + meanwhile.events().length);
    expectGapless(all);
    expect(new Set(all.filter((e) => e.event.type === 'fill').map((e) => e.event.tradeId)).size).toBe(3);
    // The replay came before the response, the live events after it.
    const responseAt = again.messages.indexOf(response);
    expect(again.messages.slice(0, responseAt).filter((m) => m.type === 'event')).toHaveLength(
      response.result.replayed['account:maker'],
    );
  });

  it('resume that cannot be served changes nothing and says to resync', () => {
    const { trader } = makeHost({ resumeBuffer: 3 });
    const maker = trader('maker-key');
    const taker = trader('taker-key');
    trade(maker, taker, 1);
    trade(maker, taker, 2);
    const last = maker.events('account:maker').at(-1)!.seq;
    const again = trader('maker-key');
    again.request({ type: 'unsubscribe', streams: ['account:maker'] });
    expect(again.request({ type: 'resume', from: { 'account:maker': 0 } }).error.code).toBe(
      'resume_gap_too_old',
    );
    expect(again.request({ type: 'resume', from: { 'account:maker': last + 1 } }).error.code).toBe(
      'resume_seq_ahead',
    );
    expect(again.session.subscriptions).toEqual([]);
    expect(again.events()).toEqual([]);
    const ok = again.request({ type: 'resume', from: { 'account:maker': last - 3 } });
    expect(ok.result).toEqual({ seqs: { 'account:maker': last }, replayed: { 'account:maker': 3 } });
  });

  it('resync returns a snapshot consistent with the seqs it gives', () => {
    const { trader, host } = makeHost();
    const maker = trader('maker-key');
    const taker = trader('taker-key');
    trade(maker, taker, 1);
    const fresh = trader('maker-key');
    const response = fresh.request({
      type: 'resync',
      streams: ['account:maker', `book:${BTC}`, `market:${BTC}`],
    });
    expect(response.result.seqs).toEqual({
      'account:maker': host.lastSeq('account:maker'),
      [`book:${BTC}`]: host.lastSeq(`book:${BTC}`),
      [`market:${BTC}`]: host.lastSeq(`market:${BTC}`),
    });
    expect(response.result.snapshot).toEqual({
      accounts: [
        { account: host.engine.accountSnapshot('maker'), openOrders: host.engine.openOrders('maker') },
      ],
      books: [host.engine.book(BTC)],
      instruments: [host.engine.instrument(BTC)],
    });
    expect(fresh.events()).toEqual([]);
    trade(maker, taker, 2);
    expect(fresh.events('account:maker')[0].seq).toBe(response.result.seqs['account:maker'] + 1);
  });
});

describe('ExchangeHost planted bugs', () => {
  it('seq_gap_after_resync: a resume skips the first missed event', () => {
    const { trader } = makeHost({ bugs: ['seq_gap_after_resync'] });
    const maker = trader('maker-key');
    const taker = trader('taker-key');
    trade(maker, taker, 1);
    const seen = maker.events('account:maker').at(-1)!.seq;
    maker.session.close();
    trade(trader('maker-key'), taker, 2);
    const again = trader('maker-key');
    again.request({ type: 'resume', from: { 'account:maker': seen } });
    expect(again.events('account:maker')[0].seq).toBe(seen + 2);
  });

  it('duplicate_fill_on_resync: the last fill comes again under the next seq, and numbering moves on', () => {
    const { trader, host } = makeHost({ bugs: ['duplicate_fill_on_resync'] });
    const maker = trader('maker-key');
    const taker = trader('taker-key');
    trade(maker, taker, 1);
    const lastFill = maker.events('account:maker').findLast((e) => e.event.type === 'fill')!;
    const last = maker.events('account:maker').at(-1)!.seq;

    const other = trader('maker-key');
    const response = other.request({ type: 'resync' });
    expect(response.result.seqs['account:maker']).toBe(last);
    const duplicate = other.events('account:maker')[0];
    expect(duplicate).toEqual({ ...lastFill, seq: last + 1 });
    // Every subscriber of the stream sees it, so the stream stays gapless for all.
    expect(maker.events('account:maker').at(-1)).toEqual(duplicate);
    expect(host.lastSeq('account:maker')).toBe(last + 1);
    expect(host.snapshot().streams['account:maker']).toBe(last + 1);
    expect(host.engine.lastSeq('account:maker')).toBe(last);

    trade(maker, taker, 2);
    expectGapless(maker.events('account:maker'));
    const fills = maker.events('account:maker').filter((e) => e.event.type === 'fill');
    expect(fills.map((e) => e.event.tradeId)).toEqual(['T1', 'T1', 'T2']);

    // A resume repeats it too, and the replay includes the earlier duplicate.
    const third = trader('maker-key');
    third.request({ type: 'resume', from: { 'account:maker': last } });
    const seqs = third.events('account:maker').map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => last + 1 + i));
    expect(third.events('account:maker').at(-1)!.event.tradeId).toBe('T2');
  });

  it('without the bugs, resync and resume never repeat a fill', () => {
    const { trader } = makeHost();
    const maker = trader('maker-key');
    const taker = trader('taker-key');
    trade(maker, taker, 1);
    const other = trader('maker-key');
    other.request({ type: 'resync' });
    other.request({ type: 'resume', from: { 'account:maker': 1 } });
    expect(maker.events('account:maker').at(-1)!.event.type).not.toBe('fill');
    const replayed = other.events('account:maker');
    expect(replayed.filter((e) => e.event.type === 'fill')).toHaveLength(1);
  });

  it('journal_skips_cancel_all: cancel_all is live but not journaled, so recovery resurrects orders', () => {
    const journal = new MemoryJournal();
    const { trader, host } = makeHost({ bugs: ['journal_skips_cancel_all'], journal });
    const maker = trader('maker-key');
    maker.request(placeFrame(BTC, 'buy', 19990, 0.01, 'b-1'));
    maker.request(placeFrame(BTC, 'buy', 19980, 0.01, 'b-2'));
    expect(maker.request({ type: 'cancel_all' }).result).toEqual({ kind: 'cancel_all', cancelled: 2 });
    expect(host.engine.openOrders('maker')).toEqual([]);
    expect(journal.entries().map((e) => e.input.op)).toEqual(['place', 'place']);
    const recovered = makeHost({ recover: journal.entries() });
    expect(recovered.host.engine.openOrders('maker')).toHaveLength(2);

    const honest = new MemoryJournal();
    const fine = makeHost({ journal: honest });
    const m = fine.trader('maker-key');
    m.request(placeFrame(BTC, 'buy', 19990, 0.01, 'b-1'));
    m.request({ type: 'cancel_all' });
    expect(honest.entries().map((e) => e.input.op)).toEqual(['place', 'cancel_all']);
  });
});
