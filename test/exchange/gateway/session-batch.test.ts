import { describe, expect, it } from 'vitest';
import type { ExchangeHost } from '../../../src/exchange/gateway/exchange-host.ts';
import { parseFrame } from '../../../src/exchange/gateway/parse-frame.ts';
import { BTC, type Msg, makeHost, placeFrame } from './host-harness.ts';

/** What one connection was handed: a frame is a message, or (batched) an array of them. */
type Frame = Msg | Msg[];

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A connection whose transport carries batches, as the WebSocket server's does. */
function framedConn(host: ExchangeHost, acceptBatches = true) {
  const frames: Frame[] = [];
  const session = host.connect((m) => frames.push(copy(m)));
  if (acceptBatches) session.acceptBatches((batch) => frames.push(copy(batch)));
  let nextId = 1;
  return {
    frames,
    session,
    /** Sends a request; returns the frames it produced on this connection. */
    send(frame: Record<string, unknown>): Frame[] {
      const before = frames.length;
      session.receive(JSON.stringify({ id: nextId++, ...frame }));
      return frames.slice(before);
    },
    /** Every message, in order, batches unpacked. */
    messages(): Msg[] {
      return frames.flatMap((f) => (Array.isArray(f) ? f : [f]));
    },
  };
}

const kinds = (batch: Frame) =>
  (batch as Msg[]).map((m) => (m.type === 'event' ? `${m.stream} ${m.event.type}` : m.type));

describe('login batch flag', () => {
  it('parses an optional boolean batch', () => {
    expect(parseFrame('{"id":1,"type":"login","key":"k","batch":true}', 1024)).toEqual({
      ok: true,
      request: { id: 1, type: 'login', key: 'k', batch: true },
    });
    expect(parseFrame('{"id":1,"type":"login","key":"k","batch":false}', 1024)).toEqual({
      ok: true,
      request: { id: 1, type: 'login', key: 'k', batch: false },
    });
    expect(parseFrame('{"id":1,"type":"login","key":"k"}', 1024)).toEqual({
      ok: true,
      request: { id: 1, type: 'login', key: 'k' },
    });
  });

  it('a batch that is not a boolean is bad_field, and the session stays logged out', () => {
    for (const value of ['true', 1, 0, null, [], {}]) {
      expect(parseFrame(JSON.stringify({ id: 7, type: 'login', key: 'k', batch: value }), 1024)).toEqual({
        ok: false,
        id: 7,
        error: { code: 'bad_field', field: 'batch', message: 'login: batch must be a boolean' },
      });
    }
    const { host } = makeHost();
    const conn = framedConn(host);
    expect(conn.send({ type: 'login', key: 'maker-key', batch: 'yes' })).toEqual([
      {
        type: 'response',
        id: 1,
        ok: false,
        error: { code: 'bad_field', field: 'batch', message: 'login: batch must be a boolean' },
      },
    ]);
    expect(conn.session.role).toBeUndefined();
    expect(conn.session.batched).toBe(false);
  });
});

