import { describe, expect, it } from 'vitest';
import { defaultExchangeConfig } from '../../../src/domains/trading/protocol/exchange-config.ts';
import type {
  ADMIN_REQUEST_TYPES,
  TRADING_REQUEST_TYPES,
} from '../../../src/domains/trading/protocol/protocol-messages.ts';
import { BTC, makeHost, placeFrame } from './host-harness.ts';

const adminFrames: Record<(typeof ADMIN_REQUEST_TYPES)[number], Record<string, unknown>> = {
  set_mark: { type: 'set_mark', symbol: BTC, price: 20100 },
  halt: { type: 'halt' },
  resume_trading: { type: 'resume_trading' },
  reset: { type: 'reset' },
  snapshot: { type: 'snapshot' },
};
const tradingFrames: Record<(typeof TRADING_REQUEST_TYPES)[number], Record<string, unknown>> = {
  place: placeFrame(BTC, 'buy', 19990, 0.01, 'c-1'),
  cancel: { type: 'cancel', clientOrderId: 'c-1' },
  replace: { type: 'replace', clientOrderId: 'c-1', price: 19995 },
  cancel_all: { type: 'cancel_all' },
  status: { type: 'status', clientOrderId: 'c-1' },
};

describe('Session access control', () => {
  it('before login only login and ping work; nothing reaches the engine', () => {
    const { host, connect } = makeHost();
    const conn = connect();
    const before = host.engine.snapshot();
    for (const frame of [...Object.values(tradingFrames), ...Object.values(adminFrames)]) {
      expect(conn.request(frame)).toMatchObject({ ok: false, error: { code: 'not_logged_in' } });
    }
    expect(conn.request({ type: 'subscribe', streams: [`market:${BTC}`] }).error.code).toBe('not_logged_in');
    expect(conn.request({ type: 'ping' })).toMatchObject({ ok: true, result: { pong: true, time: 1000 } });
    expect(host.engine.snapshot()).toEqual(before);
    expect(conn.session.role).toBeUndefined();
  });

  it('a wrong key fails without logging in; a session logs in once', () => {
    const { connect } = makeHost();
    const conn = connect();
    expect(conn.login('nope').error.code).toBe('login_failed');
    expect(conn.login('maker-key')).toMatchObject({ ok: true, result: { role: 'trader', account: 'maker' } });
    expect(conn.login('admin-key').error.code).toBe('already_logged_in');
    expect(conn.session.account).toBe('maker');
    expect(conn.session.subscriptions).toEqual(['account:maker']);
  });

  it('a trader may not run admin operations', () => {
    const { host, trader } = makeHost();
    const maker = trader('maker-key');
    const before = host.engine.snapshot();
    for (const frame of Object.values(adminFrames)) {
      expect(maker.request(frame)).toMatchObject({ ok: false, error: { code: 'not_authorized' } });
    }
    expect(host.engine.snapshot()).toEqual(before);
  });

  it('the admin may not trade, but may run every admin operation', () => {
    const { host, trader } = makeHost();
    const admin = trader('admin-key');
    expect(admin.session.role).toBe('admin');
    const before = host.engine.snapshot();
    for (const frame of Object.values(tradingFrames)) {
      expect(admin.request(frame)).toMatchObject({ ok: false, error: { code: 'not_authorized' } });
    }
    expect(host.engine.snapshot()).toEqual(before);
    for (const frame of Object.values(adminFrames)) expect(admin.request(frame).ok).toBe(true);
  });

  it('the account always comes from the login, never from the frame', () => {
    const { host, trader } = makeHost();
    const maker = trader('maker-key');
    const response = maker.request({ ...placeFrame(BTC, 'buy', 19990, 0.01, 'c-1'), account: 'taker' });
    expect(response.ok).toBe(true);
    expect(host.engine.openOrders('maker')).toHaveLength(1);
    expect(host.engine.openOrders('taker')).toHaveLength(0);
  });

  it("a trader cannot touch another account's orders", () => {
    const { host, trader } = makeHost();
    const maker = trader('maker-key');
    const taker = trader('taker-key');
    const orderId = maker.request(placeFrame(BTC, 'buy', 19990, 0.01, 'c-1')).result.order.orderId;
    expect(taker.request({ type: 'cancel', orderId }).error.code).toBe('not_order_owner');
    expect(taker.request({ type: 'replace', orderId, price: 19980 }).error.code).toBe('not_order_owner');
    expect(taker.request({ type: 'status', orderId }).error.code).toBe('not_order_owner');
    expect(taker.request({ type: 'cancel_all' })).toMatchObject({ ok: true });
    expect(host.engine.openOrders('maker')).toMatchObject([{ orderId, price: 19990, status: 'open' }]);
  });

  it("a trader cannot read another account's stream, existing or not", () => {
    const { trader } = makeHost();
    const maker = trader('maker-key');
    for (const stream of ['account:taker', 'account:nobody']) {
      expect(maker.request({ type: 'subscribe', streams: [stream] }).error.code).toBe('not_authorized');
      expect(maker.request({ type: 'resync', streams: [stream] }).error.code).toBe('not_authorized');
      expect(maker.request({ type: 'resume', from: { [stream]: 0 } }).error.code).toBe('not_authorized');
    }
    expect(maker.session.subscriptions).toEqual(['account:maker']);
  });

  it('subscribe is all or nothing and refuses unknown streams', () => {
    const { trader } = makeHost();
    const maker = trader('maker-key');
    for (const stream of ['market:NOPE', 'book:', `trades:${BTC}`, 'account', '__proto__']) {
      const response = maker.request({ type: 'subscribe', streams: [`market:${BTC}`, stream] });
      expect(response.error.code).toBe('unknown_stream');
    }
    expect(maker.session.subscriptions).toEqual(['account:maker']);
    expect(maker.request({ type: 'subscribe', streams: [`market:${BTC}`, `book:${BTC}`] }).result).toEqual({
      seqs: { [`market:${BTC}`]: 0, [`book:${BTC}`]: 0 },
    });
  });

  it('the admin may read any account stream', () => {
    const { trader } = makeHost();
    const admin = trader('admin-key');
    expect(admin.request({ type: 'subscribe', streams: ['account:maker'] }).ok).toBe(true);
    expect(admin.request({ type: 'subscribe', streams: ['account:nobody'] }).error.code).toBe(
      'unknown_stream',
    );
    const maker = trader('maker-key');
    maker.request(placeFrame(BTC, 'buy', 19990, 0.01, 'c-1'));
    expect(admin.events('account:maker').map((m) => m.event.type)).toEqual(['order_accepted', 'balance']);
  });

  it('sandbox accounts never reach live symbols, live accounts never reach sandbox ones', () => {
    const { trader } = makeHost();
    const maker = trader('maker-key');
    const live = trader('live-key');
    expect(maker.request(placeFrame('BTC-USD', 'buy', 19990, 0.01, 'c-1')).error.code).toBe(
      'forbidden_symbol',
    );
    expect(live.request(placeFrame(BTC, 'buy', 19990, 0.01, 'c-1')).error.code).toBe('forbidden_symbol');
    expect(live.request(placeFrame('BTC-USD', 'buy', 19990, 0.01, 'c-2')).ok).toBe(true);
  });
});

