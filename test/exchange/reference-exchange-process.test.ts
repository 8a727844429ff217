import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ReferenceExchangeProcess,
  startReferenceExchangeProcess,
} from '../../src/exchange/server/reference-exchange-process.ts';
import { TestClient } from './server/ws-test-client.ts';

const BTC = 'SANDBOX.BTC-USD';
const place = (side: 'buy' | 'sell', price: number, clientOrderId: string) => ({
  type: 'place',
  symbol: BTC,
  side,
  orderType: 'limit',
  price,
  qty: 0.01,
  clientOrderId,
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * The real `shakedown serve` process under a supervisor: SIGKILL then restart from the
 * journal on the same URL, and SIGSTOP/SIGCONT. Each start costs about a second (tsx), so
 * one test does the whole round and starts the process twice.
 */
describe('startReferenceExchangeProcess', () => {
  const exchanges: ReferenceExchangeProcess[] = [];
  const clients: TestClient[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(exchanges.splice(0).map((e) => e.stop()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const login = async (url: string, key: string): Promise<TestClient> => {
    const client = await TestClient.connect(url);
    clients.push(client);
    expect((await client.request({ type: 'login', key })).ok).toBe(true);
    return client;
  };

  it('keeps every acknowledged order across a SIGKILL and restart, and a paused exchange answers on resume', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-refproc-'));
    dirs.push(dir);
    const exchange = await startReferenceExchangeProcess({ journalDir: dir });
    exchanges.push(exchange);
    const url = exchange.url();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const pid = exchange.supervisor.pid!;

    const maker = await login(url, 'maker-key');
    const taker = await login(url, 'taker-key');
    const acked: { clientOrderId: string; orderId: string }[] = [];
    for (const [client, frame] of [
      [maker, place('sell', 20000, 'm-1')],
      [maker, place('sell', 20010, 'm-2')],
      [taker, place('buy', 19990, 't-1')],
    ] as const) {
      const response = await client.request(frame);
      expect(response.ok, JSON.stringify(response)).toBe(true);
      expect(response.result.order.status).toBe('open');
      acked.push({ clientOrderId: frame.clientOrderId, orderId: response.result.order.orderId });
    }

    // Paused: the request sits in the socket unanswered; on resume it is answered.
    exchange.pause();
    expect(exchange.supervisor.paused).toBe(true);
    const index = maker.messages.length;
    maker.send({ id: 'while-paused', type: 'ping' });
    await expect(
      maker.waitFor((m) => m.id === 'while-paused', { from: index, timeoutMs: 400 }),
    ).rejects.toThrow(/timed out/);
    exchange.resume();
    const pong = await maker.waitFor((m) => m.id === 'while-paused', { from: index, timeoutMs: 5_000 });
    expect(pong.ok).toBe(true);

    await exchange.crash();
    expect(exchange.supervisor.running).toBe(false);
    expect(exchange.supervisor.lastExit?.signal).toBe('SIGKILL');
    expect(alive(pid)).toBe(false);
    await Promise.all(clients.splice(0).map((c) => c.close()));

    await exchange.restart();
    expect(exchange.url()).toBe(url);
    expect(exchange.supervisor.pid).not.toBe(pid);
    const admin = await login(url, 'admin-key');
    const snapshot = (await admin.request({ type: 'snapshot' })).result;
    const open = snapshot.orders.map((o: { clientOrderId: string; orderId: string; status: string }) => ({
      clientOrderId: o.clientOrderId,
      orderId: o.orderId,
    }));
    expect(open).toEqual(expect.arrayContaining(acked));
    expect(snapshot.orders).toHaveLength(acked.length);

    const second = exchange.supervisor.pid!;
    await exchange.stop();
    await exchange.stop(); // idempotent
    expect(alive(second)).toBe(false);
  });
});
