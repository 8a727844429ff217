import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { defaultExchangeConfig } from '../src/domains/trading/protocol/exchange-config.ts';
import { startExchangeServer } from '../src/exchange/server/exchange-server.ts';
import type { BenchRow } from './bench-table.ts';

/**
 * Sends frames one at a time, each after the previous reply, for `ms`; returns round trips/s.
 * A frame holding a JSON array (batched delivery) is unpacked into its messages.
 */
async function pingPong(
  url: string,
  setup: (ws: WebSocket, request: (frame: object) => Promise<unknown>) => Promise<void>,
  nextFrame: (n: number) => object,
  ms: number,
): Promise<number> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waiting = new Map<unknown, (msg: unknown) => void>();
  const onMessage = (msg: { id?: unknown; type?: string }): void => {
    if (msg.type === 'event') return;
    const done = waiting.get(msg.id);
    if (done) {
      waiting.delete(msg.id);
      done(msg);
    }
  };
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as
      | { id?: unknown; type?: string }
      | { id?: unknown; type?: string }[];
    if (Array.isArray(frame)) for (const msg of frame) onMessage(msg);
    else onMessage(frame);
  });
  const request = (frame: object): Promise<unknown> =>
    new Promise((resolve) => {
      waiting.set((frame as { id: unknown }).id, resolve);
      ws.send(JSON.stringify(frame));
    });
  await setup(ws, request);
  // Warm-up, then the timed window.
  for (let n = 0; n < 2000; n++) await request(nextFrame(n));
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let k = 0; k < 200; k++) await request(nextFrame(1_000_000 + count++));
  }
  const rate = (count / (performance.now() - start)) * 1000;
  ws.close();
  return rate;
}

/**
 * Exchange round trips over loopback in one process, against a bare `ws` echo server on the
 * same topology measured in the same run. The exchange does real work per trip: a resting
 * limit order then its cancel, alternately, each answered with a response frame and followed
 * by its private and book events on the wire. The batched rows log in with `batch: true`, so
 * each trip comes back as one frame holding the events and the response.
 */
export async function runWsBenchmark(ms = 3000): Promise<BenchRow[]> {
  const echo = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  echo.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
  await new Promise<void>((resolve) => echo.once('listening', () => resolve()));
  const echoUrl = `ws://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  // The same echo, but each reply preceded by two event-sized frames: a place or cancel on
  // the exchange answers with its response plus two private events, so this isolates the
  // exchange's own cost from the cost of the extra frames.
  const echo3 = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  const eventFrame = JSON.stringify({
    type: 'event',
    stream: 'account:maker',
    seq: 1,
    txn: 1,
    time: 0,
    event: {
      type: 'balance',
      cash: 1000000,
      reserved: 4,
      positionMargin: 0,
      equity: 1000000,
      available: 999996,
    },
  });
  echo3.on('connection', (socket) =>
    socket.on('message', (data) => {
      socket.send(eventFrame);
      socket.send(eventFrame);
      socket.send(data);
    }),
  );
  await new Promise<void>((resolve) => echo3.once('listening', () => resolve()));
  const echo3Url = `ws://127.0.0.1:${(echo3.address() as AddressInfo).port}`;
  // The same three messages as one frame, a JSON array: what a batched client gets back, so
  // this isolates the exchange's own cost from the cost of the bytes.
  const echoBatch = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  echoBatch.on('connection', (socket) =>
    socket.on('message', (data) => socket.send(`[${eventFrame},${eventFrame},${String(data)}]`)),
  );
  await new Promise<void>((resolve) => echoBatch.once('listening', () => resolve()));
  const echoBatchUrl = `ws://127.0.0.1:${(echoBatch.address() as AddressInfo).port}`;

  const config = defaultExchangeConfig();
  config.rateLimit = { perSecond: 1e9, burst: 1e9 };
  const exchange = await startExchangeServer({ port: 0, config });
  try {
    const frame = (n: number): object =>
      n % 2 === 0
        ? {
            id: n,
            type: 'place',
            symbol: 'SANDBOX.BTC-USD',
            side: 'buy',
            orderType: 'limit',
            price: 19500,
            qty: 0.001,
            clientOrderId: `b${n}`,
          }
        : { id: n, type: 'cancel', clientOrderId: `b${n - 1}` };
    const echoRate = await pingPong(echoUrl, async () => {}, frame, ms);
    const echo3Rate = await pingPong(echo3Url, async () => {}, frame, ms);
    const echoBatchRate = await pingPong(echoBatchUrl, async () => {}, frame, ms);
    const login = async (_ws: WebSocket, request: (f: object) => Promise<unknown>) => {
      await request({ id: 'login', type: 'login', key: 'maker-key' });
    };
    const exchangeRate = await pingPong(exchange.url, login, frame, ms);
    const batchedLogin = async (_ws: WebSocket, request: (f: object) => Promise<unknown>) => {
      await request({ id: 'login', type: 'login', key: 'maker-key', batch: true });
    };
    // Its own clientOrderIds: the account already used the first run's, forever.
    const batchedFrame = (n: number): object => {
      const f = frame(n) as { clientOrderId: string };
      return { ...f, clientOrderId: `q${f.clientOrderId}` };
    };
    const batchedRate = await pingPong(exchange.url, batchedLogin, batchedFrame, ms);
    const pingRate = await pingPong(exchange.url, login, (n) => ({ id: n, type: 'ping' }), ms);
    return [
      {
        name: 'exchange round trips/s (place/cancel, events on)',
        value: exchangeRate,
        unit: 'trips/s',
        ceilingName: 'bare ws echo, same topology',
        ceiling: echoRate,
        target: '>= 70% of echo',
      },
      {
        name: 'exchange round trips/s (place/cancel, events on)',
        value: exchangeRate,
        unit: 'trips/s',
        ceilingName: 'ws echo sending the same 3 frames per trip',
        ceiling: echo3Rate,
      },
      {
        name: 'exchange round trips/s (place/cancel, batched frames)',
        value: batchedRate,
        unit: 'trips/s',
        ceilingName: 'bare ws echo, same topology',
        ceiling: echoRate,
        target: '>= 70% of echo',
      },
      {
        name: 'exchange round trips/s (place/cancel, batched frames)',
        value: batchedRate,
        unit: 'trips/s',
        ceilingName: 'ws echo sending the same 3 messages as one frame',
        ceiling: echoBatchRate,
      },
      {
        name: 'exchange round trips/s (ping)',
        value: pingRate,
        unit: 'trips/s',
        ceilingName: 'bare ws echo, same topology',
        ceiling: echoRate,
      },
    ];
  } finally {
    await exchange.close();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
    await new Promise<void>((resolve) => echo3.close(() => resolve()));
    await new Promise<void>((resolve) => echoBatch.close(() => resolve()));
  }
}
