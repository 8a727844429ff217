import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionFault } from '../../../src/core/faults/fault.ts';
import { FaultLog } from '../../../src/core/faults/fault-record.ts';
import { Cleanup, dialFailure, sleep, startProxy, TestPeer, TestUpstream, until } from './proxy-test-kit.ts';

const cut = (effect: ConnectionFault['effect'], more: Partial<ConnectionFault> = {}): ConnectionFault => ({
  type: 'connection',
  effect,
  downMs: 0,
  ...more,
});

describe('connection faults over the proxy', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  const start = async () => {
    const upstream = cleanup.track(await TestUpstream.start());
    const { proxy, log } = await startProxy(() => upstream.url);
    cleanup.track(proxy);
    /** A client whose path to the target is known to be open (one echo came back). */
    const connect = async (client = 'maker'): Promise<TestPeer> => {
      const peer = cleanup.track(await TestPeer.connect(proxy.urlFor(client)));
      peer.send('{"id":0}');
      await peer.received(1);
      return peer;
    };
    return { upstream, proxy, log, connect };
  };

  it('close: both sides see a clean close', async () => {
    const { upstream, proxy, log, connect } = await start();
    const client = await connect();
    const result = proxy.inject('maker', cut('close'), 4);
    expect(result).toMatchObject({ ok: true, message: expect.stringContaining('cut the live connection') });
    expect(proxy.connections).toBe(0);
    expect((await client.waitClosed()).code).toBe(1000);
    expect((await upstream.last.waitClosed()).code).toBe(1000);
    expect(log.list()).toEqual([
      expect.objectContaining({ step: 4, client: 'maker', kind: 'connection.close', hits: 1 }),
    ]);
  });

  it('reset: both sides lose the connection without a close frame', async () => {
    const { upstream, proxy, log, connect } = await start();
    const client = await connect();
    const bystander = await connect('taker');
    proxy.inject('maker', cut('reset'), 5);
    expect((await client.waitClosed()).code).toBe(1006);
    expect((await upstream.peers[0].waitClosed()).code).toBe(1006);
    expect(bystander.open).toBe(true);
    expect(log.list()).toEqual([expect.objectContaining({ step: 5, kind: 'connection.reset', hits: 1 })]);
  });

  it('half_open: nothing crosses either way, the sockets stay open, until the connection ends', async () => {
    const { upstream, proxy, log, connect } = await start();
    const client = await connect();
    proxy.inject('maker', cut('half_open'), 6);
    client.send('{"type":"event","stream":"a","seq":1}');
    upstream.last.socket.send('{"type":"event","stream":"b","seq":2}');
    // Both frames reach the proxy (which records each it swallows) however loaded the machine.
    await until(() => (log.list()[0]?.hits ?? 0) >= 2, 'both frames to reach the proxy');
    await sleep(100);
    expect(client.texts).toEqual(['{"id":0}']);
    expect(upstream.last.texts).toEqual(['{"id":0}']);
    expect(client.open).toBe(true);
    expect(upstream.last.open).toBe(true);
    expect(log.list()).toEqual([
      expect.objectContaining({ step: 6, kind: 'connection.half_open', hits: 2, lost: ['a#1', 'b#2'] }),
    ]);
    // The client gives up and comes back: the new connection is healthy.
    client.close();
    await until(() => proxy.connections === 0, 'the half-open connection to end');
    const again = await connect();
    again.send('{"id":1}');
    expect(await again.received(2)).toEqual(['{"id":0}', '{"id":1}']);
  });

  it('flap: `times` resets `intervalMs` apart, each on a connection of its own, one record', async () => {
    const { proxy, log, connect } = await start();
    const first = await connect();
    proxy.inject('maker', cut('flap', { times: 2, intervalMs: 200 }), 7);
    expect((await first.waitClosed()).code).toBe(1006);
    const cutAt = Date.now();
    expect(log.list()).toEqual([expect.objectContaining({ kind: 'connection.flap', hits: 1 })]);
    const second = await connect();
    expect((await second.waitClosed()).code).toBe(1006);
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(180);
    expect(log.list()).toEqual([expect.objectContaining({ step: 7, kind: 'connection.flap', hits: 2 })]);
    // Two cuts and no more.
    const third = await connect();
    await sleep(300);
    expect(third.open).toBe(true);
    expect(log.list()[0].hits).toBe(2);
  });

  it('downMs: after a cut, the client cannot connect again until the window is over', async () => {
    const { proxy, connect } = await start();
    const client = await connect();
    const cutAt = Date.now();
    // 2 s: long enough that a loaded machine still dials inside the window, twice.
    proxy.inject('maker', cut('close', { downMs: 2_000 }), 8);
    await client.waitClosed();
    expect(await dialFailure(proxy.urlFor('maker'))).toContain('503');
    // Another client is not affected.
    await connect('taker');
    let refused = 0;
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        await connect();
        break;
      } catch {
        refused++;
        await sleep(50);
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(1_990);
    expect(proxy.connections).toBe(2);
  });

  it('a cut that finds no live connection fires on the next one as soon as it opens', async () => {
    const { upstream, proxy, log, connect } = await start();
    const result = proxy.inject('maker', cut('reset'), 9);
    expect(result.message).toContain('fires on the next one');
    expect(log.size).toBe(0);
    const client = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    expect((await client.waitClosed()).code).toBe(1006);
    expect(log.list()).toEqual([expect.objectContaining({ step: 9, kind: 'connection.reset', hits: 1 })]);
    // The target never saw that connection, and the next one lives.
    expect(upstream.peers).toHaveLength(0);
    const next = await connect();
    expect(next.open).toBe(true);
  });

  it('a half_open armed with no live connection swallows the next connection', async () => {
    const { upstream, proxy, log } = await start();
    proxy.inject('maker', cut('half_open'), 10);
    const client = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    client.send('{"id":1}');
    await sleep(100);
    expect(upstream.peers.flatMap((p) => p.texts)).toEqual([]);
    expect(client.open).toBe(true);
    expect(log.list()).toEqual([expect.objectContaining({ kind: 'connection.half_open', hits: 1 })]);
  });

  it('beginRun forgets waiting cuts, pending flaps and down windows', async () => {
    const { proxy, log, connect } = await start();
    const first = await connect();
    proxy.inject('maker', cut('flap', { times: 3, intervalMs: 100, downMs: 10_000 }), 1);
    await first.waitClosed();
    expect(await dialFailure(proxy.urlFor('maker'))).toContain('503');
    proxy.inject('taker', cut('reset'), 2);
    const next = new FaultLog();
    proxy.beginRun(next);
    const maker = await connect();
    const taker = await connect('taker');
    await sleep(250);
    expect(maker.open).toBe(true);
    expect(taker.open).toBe(true);
    expect(next.size).toBe(0);
    expect(log.list()).toEqual([expect.objectContaining({ kind: 'connection.flap', hits: 1 })]);
  });
});
