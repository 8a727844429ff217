import { afterEach, describe, expect, it } from 'vitest';
import type { ResponseFault } from '../../../src/core/faults/fault.ts';
import { defaultExchangeConfig } from '../../../src/domains/trading/protocol/exchange-config.ts';
import { startExchangeServer } from '../../../src/exchange/server/exchange-server.ts';
import { Cleanup, sleep, startProxy, TestPeer, TestUpstream, until } from './proxy-test-kit.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields of server messages
type Message = Record<string, any>;

/** A client of the reference exchange through the proxy, that waits for answers by id. */
class Trader {
  private nextId = 1;

  constructor(readonly peer: TestPeer) {}

  get messages(): Message[] {
    return this.peer.texts.map((text) => JSON.parse(text) as Message);
  }

  /** Sends a request and waits for the response with its id (a forged answer carries it as a string). */
  async request(frame: Record<string, unknown>): Promise<Message> {
    const id = this.nextId++;
    this.peer.send({ ...frame, id });
    let answer: Message | undefined;
    await until(() => {
      answer = this.messages.find((m) => m.type === 'response' && String(m.id) === String(id));
      return answer !== undefined;
    }, `the answer to request ${id}`);
    return answer as Message;
  }

  events(type: string): Message[] {
    return this.messages.filter((m) => m.type === 'event' && m.event.type === type);
  }
}

const place = (clientOrderId: string) => ({
  type: 'place',
  symbol: 'SANDBOX.BTC-USD',
  side: 'buy',
  orderType: 'limit',
  price: 19500,
  qty: 0.01,
  clientOrderId,
});

describe('response faults over the proxy, against the reference exchange', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  const start = async () => {
    const exchange = cleanup.track(await startExchangeServer({ port: 0, config: defaultExchangeConfig() }));
    const { proxy, log } = await startProxy(() => exchange.url);
    cleanup.track(proxy);
    const trader = new Trader(cleanup.track(await TestPeer.connect(proxy.urlFor('maker'))));
    expect(await trader.request({ type: 'login', key: 'maker-key' })).toMatchObject({ ok: true });
    return { proxy, log, trader };
  };

  it('reject_429: a forged rate_limited answer with retryAfterMs, and the place never happened', async () => {
    const { proxy, log, trader } = await start();
    const fault: ResponseFault = {
      type: 'response',
      effect: 'reject_429',
      nth: 1,
      count: 1,
      retryAfterMs: 250,
    };
    expect(proxy.inject('maker', fault, 5).ok).toBe(true);
    const answer = await trader.request(place('p-1'));
    expect(answer).toMatchObject({
      type: 'response',
      id: '2',
      ok: false,
      error: { code: 'rate_limited', retryAfterMs: 250 },
    });
    // Not forwarded: the exchange does not know the order.
    const cancel = await trader.request({ type: 'cancel', clientOrderId: 'p-1' });
    expect(cancel).toMatchObject({ ok: false });
    expect(trader.events('order_accepted')).toEqual([]);
    expect(log.list()).toEqual([
      expect.objectContaining({ step: 5, kind: 'response.reject_429', hits: 1, detail: { request: '2' } }),
    ]);
  });

  it('error_5xx: a forged unavailable answer, and the place never happened', async () => {
    const { proxy, log, trader } = await start();
    proxy.inject('maker', { type: 'response', effect: 'error_5xx', nth: 1, count: 1 }, 6);
    expect(await trader.request(place('p-1'))).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await trader.request({ type: 'cancel', clientOrderId: 'p-1' })).toMatchObject({ ok: false });
    expect(trader.events('order_accepted')).toEqual([]);
    expect(log.list()).toEqual([expect.objectContaining({ kind: 'response.error_5xx', hits: 1 })]);
  });

  it('error_5xx after the effect: the place happened, but its answer says unavailable', async () => {
    const { proxy, log, trader } = await start();
    proxy.inject('maker', { type: 'response', effect: 'error_5xx', nth: 1, count: 1, afterEffect: true }, 7);
    expect(await trader.request(place('p-1'))).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(trader.events('order_accepted')).toEqual([
      expect.objectContaining({ event: expect.objectContaining({ clientOrderId: 'p-1' }) }),
    ]);
    // The exchange's own answer was swallowed: one answer per request, the forged one.
    expect(trader.messages.filter((m) => m.type === 'response' && String(m.id) === '2')).toHaveLength(1);
    expect(await trader.request({ type: 'cancel', clientOrderId: 'p-1' })).toMatchObject({ ok: true });
    expect(log.list()).toEqual([expect.objectContaining({ step: 7, kind: 'response.error_5xx', hits: 1 })]);
  });

  it('nth and every pick which requests are answered instead', async () => {
    const { proxy, log, trader } = await start();
    proxy.inject('maker', { type: 'response', effect: 'reject_429', nth: 2, every: 2, count: 2 }, 8);
    const codes: string[] = [];
    for (let n = 0; n < 6; n++) {
      const answer = await trader.request({ type: 'ping' });
      codes.push(answer.ok ? 'ok' : answer.error.code);
    }
    expect(codes).toEqual(['ok', 'rate_limited', 'ok', 'rate_limited', 'ok', 'ok']);
    expect(log.list()).toEqual([expect.objectContaining({ kind: 'response.reject_429', hits: 2 })]);
  });
});

describe('response faults on the wire', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('a request answered instead is not forwarded to the target at all', async () => {
    const upstream = cleanup.track(
      await TestUpstream.start((socket, text) => {
        const { id } = JSON.parse(text) as { id: unknown };
        socket.send(JSON.stringify({ type: 'response', id, ok: true }));
      }),
    );
    const { proxy } = await startProxy(() => upstream.url);
    cleanup.track(proxy);
    const client = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    proxy.inject('maker', { type: 'response', effect: 'reject_429', nth: 1, count: 1 }, 1);
    client.send({ id: 1, type: 'ping' });
    client.send({ id: 2, type: 'ping' });
    await client.received(2);
    await sleep(30);
    expect(upstream.last.texts).toEqual(['{"id":2,"type":"ping"}']);
    expect(client.texts.map((t) => JSON.parse(t))).toEqual([
      expect.objectContaining({
        id: '1',
        ok: false,
        error: expect.objectContaining({ code: 'rate_limited' }),
      }),
      { type: 'response', id: 2, ok: true },
    ]);
  });
});