describe('Session rate limiting', () => {
  const config = () => ({ ...defaultExchangeConfig(), rateLimit: { perSecond: 10, burst: 2 } });

  it('refuses over the limit with retryAfterMs, before the engine', () => {
    const { host, trader, advance } = makeHost({ config: config() });
    const maker = trader('maker-key');
    expect(maker.request(placeFrame(BTC, 'buy', 19990, 0.01, 'c-1')).ok).toBe(true);
    expect(maker.request({ type: 'status', clientOrderId: 'c-1' }).ok).toBe(true);
    const txn = host.engine.txn;
    const limited = maker.request(placeFrame(BTC, 'buy', 19990, 0.01, 'c-2'));
    expect(limited).toMatchObject({ ok: false, error: { code: 'rate_limited', retryAfterMs: 100 } });
    expect(host.engine.txn).toBe(txn);
    expect(host.engine.openOrders('maker')).toHaveLength(1);
    advance(limited.error.retryAfterMs);
    expect(maker.request(placeFrame(BTC, 'buy', 19990, 0.01, 'c-2')).ok).toBe(true);
  });

  it('does not count login or ping, and limits each connection on its own', () => {
    const { trader, connect } = makeHost({ config: config() });
    const maker = connect();
    for (let i = 0; i < 10; i++) expect(maker.request({ type: 'ping' }).ok).toBe(true);
    maker.login('maker-key');
    expect(maker.request({ type: 'subscribe', streams: [] }).ok).toBe(true);
    expect(maker.request({ type: 'subscribe', streams: [] }).ok).toBe(true);
    expect(maker.request({ type: 'subscribe', streams: [] }).error.code).toBe('rate_limited');
    expect(maker.request({ type: 'ping' }).ok).toBe(true);
    const taker = trader('taker-key');
    expect(taker.request({ type: 'subscribe', streams: [] }).ok).toBe(true);
  });
});

describe('Session robustness', () => {
  it('a throw while handling becomes an internal error and the session goes on', () => {
    const { host, connect } = makeHost();
    const errors: unknown[] = [];
    const messages: { id?: unknown; ok?: boolean; error?: { code: string } }[] = [];
    const session = host.connect(
      (m) => messages.push(m as never),
      (error) => errors.push(error),
    );
    session.receive('{"id":1,"type":"login","key":"maker-key"}');
    host.engine.orderStatus = () => {
      throw new Error('boom');
    };
    session.receive('{"id":2,"type":"status","orderId":"O1"}');
    expect(messages.at(-1)).toMatchObject({ id: 2, ok: false, error: { code: 'internal' } });
    expect(errors).toHaveLength(1);
    session.receive('{"id":3,"type":"ping"}');
    expect(messages.at(-1)).toMatchObject({ id: 3, ok: true });
    expect(connect().request({ type: 'ping' }).ok).toBe(true);
  });

  it('answers each request exactly once and sends nothing after close', () => {
    const { trader } = makeHost();
    const maker = trader('maker-key');
    const out = maker.send({ id: 'x', ...placeFrame(BTC, 'buy', 19990, 0.01, 'c-1') });
    expect(out.filter((m) => m.type === 'response')).toHaveLength(1);
    expect(out.at(-1)).toMatchObject({ type: 'response', id: 'x' });
    maker.session.close();
    const count = maker.messages.length;
    trader('admin-key').request({ type: 'reset' });
    maker.session.receive('{"id":9,"type":"ping"}');
    expect(maker.messages).toHaveLength(count);
  });

  it('a binary frame gets binary_frame', () => {
    const { host } = makeHost();
    const messages: unknown[] = [];
    host.connect((m) => messages.push(m)).receiveBinary();
    expect(messages).toEqual([
      { type: 'error', error: { code: 'binary_frame', message: expect.any(String) } },
    ]);
  });
});
