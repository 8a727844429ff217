import { afterEach, describe, expect, it } from 'vitest';
import { defaultExchangeConfig } from '../../../src/domains/trading/protocol/exchange-config.ts';
import { type RunningExchange, startExchangeServer } from '../../../src/exchange/server/exchange-server.ts';
import { type Received, TestClient } from './ws-test-client.ts';

const BTC = 'SANDBOX.BTC-USD';
const place = (side: 'buy' | 'sell', price: number, qty: number, clientOrderId: string) => ({
  type: 'place',
  symbol: BTC,
  side,
  orderType: 'limit',
  price,
  qty,
  clientOrderId,
});

/** The batch frame that ends with the response to `id`. */
const answers = (id: unknown) => (frame: Received) =>
  Array.isArray(frame) && frame.at(-1)?.type === 'response' && frame.at(-1)?.id === id;

const kinds = (frame: Received) =>
  (frame as Received[]).map((m) => (m.type === 'event' ? `${m.stream} ${m.event.type}` : m.type));

describe('exchange server, batched delivery', () => {
  let server: RunningExchange | undefined;
  const clients: TestClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server?.close();
    server = undefined;
  });

  const start = async (): Promise<RunningExchange> => {
    server = await startExchangeServer({ port: 0, config: defaultExchangeConfig(), clock: () => 1_000 });
    return server;
  };
  const connect = async (url: string): Promise<TestClient> => {
    const client = await TestClient.connect(url);
    clients.push(client);
    return client;
  };
  /** Sends a request to a batched client and waits for the frame that answers it. */
  const batchRequest = async (client: TestClient, frame: Record<string, unknown>): Promise<number> => {
    client.send(frame);
    return client.waitForIndex(answers(frame.id));
  };

  it('a place answers a batched client with exactly one frame: its events, then the response', async () => {
    const { url } = await start();
    const maker = await connect(url);
    const login = await batchRequest(maker, { id: 1, type: 'login', key: 'maker-key', batch: true });
    expect(maker.messages[login]).toMatchObject([
      { id: 1, ok: true, result: { account: 'maker', batch: true } },
    ]);

    const placed = await batchRequest(maker, { id: 2, ...place('sell', 20000, 0.01, 'm-1') });
    expect(placed).toBe(login + 1);
    expect(kinds(maker.messages[placed])).toEqual([
      'account:maker order_accepted',
      'account:maker balance',
      'response',
    ]);
    // Nothing else came for the place: the next frame is the answer to the next request.
    const pinged = await batchRequest(maker, { id: 3, type: 'ping' });
    expect(pinged).toBe(placed + 1);
    expect(maker.messages[pinged]).toMatchObject([{ type: 'response', id: 3, ok: true }]);
    expect(maker.messages.every(Array.isArray)).toBe(true);
  });

  it('a fan-out reaches a batched client as one frame per input; unbatched clients are unchanged', async () => {
    const { url } = await start();
    const maker = await connect(url);
    await batchRequest(maker, { id: 1, type: 'login', key: 'maker-key', batch: true });
    await batchRequest(maker, { id: 2, type: 'subscribe', streams: [`market:${BTC}`, `book:${BTC}`] });
    await batchRequest(maker, { id: 3, ...place('sell', 20000, 0.02, 'm-1') });
    const watcher = await connect(url);
    expect((await watcher.request({ type: 'login', key: 'maker-key' })).result.batch).toBeUndefined();
    const taker = await connect(url);
    expect(await taker.request({ type: 'login', key: 'taker-key' })).toMatchObject({ ok: true });

    const before = maker.messages.length;
    const watched = watcher.messages.length;
    expect(await taker.request(place('buy', 20000, 0.01, 't-1'))).toMatchObject({ ok: true });
    expect(await taker.request(place('buy', 20000, 0.01, 't-2'))).toMatchObject({ ok: true });
    await maker.waitForIndex((f) => Array.isArray(f) && f[0]?.txn === 3, { from: before });
    const fanned = maker.messages.slice(before);
    expect(fanned.map(kinds)).toEqual([
      [
        'account:maker fill',
        `market:${BTC} trade`,
        `book:${BTC} book_delta`,
        'account:maker position',
        'account:maker balance',
      ],
      [
        'account:maker fill',
        `market:${BTC} trade`,
        `book:${BTC} book_delta`,
        'account:maker position',
        'account:maker balance',
      ],
    ]);
    expect(fanned.map((frame) => (frame as Received[]).map((m) => m.txn))).toEqual([
      [2, 2, 2, 2, 2],
      [3, 3, 3, 3, 3],
    ]);
    // The unbatched session of the same account got the same account events, one a frame.
    await watcher.waitFor((m) => m.type === 'event' && m.txn === 3 && m.event.type === 'balance', {
      from: watched,
    });
    expect(watcher.messages.some(Array.isArray)).toBe(false);
    expect(watcher.messages.slice(watched).map((m) => `${m.txn} ${m.event.type}`)).toEqual([
      '2 fill',
      '2 position',
      '2 balance',
      '3 fill',
      '3 position',
      '3 balance',
    ]);
    expect(taker.messages.some(Array.isArray)).toBe(false);
  });

  it('a batch that is not a boolean is bad_field, answered as a plain response', async () => {
    const { url } = await start();
    const client = await connect(url);
    expect(await client.request({ id: 1, type: 'login', key: 'maker-key', batch: 'yes' })).toMatchObject({
      ok: false,
      error: { code: 'bad_field', field: 'batch' },
    });
    expect(await client.request({ id: 2, type: 'login', key: 'maker-key' })).toMatchObject({ ok: true });
  });
});
