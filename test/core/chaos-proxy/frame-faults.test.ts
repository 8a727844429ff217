import { afterEach, describe, expect, it } from 'vitest';
import type { WsChaosProxy } from '../../../src/core/chaos-proxy/ws-chaos-proxy.ts';
import type { FrameDirection, FrameFault } from '../../../src/core/faults/fault.ts';
import { FaultLog } from '../../../src/core/faults/fault-record.ts';
import { Cleanup, sleep, startProxy, TestPeer, TestUpstream } from './proxy-test-kit.ts';

/** Event-shaped frames, so the record can name the ones the chaos destroyed. */
const frame = (seq: number): string => JSON.stringify({ type: 'event', stream: 'account:maker', seq });
const [A, B, C] = [frame(1), frame(2), frame(3)];

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe.each<FrameDirection>(['to_target', 'from_target'])(
  'frame faults %s, over the proxy',
  (direction) => {
    const cleanup = new Cleanup();
    afterEach(() => cleanup.run());

    /**
     * A client, an echo target and one armed fault; sends A, B, C and returns the frames as the
     * receiving side saw them: the target for to_target, the client (via the echo) for from_target.
     */
    const run = async (
      fault: Omit<FrameFault, 'type' | 'direction'>,
      expected: number,
    ): Promise<{ seen: string[]; log: FaultLog; proxy: WsChaosProxy; sentAt: number }> => {
      const upstream = cleanup.track(await TestUpstream.start());
      const { proxy, log } = await startProxy(() => upstream.url);
      cleanup.track(proxy);
      const client = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
      expect(proxy.inject('maker', { type: 'frame', direction, ...fault }, 7).ok).toBe(true);
      const sentAt = Date.now();
      for (const f of [A, B, C]) client.send(f);
      // The echo sends back what the target got, so the client's count covers both directions.
      const atClient = await client.received(expected);
      return { seen: direction === 'to_target' ? upstream.last.texts : atClient, log, proxy, sentAt };
    };

    it('drop: the frame never arrives, and the record names it', async () => {
      const { seen, log } = await run({ effect: 'drop', count: 1 }, 2);
      await sleep(50);
      expect(seen).toEqual([B, C]);
      expect(log.list()).toEqual([
        expect.objectContaining({
          step: 7,
          client: 'maker',
          kind: 'frame.drop',
          hits: 1,
          lost: ['account:maker#1'],
          detail: { direction },
        }),
      ]);
    });

    it('delay: the frame and those behind it arrive late, in order', async () => {
      const { seen, log, sentAt } = await run({ effect: 'delay', count: 1, delayMs: 150 }, 3);
      expect(Date.now() - sentAt).toBeGreaterThanOrEqual(140);
      expect(seen).toEqual([A, B, C]);
      expect(log.list()).toEqual([expect.objectContaining({ kind: 'frame.delay', hits: 1 })]);
    });

    it('duplicate: the frame arrives twice', async () => {
      const { seen, log } = await run({ effect: 'duplicate', count: 1 }, 4);
      expect(seen).toEqual([A, A, B, C]);
      expect(log.list()).toEqual([expect.objectContaining({ kind: 'frame.duplicate', hits: 1 })]);
    });

    it('reorder: the frame arrives after the next one', async () => {
      const { seen, log } = await run({ effect: 'reorder', count: 1, holdFor: 1 }, 3);
      expect(seen).toEqual([B, A, C]);
      expect(log.list()).toEqual([expect.objectContaining({ kind: 'frame.reorder', hits: 1 })]);
    });

    it('truncate: a strict prefix of the frame arrives, and no longer parses', async () => {
      const { seen, log } = await run({ effect: 'truncate', count: 1, seed: 3 }, 3);
      expect(seen.slice(1)).toEqual([B, C]);
      expect(A.startsWith(seen[0])).toBe(true);
      expect(seen[0].length).toBeLessThan(A.length);
      expect(parses(seen[0])).toBe(false);
      expect(log.list()).toEqual([
        expect.objectContaining({ kind: 'frame.truncate', hits: 1, lost: ['account:maker#1'] }),
      ]);
    });

    it('garble: a broken frame arrives in its place', async () => {
      const { seen, log } = await run({ effect: 'garble', count: 2, seed: 5 }, 3);
      expect(seen[2]).toBe(C);
      for (const broken of seen.slice(0, 2)) expect(parses(broken)).toBe(false);
      expect(log.list()).toEqual([
        expect.objectContaining({
          kind: 'frame.garble',
          hits: 2,
          lost: ['account:maker#1', 'account:maker#2'],
        }),
      ]);
    });
  },
);

describe('frame faults across connections', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  const drop = (count: number): FrameFault => ({
    type: 'frame',
    effect: 'drop',
    direction: 'to_target',
    count,
  });

  it('a fault armed with no live connection fires on the next one', async () => {
    const upstream = cleanup.track(await TestUpstream.start());
    const { proxy, log } = await startProxy(() => upstream.url);
    cleanup.track(proxy);
    expect(proxy.inject('maker', drop(1), 3).ok).toBe(true);
    const client = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    client.send(A);
    client.send(B);
    expect(await client.received(1)).toEqual([B]);
    expect(log.list()).toEqual([expect.objectContaining({ step: 3, kind: 'frame.drop', hits: 1 })]);
  });

  it('what is left of a fault carries over to the client’s next connection, not to other clients', async () => {
    const upstream = cleanup.track(await TestUpstream.start());
    const { proxy, log } = await startProxy(() => upstream.url);
    cleanup.track(proxy);
    const first = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    proxy.inject('maker', drop(2), 4);
    const other = cleanup.track(await TestPeer.connect(proxy.urlFor('taker')));
    other.send(A);
    expect(await other.received(1)).toEqual([A]);
    first.send(A);
    first.socket.close();
    await first.waitClosed();
    const second = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    second.send(B);
    second.send(C);
    expect(await second.received(1)).toEqual([C]);
    expect(log.list()).toEqual([
      expect.objectContaining({ step: 4, client: 'maker', kind: 'frame.drop', hits: 2 }),
    ]);
  });

  it('beginRun forgets armed faults and records into the new log', async () => {
    const upstream = cleanup.track(await TestUpstream.start());
    const { proxy, log } = await startProxy(() => upstream.url);
    cleanup.track(proxy);
    const client = cleanup.track(await TestPeer.connect(proxy.urlFor('maker')));
    proxy.inject('maker', drop(5), 1);
    proxy.inject('maker', { type: 'response', effect: 'reject_429', nth: 1, count: 1 }, 2);
    const next = new FaultLog();
    proxy.beginRun(next);
    client.send(A);
    client.send('{"id":9,"type":"ping"}');
    expect(await client.received(2)).toEqual([A, '{"id":9,"type":"ping"}']);
    expect(log.size).toBe(0);
    expect(next.size).toBe(0);
    proxy.inject('maker', drop(1), 3);
    client.send(B);
    client.send(C);
    expect(await client.received(3)).toEqual([A, '{"id":9,"type":"ping"}', C]);
    expect(next.list()).toEqual([expect.objectContaining({ step: 3, kind: 'frame.drop' })]);
    expect(log.size).toBe(0);
  });
});
