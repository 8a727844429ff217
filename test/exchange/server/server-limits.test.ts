import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../../../src/domains/trading/protocol/exchange-config.ts';
import {
  CLOSE_TOO_MANY_CONNECTIONS,
  type RunningExchange,
  startExchangeServer,
} from '../../../src/exchange/server/exchange-server.ts';
import { TestClient, withTimeout } from './ws-test-client.ts';

const BTC = 'SANDBOX.BTC-USD';

/** Waits, a tick at a time and at most `ms`, until `condition` holds. */
async function eventually(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const wait = (async () => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
  })();
  await withTimeout(wait, ms, what);
}

describe('exchange server limits', () => {
  const servers: RunningExchange[] = [];
  const sockets: WebSocket[] = [];
  const clients: TestClient[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.terminate();
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  const start = async (change: Partial<ExchangeConfig>): Promise<RunningExchange> => {
    const server = await startExchangeServer({
      host: '127.0.0.1',
      port: 0,
      config: { ...defaultExchangeConfig(), ...change },
    });
    servers.push(server);
    return server;
  };
  const client = async (server: RunningExchange, key: string): Promise<TestClient> => {
    const c = await TestClient.connect(server.url);
    clients.push(c);
    expect((await c.request({ type: 'login', key })).ok).toBe(true);
    return c;
  };

  it('closes a connection over maxConnections with 1013, and takes one again once a slot is free', async () => {
    const server = await start({ maxConnections: 2 });
    const first = await client(server, 'maker-key');
    await client(server, 'taker-key');

    const extra = new WebSocket(server.url);
    sockets.push(extra);
    const closed = new Promise<number>((resolve) => extra.once('close', (code) => resolve(code)));
    extra.on('error', () => {});
    expect(await withTimeout(closed, 10_000, 'the extra connection to close')).toBe(
      CLOSE_TOO_MANY_CONNECTIONS,
    );
    expect(server.host.sessionCount).toBe(2);
    expect((await first.request({ type: 'ping' })).ok).toBe(true);

    await first.close();
    await eventually(() => server.host.sessionCount === 1, 'the closed session to go');
    const again = await client(server, 'maker-key');
    expect((await again.request({ type: 'ping' })).ok).toBe(true);
  });

  it('drops a client that stops reading once maxBufferedBytes of output wait for it', async () => {
    const server = await start({ maxBufferedBytes: 64 * 1024, rateLimit: { perSecond: 1e9, burst: 1e9 } });
    const stalled = await client(server, 'admin-key');
    expect((await stalled.request({ type: 'subscribe', streams: ['account:maker'] })).ok).toBe(true);
    const dropped = new Promise<void>((resolve) => stalled.socket.once('close', () => resolve()));
    stalled.socket.pause();
    const maker = await client(server, 'maker-key');
    // Each rejected place sends the stalled admin a 30 kB order_rejected (it echoes the id).
    const pad = 'x'.repeat(30_000);
    for (let i = 0; i < 3000 && server.host.sessionCount === 2; i++) {
      const answer = await maker.request({
        type: 'place',
        symbol: BTC,
        side: 'buy',
        orderType: 'limit',
        price: 19_990,
        qty: 0.001,
        clientOrderId: `${i}${pad}`,
      });
      expect(answer.error.code).toBe('invalid_request');
    }
    expect(server.host.sessionCount).toBe(1);
    stalled.socket.resume();
    await withTimeout(dropped, 10_000, 'the stalled client to be dropped');
    // The reader that keeps up is unaffected.
    expect((await maker.request({ type: 'ping' })).ok).toBe(true);
  });
});
