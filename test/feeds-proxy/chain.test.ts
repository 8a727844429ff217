import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SortedVirtualTimeScheduler } from '../../src/core/time/sorted-virtual-scheduler.ts';
import { logMatchesFilter } from '../../src/domains/feeds/protocol/chain-types.ts';
import { LOG_ADDRESSES, LOG_EVENT_TOPICS } from '../../src/domains/feeds/protocol/chain-vocabulary.ts';
import { feedsConfigWith } from '../../src/domains/feeds/protocol/feeds-config.ts';
import { fromHexQuantity, toHexQuantity } from '../../src/domains/feeds/protocol/hex-quantity.ts';
import { NetworkChain } from '../../src/feeds-proxy/chain/network-chain.ts';
import { SimulatedUpstream } from '../../src/feeds-proxy/chain/simulated-upstream.ts';

const options = { chainSeed: 7, initialBlocks: 5, maxLogsPerBlock: 3, genesisAt: 0 };

function linkedChain(chain: NetworkChain): boolean {
  const blocks = chain.store.canonical;
  return blocks.every((b, i) => b.number === i && (i === 0 || b.head.parentHash === blocks[i - 1].head.hash));
}

/** An upstream on its own network, with a connection that records what it pushes and answers. */
function upstreamRig() {
  const scheduler = new SortedVirtualTimeScheduler();
  const network = new NetworkChain(options);
  const config = feedsConfigWith({ maxReorgDepth: 4 });
  const upstream = new SimulatedUpstream({ name: 'u0', index: 0, config, network, scheduler, latencyMs: 1 });
  const frames: Record<string, unknown>[] = [];
  let closed = false;
  const endpoint = upstream.accept({
    send: (frame) => frames.push(JSON.parse(frame)),
    close: () => {
      closed = true;
    },
  });
  if (endpoint === undefined) throw new Error('refused');
  const call = (method: string, params: unknown[] = []): unknown => {
    const id = frames.length + 1000;
    endpoint.receive(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    const answer = frames.find((f) => f.id === id);
    if (answer === undefined) throw new Error(`no answer to ${method}`);
    if ('error' in answer) throw new Error(String((answer.error as { message: string }).message));
    return answer.result;
  };
  const pushes = () =>
    frames
      .filter((f) => f.method === 'eth_subscription')
      .map((f) => (f.params as { result: Record<string, unknown> }).result);
  const mint = () => {
    network.mint(scheduler.now());
    upstream.networkChanged();
  };
  return { scheduler, network, upstream, call, pushes, mint, isClosed: () => closed };
}

describe('the network chain', () => {
  test('the same seed makes the same chain, another seed another one', () => {
    const a = new NetworkChain(options);
    const b = new NetworkChain(options);
    const c = new NetworkChain({ ...options, chainSeed: 8 });
    for (let i = 0; i < 5; i++) for (const chain of [a, b, c]) chain.mint(i * 100);
    expect(a.store.canonical.map((x) => x.head.hash)).toEqual(b.store.canonical.map((x) => x.head.hash));
    expect(a.store.tip.head.hash).not.toBe(c.store.tip.head.hash);
    expect(linkedChain(a)).toBe(true);
    expect(a.height).toBe(9);
  });

  test('a reorg replaces the top blocks with a new branch of the same height and records it', () => {
    const chain = new NetworkChain(options);
    for (let i = 0; i < 5; i++) chain.mint(i);
    const before = chain.store.canonical.map((b) => b.head.hash);
    chain.reorg(3, 50);
    const after = chain.store.canonical.map((b) => b.head.hash);
    expect(after.length).toBe(before.length);
    expect(after.slice(0, 7)).toEqual(before.slice(0, 7));
    expect(after.slice(7).some((hash, i) => hash === before[7 + i])).toBe(false);
    expect(linkedChain(chain)).toBe(true);
    expect(chain.store.reorgs).toEqual([
      expect.objectContaining({ at: 50, forkPoint: 6, depth: 3, cause: 'network' }),
    ]);
    expect(chain.store.orphaned.map((b) => b.head.hash)).toEqual(before.slice(7));
    // The next block continues the new branch.
    chain.mint(60);
    expect(linkedChain(chain)).toBe(true);
  });

  test('logs come from the shared vocabulary and carry their block', () => {
    const chain = new NetworkChain({ ...options, initialBlocks: 40 });
    const logs = chain.store.canonical.flatMap((b) => b.logs);
    expect(logs.length).toBeGreaterThan(10);
    for (const log of logs) {
      expect(LOG_ADDRESSES).toContain(log.address);
      expect(LOG_EVENT_TOPICS).toContain(log.topics[0]);
      const block = chain.store.block(fromHexQuantity(log.blockNumber) as number);
      expect(block?.head.hash).toBe(log.blockHash);
      expect(log.removed).toBe(false);
    }
  });
});

describe('a simulated upstream', () => {
  test('answers the feeds methods from its chain', () => {
    const rig = upstreamRig();
    expect(rig.call('eth_blockNumber')).toBe('0x4');
    const block = rig.call('eth_getBlockByNumber', ['0x2', false]) as { number: string; hash: string };
    expect(block.number).toBe('0x2');
    expect(block.hash).toBe(rig.network.store.block(2)?.head.hash);
    expect(rig.call('eth_getBlockByNumber', ['0x9'])).toBeNull();
    const all = rig.network.store.canonical.flatMap((b) => b.logs);
    const filter = { address: LOG_ADDRESSES[0], fromBlock: '0x0', toBlock: 'latest' };
    expect(rig.call('eth_getLogs', [filter])).toEqual(all.filter((l) => logMatchesFilter(l, filter)));
  });

  test('pushes heads and filtered logs for each new block, logs first', () => {
    const rig = upstreamRig();
    const heads = rig.call('eth_subscribe', ['newHeads']);
    rig.call('eth_subscribe', ['logs', { topics: [LOG_EVENT_TOPICS[1]] }]);
    for (let i = 0; i < 20; i++) rig.mint();
    const pushed = rig.pushes();
    const pushedHeads = pushed.filter((p) => 'parentHash' in p);
    expect(pushedHeads.map((h) => fromHexQuantity(h.number))).toEqual(
      Array.from({ length: 20 }, (_, i) => 5 + i),
    );
    const pushedLogs = pushed.filter((p) => 'logIndex' in p);
    const expected = rig.network.store.canonical
      .slice(5)
      .flatMap((b) => b.logs)
      .filter((l) => l.topics[0] === LOG_EVENT_TOPICS[1]);
    expect(pushedLogs).toEqual(expected);
    expect(typeof heads).toBe('string');
  });

  test('follows the network late by its block lag, and catches up when the lag ends', () => {
    const rig = upstreamRig();
    rig.upstream.lag(3, 0);
    for (let i = 0; i < 6; i++) rig.mint();
    expect(rig.upstream.status().headNumber).toBe(rig.network.height - 3);
    rig.upstream.lag(0, 0);
    expect(rig.upstream.status().headNumber).toBe(rig.network.height);
  });

  test('a lag in ms delays each block by that much virtual time', () => {
    const rig = upstreamRig();
    rig.upstream.lag(0, 250);
    rig.mint();
    expect(rig.upstream.status().headNumber).toBe(4);
    rig.scheduler.runUntil(() => false, 249);
    expect(rig.upstream.status().headNumber).toBe(4);
    rig.scheduler.runUntil(() => false, 250);
    expect(rig.upstream.status().headNumber).toBe(5);
  });

  test('a network reorg reaches subscribers as removed logs then the new branch heads from the fork point', () => {
    const rig = upstreamRig();
    rig.call('eth_subscribe', ['newHeads']);
    rig.call('eth_subscribe', ['logs', {}]);
    for (let i = 0; i < 10; i++) rig.mint();
    const oldTop = rig.network.store.canonical.slice(-3);
    const before = rig.pushes().length;
    rig.network.reorg(3, 1);
    rig.upstream.networkChanged();
    const announced = rig.pushes().slice(before);
    const removed = announced.filter((p) => p.removed === true);
    expect(removed).toEqual(oldTop.flatMap((b) => b.logs.map((l) => ({ ...l, removed: true }))));
    const heads = announced.filter((p) => 'parentHash' in p);
    expect(heads.map((h) => fromHexQuantity(h.number))).toEqual([12, 13, 14]);
    expect(heads[0].parentHash).toBe(rig.network.store.block(11)?.head.hash);
    expect(rig.upstream.store.reorgs).toHaveLength(1);
  });

  test('a private fork is abandoned for the network chain at the next block', () => {
    const rig = upstreamRig();
    for (let i = 0; i < 5; i++) rig.mint();
    const networkTip = rig.network.store.tip.head.hash;
    rig.upstream.fork(2);
    expect(rig.upstream.status().headHash).not.toBe(networkTip);
    expect(rig.upstream.store.reorgs.map((r) => r.cause)).toEqual(['fork']);
    rig.mint();
    expect(rig.upstream.status().headHash).toBe(rig.network.store.tip.head.hash);
    expect(rig.upstream.store.reorgs.map((r) => r.cause)).toEqual(['fork', 'rejoin']);
  });

  test('answers its next n calls with errors when told to', () => {
    const rig = upstreamRig();
    rig.upstream.fail(2);
    expect(() => rig.call('eth_blockNumber')).toThrow(/injected/);
    expect(() => rig.call('eth_blockNumber')).toThrow(/injected/);
    expect(rig.call('eth_blockNumber')).toBe('0x4');
    expect(rig.upstream.truth().calls.map((c) => c.outcome)).toEqual(['error', 'error', 'result']);
  });

  test('every kill is verified: killing a dead upstream and restarting a live one are errors', () => {
    const rig = upstreamRig();
    expect(() => rig.upstream.restart()).toThrow(/alive/);
    rig.upstream.kill();
    expect(rig.isClosed()).toBe(true);
    expect(() => rig.upstream.kill()).toThrow(expect.objectContaining({ code: 'SHK_FEEDS_CONTROL' }));
    expect(rig.upstream.accept({ send() {}, close() {} })).toBeUndefined();
    rig.mint();
    rig.upstream.restart();
    expect(rig.upstream.status()).toMatchObject({ alive: true, headNumber: rig.network.height });
    expect(rig.upstream.truth().life.map((e) => e.event)).toEqual(['killed', 'restarted']);
  });
});

describe('hex quantities and filters', () => {
  test('a quantity round-trips and has no leading zeros', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (n) => {
        const hex = toHexQuantity(n);
        expect(fromHexQuantity(hex)).toBe(n);
        expect(/^0x(0|[1-9a-f][0-9a-f]*)$/.test(hex)).toBe(true);
      }),
    );
    expect(fromHexQuantity('0x01')).toBeUndefined();
    expect(fromHexQuantity('12')).toBeUndefined();
  });

  test('an upstream answers eth_getLogs with exactly the logs its filter matches', () => {
    const rig = upstreamRig();
    for (let i = 0; i < 30; i++) rig.mint();
    const all = rig.network.store.canonical.flatMap((b) => b.logs);
    const addresses = fc.option(fc.subarray([...LOG_ADDRESSES], { minLength: 1 }), { nil: undefined });
    const topic0 = fc.option(fc.constantFrom(...LOG_EVENT_TOPICS), { nil: null });
    fc.assert(
      fc.property(addresses, topic0, fc.nat(34), fc.nat(34), (address, topic, a, b) => {
        const filter = {
          ...(address !== undefined ? { address } : {}),
          topics: [topic],
          fromBlock: toHexQuantity(Math.min(a, b)),
          toBlock: toHexQuantity(Math.max(a, b)),
        };
        const got = rig.call('eth_getLogs', [filter]) as typeof all;
        const want = all.filter((l) => {
          const n = fromHexQuantity(l.blockNumber) as number;
          return n >= Math.min(a, b) && n <= Math.max(a, b) && logMatchesFilter(l, filter);
        });
        expect(got).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });
});
