import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import {
  filter,
  firstValueFrom,
  lastValueFrom,
  type Observable,
  ReplaySubject,
  timeout,
  toArray,
} from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { isShakedownError, type ShakedownError } from '../../../../src/core/shakedown-error.ts';
import { defaultExchangeConfig } from '../../../../src/domains/trading/protocol/exchange-config.ts';
import type { ServerMessage } from '../../../../src/domains/trading/protocol/protocol-messages.ts';
import type { VenueConnection } from '../../../../src/domains/trading/transport/venue-connection.ts';
import { BAD_FRAME_FROM_TARGET, wsDialer } from '../../../../src/domains/trading/transport/ws-dialer.ts';
import {
  type RunningExchange,
  startExchangeServer,
} from '../../../../src/exchange/server/exchange-server.ts';

const WAIT_MS = 5_000;

/** Waits for the first value, failing the test instead of hanging. */
const first = <T>(source: Observable<T>): Promise<T> =>
  firstValueFrom(source.pipe(timeout({ first: WAIT_MS })));

const failureOf = async (source: Observable<unknown>): Promise<ShakedownError> => {
  const error = await first(source).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isShakedownError(error)) throw new Error(`expected a ShakedownError, got ${String(error)}`);
  return error;
};

/**
 * Subscribes once (the first subscriber also gets what arrived before it) and keeps every
 * message, so a test can wait for one and look at their order.
 */
const record = (connection: VenueConnection) => {
  const seen: ServerMessage[] = [];
  const all = new ReplaySubject<ServerMessage>();
  connection.messages$.subscribe({
    next: (m) => {
      seen.push(m);
      all.next(m);
    },
    complete: () => all.complete(),
  });
  const done = () => lastValueFrom(all.pipe(toArray(), timeout({ first: WAIT_MS })));
  const response = (id: number) =>
    first(all.pipe(filter((m): m is ServerMessage => m.type === 'response' && m.id === id)));
  return { seen, done, response };
};

