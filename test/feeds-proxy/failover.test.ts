import { describe, expect, test } from 'vitest';
import type { Log } from '../../src/domains/feeds/protocol/chain-types.ts';
import type { FeedsBugName } from '../../src/domains/feeds/protocol/feeds-bugs.ts';
import { fromHexQuantity } from '../../src/domains/feeds/protocol/hex-quantity.ts';
import type { UpstreamLinkTap } from '../../src/feeds-proxy/index.ts';
import { duplicateLogs, headProblems } from './support/continuity.ts';
import { numbers, type TestClient, VirtualFeeds } from './support/virtual-feeds.ts';

/** Subscribes alice to heads and to every log, on u0 (priority strategy). */
function subscribed(bugs: FeedsBugName[] = [], config = {}) {
  const sys = new VirtualFeeds({ strategy: 'priority', ...config }, bugs);
  sys.advance(50);
  const alice = sys.client('alice');
  const heads = sys.subscribe(alice, ['newHeads']);
  const logs = sys.subscribe(alice, ['logs', {}]);
  sys.advance(400);
  return { sys, alice, heads, logs };
}

/** The logs that stand at the end (delivered and not taken back), by block number. */
function standingLogs(logs: readonly Log[]): Map<string, Log> {
  const standing = new Map<string, Log>();
  for (const log of logs) {
    const id = `${log.blockHash}:${log.logIndex}`;
    if (log.removed) standing.delete(id);
    else standing.set(id, log);
  }
  return standing;
}

/** Every canonical log of blocks from..to is standing, and nothing else is. */
function expectLogsComplete(sys: VirtualFeeds, client: TestClient, sub: string): void {
  const logs = client.logs(sub);
  const standing = standingLogs(logs);
  const first = Math.min(...logs.map((l) => fromHexQuantity(l.blockNumber) as number));
  const canonical = sys.host.snapshot().network.canonical;
  const last = numbers(client.heads([...client.pushes.keys()][0])).at(-1) as number;
  const want = canonical.slice(first, last + 1).flatMap((b) => b.logs);
  const got = [...standing.values()].filter((l) => (fromHexQuantity(l.blockNumber) as number) <= last);
  expect(got.map((l) => `${l.blockHash}:${l.logIndex}`).sort()).toEqual(
    want.map((l) => `${l.blockHash}:${l.logIndex}`).sort(),
  );
}

