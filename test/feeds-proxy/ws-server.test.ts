import { afterEach, describe, expect, test } from 'vitest';
import type { Head } from '../../src/domains/feeds/protocol/chain-types.ts';
import { feedsConfigWith } from '../../src/domains/feeds/protocol/feeds-config.ts';
import {
  type FeedsProxyProcess,
  type RunningFeedsServer,
  startFeedsProxyProcess,
  startFeedsServer,
} from '../../src/feeds-proxy/index.ts';
import { headProblems } from './support/continuity.ts';
import { WsRpcClient } from './support/ws-rpc-client.ts';

/** Heads come fast so a test sees several without waiting long; how many it sees is not asserted on timing. */
const config = feedsConfigWith({ headIntervalMs: 25, requestTimeoutMs: 2_000, breakerRecoveryMs: 200 });

describe('the feeds server over WebSocket', () => {
  let server: RunningFeedsServer | undefined;
  const clients: WsRpcClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server?.close();
    server = undefined;
  });

  const connect = async (url: string): Promise<WsRpcClient> => {
    const client = await WsRpcClient.connect(url);
    clients.push(client);
    return client;
  };

  test('answers calls, pushes heads, and serves the admin methods', async () => {
    server = await startFeedsServer({ port: 0, config });
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const alice = await connect(`${server.url}/?client=alice`);
    const number = await alice.call('eth_blockNumber');
    expect(number.result).toMatch(/^0x[0-9a-f]+$/);
    const sub = await alice.call('eth_subscribe', ['newHeads']);
    const id = sub.result as string;
    expect(id).toMatch(/^0x[0-9a-f]{32}$/);
    await alice.waitFor(() => alice.pushes(id).length >= 3);
    expect(headProblems(alice.pushes(id) as unknown as Head[])).toEqual({
      gaps: [],
      duplicates: [],
      unlinked: [],
    });

    const kill = await alice.call('shakedown_killUpstream', [{ upstream: 'u0' }]);
    expect(kill.result).toEqual({ ok: true, detail: 'u0 killed' });
    const again = await alice.call('shakedown_killUpstream', [{ upstream: 'u0' }]);
    expect(again.error).toMatchObject({ code: -32010 });
    const metrics = await alice.call('shakedown_metrics');
    expect((metrics.result as { methods: Record<string, unknown> }).methods).toHaveProperty(
      'eth_blockNumber',
    );
    expect(server.host.snapshot().proxy.clients).toEqual(['alice']);
    const unsubscribed = await alice.call('eth_unsubscribe', [id]);
    expect(unsubscribed.result).toBe(true);
  });

  test('a subscription survives the kill of its upstream over real sockets', async () => {
    server = await startFeedsServer({ port: 0, config: { ...config, strategy: 'priority' } });
    const bob = await connect(server.url);
    const id = (await bob.call('eth_subscribe', ['newHeads'])).result as string;
    await bob.waitFor(() => bob.pushes(id).length >= 2);
    await bob.call('shakedown_killUpstream', [{ upstream: 'u0' }]);
    const seen = bob.pushes(id).length;
    await bob.waitFor(() => bob.pushes(id).length >= seen + 4);
    expect(headProblems(bob.pushes(id) as unknown as Head[])).toEqual({
      gaps: [],
      duplicates: [],
      unlinked: [],
    });
    expect(
      server.host.snapshot().proxy.failovers.some((f) => f.from === 'u0' && f.completedAt !== undefined),
    ).toBe(true);
  });

  test('a port in use is a SHK_LISTEN error', async () => {
    server = await startFeedsServer({ port: 0, config });
    await expect(startFeedsServer({ port: server.port, config })).rejects.toMatchObject({
      code: 'SHK_LISTEN',
    });
  });
});

describe('the feeds proxy as a child process', () => {
  let child: FeedsProxyProcess | undefined;

  afterEach(async () => {
    await child?.stop();
    child = undefined;
  });

  test('can be killed and comes back at the same URL on the same chain', async () => {
    child = await startFeedsProxyProcess({ config: { headIntervalMs: 25 }, bugs: ['metrics_miss_errors'] });
    const first = await WsRpcClient.connect(child.url());
    const config = await first.call('shakedown_config');
    expect((config.result as { bugs: string[] }).bugs).toEqual(['metrics_miss_errors']);
    const block = (await first.call('eth_getBlockByNumber', ['0x3', false])).result as Head;
    await child.crash();
    await first.waitFor(() => first.closed);
    await child.restart();
    const second = await WsRpcClient.connect(child.url());
    const same = (await second.call('eth_getBlockByNumber', ['0x3', false])).result as Head;
    expect(same.hash).toBe(block.hash);
    await second.close();
  }, 60_000);
});