describe('wsDialer', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const exchange = async (): Promise<RunningExchange> => {
    const server = await startExchangeServer({ port: 0, config: defaultExchangeConfig() });
    cleanups.push(() => server.close());
    return server;
  };
  const wsServer = async (): Promise<WebSocketServer> => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    cleanups.push(() => {
      for (const client of server.clients) client.terminate();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return server;
  };
  /** A TCP server that accepts connections and never answers, like a hung venue. */
  const silentServer = async (): Promise<{ port: number; server: Server }> => {
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return { port: (server.address() as AddressInfo).port, server };
  };
  const portOf = (server: WebSocketServer): number => (server.address() as AddressInfo).port;

  it('logs in and trades: events and the response arrive on messages$, in the venue order', async () => {
    const server = await exchange();
    const connection = await first(wsDialer(server.url)());
    const { seen, response } = record(connection);
    cleanups.push(() => connection.close());

    connection.send({ id: 1, type: 'login', key: 'maker-key' });
    expect(await response(1)).toMatchObject({ ok: true, result: { role: 'trader', account: 'maker' } });

    connection.send({
      id: 2,
      type: 'place',
      symbol: 'SANDBOX.BTC-USD',
      side: 'sell',
      orderType: 'limit',
      price: 20000,
      qty: 0.01,
      clientOrderId: 'm-1',
    });
    expect(await response(2)).toMatchObject({ ok: true, result: { order: { status: 'open' } } });
    const accepted = seen.findIndex((m) => m.type === 'event' && m.event.type === 'order_accepted');
    const answered = seen.findIndex((m) => m.type === 'response' && m.id === 2);
    expect(accepted).toBeGreaterThanOrEqual(0);
    expect(accepted).toBeLessThan(answered);
    expect(seen[accepted]).toMatchObject({ stream: 'account:maker', seq: 1 });
  });

  it('completes messages$ when it closes, then drops what is sent', async () => {
    const server = await exchange();
    const connection = await first(wsDialer(server.url)());
    const { done } = record(connection);
    connection.close();
    await expect(done()).resolves.toEqual([]);
    expect(() => connection.send({ id: 1, type: 'ping' })).not.toThrow();
  });

  it('completes messages$ when the venue goes away', async () => {
    const server = await exchange();
    const connection = await first(wsDialer(server.url)());
    const { done } = record(connection);
    await server.close();
    await expect(done()).resolves.toEqual([]);
  });

  it('gives one connection per subscription', async () => {
    const server = await exchange();
    const dial = wsDialer(server.url);
    const a = await first(dial());
    const b = await first(dial());
    cleanups.push(() => a.close());
    cleanups.push(() => b.close());
    const ra = record(a);
    const rb = record(b);
    a.send({ id: 1, type: 'login', key: 'maker-key' });
    b.send({ id: 1, type: 'login', key: 'taker-key' });
    expect(await ra.response(1)).toMatchObject({ result: { account: 'maker' } });
    expect(await rb.response(1)).toMatchObject({ result: { account: 'taker' } });
  });

  it('fails with SHK_TARGET_UNREACHABLE (exit 3) when nothing listens', async () => {
    const server = await exchange();
    const url = server.url;
    await server.close();
    const error = await failureOf(wsDialer(url)());
    expect(error.code).toBe('SHK_TARGET_UNREACHABLE');
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(`cannot reach ${url}: ECONNREFUSED`);
  });

  it('fails with SHK_TARGET_UNREACHABLE when the handshake does not finish in time', async () => {
    const { port } = await silentServer();
    const url = `ws://127.0.0.1:${port}`;
    const error = await failureOf(wsDialer(url, { connectTimeoutMs: 100 })());
    expect(error.code).toBe('SHK_TARGET_UNREACHABLE');
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(`cannot reach ${url}: no connection after 100 ms`);
  });

  it('fails with SHK_TARGET_UNREACHABLE on a URL it cannot dial', async () => {
    const error = await failureOf(wsDialer('ftp://127.0.0.1:1')());
    expect(error.code).toBe('SHK_TARGET_UNREACHABLE');
    expect(error.message).toMatch(/^cannot reach ftp:\/\/127\.0\.0\.1:1: .*protocol/);
  });

  it('aborts the socket when unsubscribed before it opens', async () => {
    const { port, server } = await silentServer();
    const accepted = once(server, 'connection', { signal: AbortSignal.timeout(WAIT_MS) });
    const subscription = wsDialer(`ws://127.0.0.1:${port}`)().subscribe({ error: () => {} });
    const [socket] = (await accepted) as [Socket];
    const closed = once(socket, 'close', { signal: AbortSignal.timeout(WAIT_MS) });
    subscription.unsubscribe();
    await expect(closed).resolves.toBeDefined();
  });

  it('turns a frame that is not JSON into an error message, not a throw', async () => {
    const server = await wsServer();
    server.on('connection', (socket) => {
      socket.send('this is not json');
      socket.send('[1,2]');
      socket.send(JSON.stringify({ type: 'response', id: 7, ok: true, result: {} }));
    });
    const warnings: string[] = [];
    const dial = wsDialer(`ws://127.0.0.1:${portOf(server)}`, {
      logger: { warn: (_fields, message) => warnings.push(message) },
    });
    const connection = await first(dial());
    cleanups.push(() => connection.close());
    const { seen, response } = record(connection);
    expect(await response(7)).toMatchObject({ ok: true });
    expect(seen.slice(0, 2)).toEqual([
      { type: 'error', error: { code: BAD_FRAME_FROM_TARGET, message: expect.stringMatching(/not JSON/) } },
      { type: 'error', error: { code: BAD_FRAME_FROM_TARGET, message: 'frame is JSON but not an object' } },
    ]);
    expect(BAD_FRAME_FROM_TARGET).toBe('bad_frame_from_target');
    expect(warnings).toHaveLength(2);
  });
});