describe('failover of subscriptions', () => {
  test('heads and logs carry on from another upstream, gapless and without duplicates, same ids', () => {
    const { sys, alice, heads, logs } = subscribed();
    const before = alice.heads(heads).length;
    expect(sys.host.snapshot().proxy.subscriptions.map((s) => s.upstream)).toEqual(['u0', 'u0']);
    sys.host.control({ kind: 'kill', upstream: 'u0' });
    sys.advance(1_000);
    const got = alice.heads(heads);
    expect(got.length).toBeGreaterThan(before + 8);
    expect(headProblems(got)).toEqual({ gaps: [], duplicates: [], unlinked: [] });
    expect(numbers(got).at(-1)).toBe(sys.host.snapshot().network.canonical.length - 1);
    expect(duplicateLogs(alice.logs(logs))).toEqual([]);
    expectLogsComplete(sys, alice, logs);
    const snapshot = sys.host.snapshot();
    expect(snapshot.proxy.subscriptions.map((s) => s.upstream)).toEqual(['u1', 'u1']);
    const failovers = snapshot.proxy.failovers;
    expect(failovers.map((f) => [f.kind, f.from, f.to, f.reason])).toEqual([
      ['newHeads', 'u0', 'u1', 'connection_lost'],
      ['logs', 'u0', 'u1', 'connection_lost'],
    ]);
    for (const f of failovers)
      expect((f.completedAt as number) - f.startedAt).toBeLessThanOrEqual(sys.config.failoverSloMs);
    sys.stop();
  });

  test('blocks missed while no upstream was up are backfilled on the first one back', () => {
    const { sys, alice, heads, logs } = subscribed();
    sys.host.control({ kind: 'kill', upstream: 'u1' });
    sys.host.control({ kind: 'kill', upstream: 'u2' });
    sys.advance(100);
    sys.host.control({ kind: 'kill', upstream: 'u0' });
    sys.advance(600);
    const stalledAt = numbers(alice.heads(heads)).at(-1) as number;
    sys.host.control({ kind: 'restart', upstream: 'u2' });
    sys.advance(1_500);
    const got = alice.heads(heads);
    expect(headProblems(got)).toEqual({ gaps: [], duplicates: [], unlinked: [] });
    const failover = sys.host
      .snapshot()
      .proxy.failovers.find((f) => f.kind === 'newHeads' && f.from === 'u0');
    expect(failover?.to).toBe('u2');
    expect(failover?.backfilled.length).toBeGreaterThanOrEqual(5);
    expect(failover?.backfilled[0]).toBe(stalledAt + 1);
    expect(duplicateLogs(alice.logs(logs))).toEqual([]);
    expectLogsComplete(sys, alice, logs);
    sys.stop();
  });

  test('a feed on a lagging upstream moves to one in step', () => {
    const { sys, alice, heads } = subscribed();
    sys.host.control({ kind: 'lag', upstream: 'u0', blocks: 5 });
    sys.advance(1_000);
    const snapshot = sys.host.snapshot();
    expect(snapshot.proxy.failovers.find((f) => f.kind === 'newHeads')).toMatchObject({
      from: 'u0',
      reason: 'lagging',
    });
    expect(snapshot.proxy.subscriptions[0].upstream).not.toBe('u0');
    expect(headProblems(alice.heads(heads))).toEqual({ gaps: [], duplicates: [], unlinked: [] });
    sys.stop();
  });

  test('failing over onto another branch announces the reorg back to it', () => {
    const { sys, alice, heads, logs } = subscribed();
    sys.host.control({ kind: 'reorg', upstream: 'u0', depth: 2 });
    sys.advance(20);
    sys.host.control({ kind: 'kill', upstream: 'u0' });
    sys.advance(1_000);
    const got = alice.heads(heads);
    expect(headProblems(got)).toEqual({ gaps: [], duplicates: [], unlinked: [] });
    // The fork's two heads were announced, then the network's branch came back.
    const canonical = sys.host.snapshot().network.canonical;
    expect(got.at(-1)?.hash).toBe(canonical.at(-1)?.head.hash);
    expect(alice.logs(logs).some((l) => l.removed)).toBe(true);
    expect(duplicateLogs(alice.logs(logs))).toEqual([]);
    expectLogsComplete(sys, alice, logs);
    sys.stop();
  });

  test('an upstream that goes silent times out, opens its breaker, and its feeds move', () => {
    let silent = false;
    const dropped: string[] = [];
    const tap: UpstreamLinkTap = (upstream, deliver) => (direction, frame) => {
      if (silent && upstream === 'u0' && direction === 'from_target') dropped.push(frame);
      else deliver(direction, frame);
    };
    const sys = new VirtualFeeds({ strategy: 'priority' }, [], tap);
    sys.advance(50);
    const alice = sys.client('alice');
    const heads = sys.subscribe(alice, ['newHeads']);
    sys.advance(300);
    silent = true;
    const calls = [1, 2, 3, 4].map(() => alice.send('eth_blockNumber'));
    sys.advance(1_500);
    // Each call was answered, by another upstream after the timeout.
    for (const id of calls) expect(typeof alice.result(id)).toBe('string');
    const snapshot = sys.host.snapshot();
    expect(snapshot.proxy.metrics.upstreams.u0.timeouts).toBeGreaterThanOrEqual(3);
    expect(snapshot.proxy.breakerTransitions[0]).toMatchObject({
      upstream: 'u0',
      to: 'open',
      reason: 'failures',
    });
    expect(snapshot.proxy.failovers.find((f) => f.kind === 'newHeads')).toMatchObject({
      from: 'u0',
      reason: 'breaker_open',
    });
    expect(headProblems(alice.heads(heads))).toEqual({ gaps: [], duplicates: [], unlinked: [] });
    expect(dropped.length).toBeGreaterThan(0);
    sys.stop();
  });

  test('a network reorg is announced: the new branch from the fork point, removed logs re-sent', () => {
    const { sys, alice, heads, logs } = subscribed();
    sys.host.control({ kind: 'reorg', depth: 3 });
    sys.advance(500);
    const got = alice.heads(heads);
    expect(headProblems(got)).toEqual({ gaps: [], duplicates: [], unlinked: [] });
    const nums = numbers(got);
    expect(nums.some((n, i) => i > 0 && n <= nums[i - 1])).toBe(true);
    expectLogsComplete(sys, alice, logs);
    sys.stop();
  });
});

