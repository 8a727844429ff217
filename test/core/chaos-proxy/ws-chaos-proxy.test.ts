import { afterEach, describe, expect, it } from 'vitest';
import { startWsChaosProxy } from '../../../src/core/chaos-proxy/ws-chaos-proxy.ts';
import type { Fault } from '../../../src/core/faults/fault.ts';
import { tradingTextFrameHooks } from '../../../src/domains/trading/transport/trading-frame-hooks.ts';
import { Cleanup, dialFailure, startProxy, TestPeer, TestUpstream, until } from './proxy-test-kit.ts';

describe('ws chaos proxy, nothing armed', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('forwards 1,000 frames each way in order, and records nothing', async () => {
    const upstream = cleanup.track(await TestUpstream.start());
    const { proxy, log } = await startProxy(() => upstream.url);
    cleanup.track(proxy);
    const client = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    const frames = Array.from({ length: 1000 }, (_, n) => JSON.stringify({ id: n, type: 'ping' }));
    for (const frame of frames) client.send(frame);
    expect(await client.received(1000)).toEqual(frames);
    expect(upstream.last.texts).toEqual(frames);
    expect(proxy.connections).toBe(1);
    expect(log.size).toBe(0);
  });

  it('keeps frames that come before the upstream is open, in order', async () => {
    const upstream = cleanup.track(await TestUpstream.start(undefined, { handshakeDelayMs: 150 }));
    const { proxy } = await startProxy(() => upstream.url);
    cleanup.track(proxy);
    const client = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    client.send('{"id":1}');
    client.send('{"id":2}');
    client.send('{"id":3}');
    expect(await client.received(3)).toEqual(['{"id":1}', '{"id":2}', '{"id":3}']);
  });

  it('forwards binary frames untouched', async () => {
    const upstream = cleanup.track(await TestUpstream.start());
    const { proxy } = await startProxy(() => upstream.url);
    cleanup.track(proxy);
    const client = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    const bytes = Buffer.from([0, 255, 1, 254, 0xc3]);
    client.socket.send(bytes, { binary: true });
    await until(() => client.binaries.length === 1, 'the binary echo');
    expect(upstream.last.binaries).toEqual([bytes]);
    expect(client.binaries).toEqual([bytes]);
  });

  it('reads upstream() for each new connection', async () => {
    const first = cleanup.track(await TestUpstream.start());
    const second = cleanup.track(await TestUpstream.start());
    let target = first.url;
    const { proxy } = await startProxy(() => target);
    cleanup.track(proxy);
    const a = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    a.send('{"id":1}');
    await a.received(1);
    target = second.url;
    const b = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    b.send('{"id":2}');
    await b.received(1);
    expect(first.peers.map((p) => p.texts)).toEqual([['{"id":1}']]);
    expect(second.peers.map((p) => p.texts)).toEqual([['{"id":2}']]);
  });

  it('closes the client with 1011 naming the error when the target cannot be reached', async () => {
    const upstream = await TestUpstream.start();
    const gone = upstream.url;
    await upstream.close();
    const { proxy } = await startProxy(() => gone);
    cleanup.track(proxy);
    const client = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    client.send('{"id":1}');
    const closed = await client.waitClosed();
    expect(closed.code).toBe(1011);
    expect(closed.reason).toContain(gone);
    expect(closed.reason).toContain('ECONNREFUSED');
    await until(() => proxy.connections === 0, 'the connection to be forgotten');
  });

  it('closes the client with 1011 when upstream() itself fails', async () => {
    const { proxy } = await startProxy(() => {
      throw new Error('the target is restarting');
    });
    cleanup.track(proxy);
    const client = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    const closed = await client.waitClosed();
    expect(closed.code).toBe(1011);
    expect(closed.reason).toContain('the target is restarting');
  });

  it('passes a clean close on as a close, with its code, both ways', async () => {
    const upstream = cleanup.track(await TestUpstream.start());
    const { proxy } = await startProxy(() => upstream.url);
    cleanup.track(proxy);
    const a = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    await until(() => upstream.peers.length === 1, 'the upstream connection');
    upstream.last.socket.close(4001, 'bye');
    expect(await a.waitClosed()).toEqual({ code: 4001, reason: 'bye' });

    const b = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    await until(() => upstream.peers.length === 2, 'the second upstream connection');
    b.socket.close(1000, 'done');
    expect(await upstream.last.waitClosed()).toEqual({ code: 1000, reason: 'done' });
    await until(() => proxy.connections === 0, 'both connections to end');
  });

  it('passes an abrupt end on as a terminate', async () => {
    const upstream = cleanup.track(await TestUpstream.start());
    const { proxy } = await startProxy(() => upstream.url);
    cleanup.track(proxy);
    const a = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    a.send('{"id":1}');
    await a.received(1);
    a.socket.terminate();
    expect((await upstream.last.waitClosed()).code).toBe(1006);
  });

  it('dropAll terminates every client connection', async () => {
    const upstream = cleanup.track(await TestUpstream.start());
    const { proxy, log } = await startProxy(() => upstream.url);
    cleanup.track(proxy);
    const a = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    const b = cleanup.track(await TestPeer.connect(proxy.urlFor('taker')));
    expect(proxy.connections).toBe(2);
    proxy.dropAll();
    expect(proxy.connections).toBe(0);
    expect((await a.waitClosed()).code).toBe(1006);
    expect((await b.waitClosed()).code).toBe(1006);
    expect(log.size).toBe(0);
  });

  it('refuses paths other than /c/<client>, and encodes client names', async () => {
    const upstream = cleanup.track(await TestUpstream.start());
    const { proxy } = await startProxy(() => upstream.url);
    cleanup.track(proxy);
    expect(proxy.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(await dialFailure(`${proxy.url}/elsewhere`)).toContain('404');
    expect(proxy.urlFor('a b/c')).toBe(`${proxy.url}/c/a%20b%2Fc`);
    const odd = cleanup.track(await TestPeer.connect(proxy.urlFor('a b/c')));
    odd.send('{"id":1}');
    expect(await odd.received(1)).toEqual(['{"id":1}']);
  });

  it('says ok:false for faults that are not link faults', async () => {
    const proxy = cleanup.track(
      await startWsChaosProxy({ upstream: () => 'ws://127.0.0.1:1', hooks: tradingTextFrameHooks }),
    );
    const crash = { type: 'process', effect: 'crash_restart', downMs: 10 } satisfies Fault;
    const result = proxy.inject('maker', crash as never, 1);
    expect(result.ok).toBe(false);
    expect(result.message).toContain('process.crash_restart');
    expect(
      proxy.inject('maker', { type: 'frame', effect: 'drop', direction: 'to_target', count: 1 }, 2).ok,
    ).toBe(true);
  });

  it('close() ends live connections and resolves', async () => {
    const upstream = cleanup.track(await TestUpstream.start());
    const { proxy } = await startProxy(() => upstream.url);
    const client = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    client.send('{"id":1}');
    await client.received(1);
    await proxy.close();
    expect((await client.waitClosed()).code).toBe(1006);
    expect(proxy.connections).toBe(0);
    await proxy.close();
  });
});
