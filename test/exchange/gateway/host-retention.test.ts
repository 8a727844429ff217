import { describe, expect, it } from 'vitest';
import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../../../src/domains/trading/protocol/exchange-config.ts';
import type { ServerMessage } from '../../../src/domains/trading/protocol/protocol-messages.ts';
import type { Session } from '../../../src/exchange/gateway/session.ts';
import { BTC, makeHost, placeFrame } from './host-harness.ts';

/** Streams of the default venue: 4 account streams, a market and a book stream per instrument. */
const STREAMS = 4 + 2 * 3;

function config(change: Partial<ExchangeConfig>): ExchangeConfig {
  return { ...defaultExchangeConfig(), ...change };
}

/** A logged-in session that keeps nothing it is sent but the last response. */
function quietTrader(host: ReturnType<typeof makeHost>['host'], key: string) {
  let last: ServerMessage | undefined;
  const session: Session = host.connect((message) => {
    if (message.type === 'response') last = message;
  });
  let id = 0;
  const request = (frame: Record<string, unknown>) => {
    session.receive(JSON.stringify({ ...frame, id: ++id }));
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields of server messages
    return last as any;
  };
  request({ type: 'login', key });
  return { session, request };
}

/** Places and cancels (or trades away) `count` orders per trader. */
function churn(host: ReturnType<typeof makeHost>['host'], count: number, prefix = ''): void {
  const maker = quietTrader(host, 'maker-key');
  const taker = quietTrader(host, 'taker-key');
  for (let i = 0; i < count; i++) {
    const placed = maker.request(placeFrame(BTC, 'sell', 20_000 + (i % 50) * 0.5, 0.001, `${prefix}m-${i}`));
    expect(placed.ok).toBe(true);
    if (i % 2 === 0) maker.request({ type: 'cancel', orderId: placed.result.order.orderId });
    else expect(taker.request(placeFrame(BTC, 'buy', 20_100, 0.001, `${prefix}t-${i}`)).ok).toBe(true);
  }
  maker.session.close();
  taker.session.close();
}

describe('ExchangeHost retention', () => {
  it('keeps at most resumeBuffer events per stream however many inputs it takes', () => {
    const { host } = makeHost({ config: config({ resumeBuffer: 100 }) });
    for (let round = 0; round < 5; round++) {
      churn(host, 400, `r${round}-`);
      const retained = host.retained();
      expect(retained.replayStreams).toBeLessThanOrEqual(STREAMS);
      expect(retained.replayEvents).toBeLessThanOrEqual(retained.replayStreams * 100);
    }
    expect(host.lastSeq('account:maker')).toBeGreaterThan(1000);
    // Closed sessions leave nothing behind.
    expect(host.retained()).toMatchObject({ sessions: 0, subscriptions: 0 });
  });

  it('bounds the buffers in bytes: long strings a client gets echoed cannot fill memory', () => {
    const limit = 256 * 1024;
    const { host, trader } = makeHost({ config: config({ resumeBufferBytes: limit }) });
    const maker = quietTrader(host, 'maker-key');
    // Each is rejected invalid_request, and its order_rejected event echoes the 20 kB id.
    for (let i = 0; i < 200; i++) {
      const rejected = maker.request(placeFrame(BTC, 'buy', 19_990, 0.001, `${i}-${'x'.repeat(20_000)}`));
      expect(rejected.error.code).toBe('invalid_request');
    }
    const retained = host.retained();
    expect(retained.replayBytes).toBeLessThanOrEqual(limit);
    expect(retained.replayEvents).toBeLessThan(200);

    // Resuming from before what is kept is refused; resync gives the full state instead.
    const again = trader('maker-key');
    again.request({ type: 'unsubscribe', streams: ['account:maker'] });
    expect(again.request({ type: 'resume', from: { 'account:maker': 0 } }).error.code).toBe(
      'resume_gap_too_old',
    );
    const resync = again.request({ type: 'resync', streams: ['account:maker'] });
    expect(resync.ok).toBe(true);
    expect(resync.result.seqs).toEqual({ 'account:maker': host.lastSeq('account:maker') });
    expect(resync.result.snapshot.accounts[0].account).toEqual(host.engine.accountSnapshot('maker'));
    // What is kept still resumes.
    const last = host.lastSeq('account:maker');
    expect(again.request({ type: 'resume', from: { 'account:maker': last - 3 } }).result.replayed).toEqual({
      'account:maker': 3,
    });
  });

  it('after an admin reset the engine holds no order records; the buffers stay within their limits', () => {
    const { host } = makeHost({
      config: config({ resumeBuffer: 50, retainFinishedOrders: 30 }),
    });
    churn(host, 300);
    const maker = quietTrader(host, 'maker-key');
    for (let i = 0; i < 10; i++) maker.request(placeFrame(BTC, 'buy', 19_900 - i, 0.001, `rest-${i}`));
    expect(host.engine.retained()).toMatchObject({ openOrders: 10, finishedOrders: 30 });
    const admin = quietTrader(host, 'admin-key');
    expect(admin.request({ type: 'reset' }).ok).toBe(true);
    expect(host.engine.retained()).toEqual({
      openOrders: 0,
      finishedOrders: 0,
      indexedOrders: 0,
      clientOrderIds: 0,
      bookLevels: 0,
      spareOrders: 0,
    });
    const retained = host.retained();
    expect(retained.replayEvents).toBeLessThanOrEqual(retained.replayStreams * 50);
    // Trading goes on, with the forgotten client ids free again.
    expect(maker.request(placeFrame(BTC, 'buy', 19_900, 0.001, 'rest-0')).ok).toBe(true);
    maker.session.close();
    admin.session.close();
    expect(host.retained()).toMatchObject({ sessions: 0, subscriptions: 0 });
  });
});