describe('Session batched delivery', () => {
  it('the batched login is answered in a batch; a place then comes as one batch, events then response', () => {
    const { host } = makeHost();
    const maker = framedConn(host);
    expect(maker.send({ type: 'login', key: 'maker-key', batch: true })).toEqual([
      [
        {
          type: 'response',
          id: 1,
          ok: true,
          result: { role: 'trader', account: 'maker', seqs: { 'account:maker': 0 }, batch: true },
        },
      ],
    ]);
    expect(maker.session.batched).toBe(true);

    const placed = maker.send(placeFrame(BTC, 'sell', 20000, 0.01, 'm-1'));
    expect(placed).toHaveLength(1);
    expect(kinds(placed[0])).toEqual(['account:maker order_accepted', 'account:maker balance', 'response']);
    expect(placed[0]).toMatchObject([
      { seq: 1, txn: 1 },
      { seq: 2, txn: 1 },
      { id: 2, ok: true, txn: 1, result: { order: { clientOrderId: 'm-1', status: 'open' } } },
    ]);

    const cancelled = maker.send({ type: 'cancel', clientOrderId: 'm-1' });
    expect(cancelled).toHaveLength(1);
    expect(kinds(cancelled[0])).toEqual([
      'account:maker order_cancelled',
      'account:maker balance',
      'response',
    ]);
  });

  it('batches hold exactly what an unbatched session gets, in the same order', () => {
    const { host } = makeHost();
    const plain = framedConn(host);
    const batched = framedConn(host);
    plain.send({ type: 'login', key: 'maker-key' });
    batched.send({ type: 'login', key: 'maker-key', batch: true });
    const streams = [`market:${BTC}`, `book:${BTC}`];
    plain.send({ type: 'subscribe', streams });
    batched.send({ type: 'subscribe', streams });
    const plainBefore = plain.messages().length;
    const batchedBefore = batched.messages().length;
    const taker = framedConn(host);
    taker.send({ type: 'login', key: 'taker-key' });
    // Both maker sessions share the account stream, so the orders of either reach both.
    plain.send(placeFrame(BTC, 'sell', 20000, 0.02, 'm-1'));
    taker.send(placeFrame(BTC, 'buy', 20000, 0.01, 't-1'));
    batched.send({ type: 'cancel', clientOrderId: 'm-1' });
    const responses = (m: Msg) => m.type !== 'response';
    expect(batched.messages().slice(batchedBefore).filter(responses)).toEqual(
      plain.messages().slice(plainBefore).filter(responses),
    );
    expect(plain.frames.every((f) => !Array.isArray(f))).toBe(true);
    expect(batched.frames.every((f) => Array.isArray(f) && f.length > 0)).toBe(true);
  });

  it('a fan-out reaches another batched session as one batch per engine input', () => {
    const { host } = makeHost();
    const maker = framedConn(host);
    maker.send({ type: 'login', key: 'maker-key', batch: true });
    maker.send({ type: 'subscribe', streams: [`market:${BTC}`, `book:${BTC}`] });
    maker.send(placeFrame(BTC, 'sell', 20000, 0.02, 'm-1'));
    const taker = framedConn(host);
    taker.send({ type: 'login', key: 'taker-key', batch: true });

    const before = maker.frames.length;
    const taken = taker.send(placeFrame(BTC, 'buy', 20000, 0.01, 't-1'));
    expect(taken).toHaveLength(1);
    expect((taken[0] as Msg[]).at(-1)).toMatchObject({ type: 'response', id: 2, ok: true });
    const fanned = maker.frames.slice(before);
    expect(fanned).toHaveLength(1);
    expect(kinds(fanned[0])).toEqual([
      'account:maker fill',
      `market:${BTC} trade`,
      `book:${BTC} book_delta`,
      'account:maker position',
      'account:maker balance',
    ]);
    expect((fanned[0] as Msg[]).every((m) => m.txn === 2)).toBe(true);

    // A second input is a second batch.
    taker.send(placeFrame(BTC, 'buy', 20000, 0.01, 't-2'));
    expect(maker.frames.slice(before)).toHaveLength(2);
  });

  it('unbatched sessions are unchanged: one message per frame, no batch in the login result', () => {
    const { host } = makeHost();
    const plain = framedConn(host);
    const login = plain.send({ type: 'login', key: 'maker-key', batch: false });
    expect(login).toEqual([
      {
        type: 'response',
        id: 1,
        ok: true,
        result: { role: 'trader', account: 'maker', seqs: { 'account:maker': 0 } },
      },
    ]);
    const placed = plain.send(placeFrame(BTC, 'sell', 20000, 0.01, 'm-1'));
    expect(placed.map((f) => (Array.isArray(f) ? 'array' : f.type))).toEqual(['event', 'event', 'response']);
  });

  it('a session whose transport cannot carry batches says batch: false and sends one message a frame', () => {
    const { host } = makeHost();
    const conn = framedConn(host, false);
    expect(conn.send({ type: 'login', key: 'admin-key', batch: true })).toEqual([
      { type: 'response', id: 1, ok: true, result: { role: 'admin', seqs: {}, batch: false } },
    ]);
    expect(conn.session.batched).toBe(false);
  });

  it('a failed login does not turn batching on', () => {
    const { host } = makeHost();
    const conn = framedConn(host);
    expect(conn.send({ type: 'login', key: 'nope', batch: true })).toEqual([
      { type: 'response', id: 1, ok: false, error: { code: 'login_failed', message: 'unknown key' } },
    ]);
    expect(conn.session.batched).toBe(false);
  });

  it('messages sent outside any request still come as batches, of one', () => {
    const { host } = makeHost();
    const conn = framedConn(host);
    conn.send({ type: 'login', key: 'maker-key', batch: true });
    conn.session.receive('{"id":');
    conn.session.receiveBinary();
    expect(conn.frames.slice(1)).toEqual([
      [{ type: 'error', error: { code: 'bad_json', message: expect.any(String) } }],
      [{ type: 'error', error: { code: 'binary_frame', message: expect.any(String) } }],
    ]);
  });

  it('what a request sends after its response (the planted resend) stays in its batch, last', () => {
    const { host } = makeHost({ bugs: ['duplicate_fill_on_resync'] });
    const maker = framedConn(host);
    maker.send({ type: 'login', key: 'maker-key', batch: true });
    maker.send(placeFrame(BTC, 'sell', 20000, 0.02, 'm-1'));
    const taker = framedConn(host);
    taker.send({ type: 'login', key: 'taker-key' });
    taker.send(placeFrame(BTC, 'buy', 20000, 0.01, 't-1'));
    const resynced = maker.send({ type: 'resync' });
    expect(resynced).toHaveLength(1);
    expect(kinds(resynced[0])).toEqual(['response', 'account:maker fill']);
  });

  it('a closed session is sent nothing, and the others still get their batches', () => {
    const { host } = makeHost();
    const a = framedConn(host);
    const b = framedConn(host);
    a.send({ type: 'login', key: 'maker-key', batch: true });
    b.send({ type: 'login', key: 'maker-key', batch: true });
    a.session.close();
    const before = a.frames.length;
    const placed = b.send(placeFrame(BTC, 'sell', 20000, 0.01, 'm-1'));
    expect(placed).toHaveLength(1);
    expect(a.frames).toHaveLength(before);
  });

  it('a request handled while another is being handled joins its batch', () => {
    const { host } = makeHost();
    const frames: Msg[][] = [];
    const session = host.connect(() => {
      throw new Error('not batched');
    });
    let reentered = false;
    session.acceptBatches((batch) => frames.push(copy(batch)));
    const other = host.connect((m) => {
      // A synchronous in-process client that reacts to the first event it sees.
      if (!reentered && m.type === 'event') {
        reentered = true;
        session.receive('{"id":"inner","type":"ping"}');
      }
    });
    session.receive('{"id":1,"type":"login","key":"admin-key","batch":true}');
    session.receive('{"id":2,"type":"subscribe","streams":["account:maker"]}');
    other.receive('{"id":1,"type":"login","key":"admin-key"}');
    other.receive('{"id":2,"type":"subscribe","streams":["account:maker"]}');
    const maker = framedConn(host);
    maker.send({ type: 'login', key: 'maker-key' });
    const before = frames.length;
    maker.send(placeFrame(BTC, 'sell', 20000, 0.01, 'm-1'));
    expect(frames.slice(before).map((f) => f.map((m) => m.id ?? m.event.type))).toEqual([
      ['order_accepted', 'inner', 'balance'],
    ]);
  });
});