describe('planted bugs show in what a client receives', () => {
  /** Runs a scenario with and without a bug; returns what `measure` counts in each. */
  function withAndWithout(bug: FeedsBugName, scenario: (run: ReturnType<typeof subscribed>) => number) {
    const counts = [[], [bug]].map((bugs) => {
      const run = subscribed(bugs as FeedsBugName[]);
      const count = scenario(run);
      run.sys.stop();
      return count;
    });
    return { clean: counts[0], buggy: counts[1] };
  }

  test('gap_on_failover: blocks missed while down are skipped', () => {
    const counts = withAndWithout('gap_on_failover', ({ sys, alice, heads }) => {
      sys.host.control({ kind: 'lag', upstream: 'u0', blocks: 2 });
      sys.advance(300);
      sys.host.control({ kind: 'kill', upstream: 'u0' });
      sys.advance(500);
      return headProblems(alice.heads(heads)).gaps.length;
    });
    expect(counts.clean).toBe(0);
    expect(counts.buggy).toBeGreaterThan(0);
  });

  test('duplicate_head_after_resubscribe: the last head comes again', () => {
    const counts = withAndWithout('duplicate_head_after_resubscribe', ({ sys, alice, heads }) => {
      sys.host.control({ kind: 'kill', upstream: 'u0' });
      sys.advance(500);
      return headProblems(alice.heads(heads)).duplicates.length;
    });
    expect(counts.clean).toBe(0);
    expect(counts.buggy).toBeGreaterThan(0);
  });

  test('subscription_lost_on_failover: nothing more arrives', () => {
    const counts = withAndWithout('subscription_lost_on_failover', ({ sys, alice, heads }) => {
      sys.host.control({ kind: 'kill', upstream: 'u0' });
      sys.advance(50);
      const before = alice.heads(heads).length;
      sys.advance(1_000);
      return alice.heads(heads).length - before;
    });
    expect(counts.clean).toBeGreaterThanOrEqual(9);
    expect(counts.buggy).toBe(0);
  });

  test('log_delivered_twice: the backfill repeats delivered logs', () => {
    const counts = withAndWithout('log_delivered_twice', ({ sys, alice, logs }) => {
      sys.host.control({ kind: 'kill', upstream: 'u0' });
      sys.advance(500);
      return duplicateLogs(alice.logs(logs)).length;
    });
    expect(counts.clean).toBe(0);
    expect(counts.buggy).toBeGreaterThan(0);
  });

  test('reorg_not_announced: the client sees a head that does not link to its chain', () => {
    const counts = withAndWithout('reorg_not_announced', ({ sys, alice, heads, logs }) => {
      sys.host.control({ kind: 'reorg', depth: 3 });
      sys.advance(500);
      const removed = alice.logs(logs).filter((l) => l.removed).length;
      return headProblems(alice.heads(heads)).unlinked.length * 1000 + removed;
    });
    expect(counts.clean).toBeGreaterThan(0);
    expect(counts.clean).toBeLessThan(1000);
    expect(counts.buggy).toBeGreaterThanOrEqual(1000);
    expect(counts.buggy % 1000).toBe(0);
  });

  test('responses_to_wrong_client: two clients using the same id get each other answers', () => {
    const sys = new VirtualFeeds({}, ['responses_to_wrong_client']);
    sys.advance(50);
    const alice = sys.client('alice');
    const bob = sys.client('bob');
    alice.send('eth_blockNumber', [], 1);
    bob.send('eth_getBlockByNumber', ['0x1', false], 1);
    sys.advance(50);
    expect(alice.frames).toHaveLength(0);
    expect(bob.frames).toHaveLength(2);
    sys.stop();
    // Without the bug each gets its own.
    const clean = new VirtualFeeds();
    clean.advance(50);
    const carol = clean.client('carol');
    const dave = clean.client('dave');
    carol.send('eth_blockNumber', [], 1);
    dave.send('eth_getBlockByNumber', ['0x1', false], 1);
    clean.advance(50);
    expect(typeof carol.result(1)).toBe('string');
    expect(dave.result<{ number: string }>(1).number).toBe('0x1');
    clean.stop();
  });

  test('metrics_miss_errors: errors the clients saw are missing from the proxy counters', () => {
    const count = (bugs: FeedsBugName[]) => {
      const sys = new VirtualFeeds({}, bugs);
      sys.advance(50);
      const alice = sys.client('alice');
      alice.send('eth_getBlockByNumber', ['nonsense']);
      alice.send('eth_blockNumber');
      sys.advance(50);
      const seen = [...alice.responses.values()].filter((r) => 'error' in r).length;
      const metrics = sys.host.metrics().methods;
      sys.stop();
      return {
        seen,
        counted: metrics.eth_getBlockByNumber.errors,
        requests: metrics.eth_getBlockByNumber.requests,
      };
    };
    expect(count([])).toEqual({ seen: 1, counted: 1, requests: 1 });
    expect(count(['metrics_miss_errors'])).toEqual({ seen: 1, counted: 0, requests: 1 });
  });
});

describe('the host', () => {
  test('a seed replays byte for byte', () => {
    const run = () => {
      const { sys, alice } = subscribed();
      sys.host.control({ kind: 'kill', upstream: 'u0' });
      sys.host.control({ kind: 'reorg', depth: 2 });
      sys.advance(700);
      const out = JSON.stringify({ frames: alice.frames, snapshot: sys.host.snapshot() });
      sys.stop();
      return out;
    };
    expect(run()).toBe(run());
  });

  test('a proxy crash drops every client; a restarted proxy serves new subscriptions', () => {
    const { sys, alice } = subscribed();
    sys.host.crashProxy();
    expect(alice.closed).toBe(true);
    expect(() => sys.host.crashProxy()).toThrow(/already down/);
    sys.advance(100);
    sys.host.restartProxy();
    sys.advance(50);
    const bob = sys.client('bob');
    const heads = sys.subscribe(bob, ['newHeads']);
    sys.advance(300);
    expect(bob.heads(heads).length).toBeGreaterThanOrEqual(2);
    const snapshot = sys.host.snapshot();
    expect(snapshot.proxy.crashes).toEqual([{ at: 550, restartedAt: 650 }]);
    expect(snapshot.proxy.subscriptions.filter((s) => s.endReason === 'proxy_crash')).toHaveLength(2);
    sys.stop();
  });

  test('admin methods: metrics, breakers, controls; a refused control is an error answer', () => {
    const sys = new VirtualFeeds();
    sys.advance(50);
    const admin = sys.client('admin');
    const kill = admin.send('shakedown_killUpstream', [{ upstream: 'u2' }]);
    const again = admin.send('shakedown_killUpstream', [{ upstream: 'u2' }]);
    const unknown = admin.send('shakedown_lagUpstream', [{ upstream: 'u9', blocks: 1 }]);
    const tooDeep = admin.send('shakedown_reorg', [{ depth: 99 }]);
    sys.advance(10);
    expect(admin.result(kill)).toEqual({ ok: true, detail: 'u2 killed' });
    for (const id of [again, unknown, tooDeep])
      expect(admin.responses.get(id)).toMatchObject({ error: { code: -32010 } });
    const breakers = admin.send('shakedown_breakers');
    const upstreams = admin.send('shakedown_upstreams');
    const metrics = admin.send('shakedown_metrics');
    sys.advance(10);
    expect(admin.result<{ upstream: string; state: string }[]>(breakers).map((b) => b.upstream)).toEqual([
      'u0',
      'u1',
      'u2',
    ]);
    expect(admin.result<{ alive: boolean }[]>(upstreams).map((u) => u.alive)).toEqual([true, true, false]);
    expect(admin.result<{ upstreams: Record<string, unknown> }>(metrics).upstreams).toHaveProperty('u0');
    sys.stop();
  });

  test('the proxy metrics count what the clients sent and saw', () => {
    const sys = new VirtualFeeds();
    expect(sys.host.ready()).toBe(false);
    sys.advance(50);
    expect(sys.host.ready()).toBe(true);
    const clients = [sys.client('alice'), sys.client('bob')];
    // Upstream errors are retried elsewhere: the clients never see them, the upstream counters do.
    for (const upstream of ['u0', 'u1']) sys.host.control({ kind: 'fail', upstream, calls: 1 });
    const sent: Record<string, number> = {};
    const calls: [string, unknown[]][] = [
      ['eth_blockNumber', []],
      ['eth_getBlockByNumber', ['0x2', false]],
      ['eth_getBlockByNumber', ['0x999999', false]],
      ['eth_getLogs', [{ fromBlock: '0x0', toBlock: '0x5' }]],
      ['eth_getLogs', [{ fromBlock: '0x0', toBlock: '0x5000' }]],
    ];
    for (let i = 0; i < 20; i++) {
      const [method, params] = calls[i % calls.length];
      clients[i % 2].send(method, params);
      sent[method] = (sent[method] ?? 0) + 1;
      sys.advance(7);
    }
    sys.advance(100);
    expect(sys.host.settled()).toBe(true);
    const answers = clients.flatMap((c) => [...c.responses.values()]);
    expect(answers).toHaveLength(20);
    const metrics = sys.host.metrics().methods;
    for (const [method, count] of Object.entries(sent)) expect(metrics[method].requests).toBe(count);
    const errors = answers.filter((a) => 'error' in a).length;
    expect(errors).toBe(4);
    expect(Object.values(metrics).reduce((sum, m) => sum + m.errors, 0)).toBe(errors);
    expect(Object.values(metrics).reduce((sum, m) => sum + m.latency.count, 0)).toBe(20);
    const upstreamErrors = Object.values(sys.host.metrics().upstreams).reduce((sum, u) => sum + u.errors, 0);
    expect(upstreamErrors).toBeGreaterThanOrEqual(1);
    sys.stop();
  });

  test('malformed frames get JSON-RPC errors', () => {
    const sys = new VirtualFeeds();
    sys.advance(50);
    const alice = sys.client('alice');
    alice.session.receive('not json');
    alice.session.receive('[1,2]');
    alice.session.receive(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'eth_nothing', params: [] }));
    alice.session.receive(
      JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'eth_subscribe', params: ['pending'] }),
    );
    sys.advance(10);
    expect(alice.frames.map((f) => (f as { error: { code: number } }).error.code)).toEqual([
      -32700, -32600, -32601, -32602,
    ]);
    sys.stop();
  });
});
