import { describe, expect, test } from 'vitest';
import type { SelectionStrategy } from '../../src/domains/feeds/protocol/feeds-config.ts';
import { type Candidate, selectUpstream } from '../../src/feeds-proxy/proxy/upstream-selector.ts';
import { VirtualFeeds } from './support/virtual-feeds.ts';

function pick(strategy: SelectionStrategy, candidates: Candidate[], cursor = 0, ignoreStrategy = false) {
  return selectUpstream({
    at: 0,
    purpose: 'call',
    method: 'eth_blockNumber',
    strategy,
    candidates,
    cursor,
    attempt: 1,
    ignoreStrategy,
  });
}

const three: Candidate[] = [
  { name: 'u0', meanLatencyMs: 9 },
  { name: 'u1', meanLatencyMs: 3 },
  { name: 'u2', meanLatencyMs: 5 },
];

describe('selecting an upstream', () => {
  test('priority takes the first eligible in order', () => {
    expect(pick('priority', three).decision.chosen).toBe('u0');
    expect(
      pick('priority', [{ ...three[0], ineligible: 'breaker_open' }, three[1], three[2]]).decision,
    ).toMatchObject({
      chosen: 'u1',
      eligible: ['u1', 'u2'],
      excluded: [{ upstream: 'u0', why: 'breaker_open' }],
    });
  });

  test('fastest takes the lowest mean latency, an unmeasured upstream first', () => {
    expect(pick('fastest', three).decision).toMatchObject({
      chosen: 'u1',
      meanLatencyMs: { u0: 9, u1: 3, u2: 5 },
    });
    expect(pick('fastest', [three[0], three[1], { name: 'u2' }]).decision.chosen).toBe('u2');
    expect(
      pick('fastest', [three[0], { ...three[1], ineligible: 'lagging' }, three[2]]).decision.chosen,
    ).toBe('u2');
  });

  test('round-robin rotates from the cursor over the eligible ones', () => {
    let cursor = 0;
    const chosen: string[] = [];
    const candidates: Candidate[] = [three[0], { ...three[1], ineligible: 'disconnected' }, three[2]];
    for (let i = 0; i < 4; i++) {
      const selection = pick('round-robin', candidates, cursor);
      chosen.push(selection.decision.chosen as string);
      expect(selection.decision.cursor).toBe(cursor);
      cursor = selection.cursor;
    }
    expect(chosen).toEqual(['u0', 'u2', 'u0', 'u2']);
  });

  test('no eligible upstream: no choice', () => {
    const none = three.map((c) => ({ ...c, ineligible: 'tried' as const }));
    expect(pick('priority', none).decision.chosen).toBeUndefined();
  });

  test('planted bug routing_ignores_strategy: the first eligible whatever the strategy', () => {
    expect(pick('fastest', three, 0, true).decision).toMatchObject({ chosen: 'u0', strategy: 'fastest' });
    expect(pick('round-robin', three, 2, true).decision.chosen).toBe('u0');
  });
});

describe('the proxy routes plain calls', () => {
  function callsPerUpstream(strategy: SelectionStrategy, bugs: 'routing_ignores_strategy'[] = []) {
    const sys = new VirtualFeeds({ strategy, upstreamLatencyMs: [6, 2, 4] }, bugs);
    sys.advance(50);
    const client = sys.client('alice');
    for (let i = 0; i < 12; i++) {
      client.send('eth_blockNumber');
      sys.advance(30);
    }
    const decisions = sys.host.snapshot().proxy.routing.filter((d) => d.purpose === 'call');
    const counts: Record<string, number> = {};
    for (const d of decisions) counts[d.chosen as string] = (counts[d.chosen as string] ?? 0) + 1;
    expect([...client.responses.values()].every((r) => 'result' in r)).toBe(true);
    sys.stop();
    return { counts, decisions };
  }

  test('round-robin spreads them evenly', () => {
    expect(callsPerUpstream('round-robin').counts).toEqual({ u0: 4, u1: 4, u2: 4 });
  });

  test('priority sends them all to u0', () => {
    expect(callsPerUpstream('priority').counts).toEqual({ u0: 12 });
  });

  test('fastest settles on the upstream with the lowest latency once each is measured', () => {
    const { decisions } = callsPerUpstream('fastest');
    expect(decisions.slice(-6).map((d) => d.chosen)).toEqual(Array(6).fill('u1'));
  });

  test('planted bug routing_ignores_strategy sends round-robin calls all to u0', () => {
    expect(callsPerUpstream('round-robin', ['routing_ignores_strategy']).counts).toEqual({ u0: 12 });
  });

  test('a call that fails on one upstream is retried on the next and still answered', () => {
    const sys = new VirtualFeeds({ strategy: 'priority' });
    sys.advance(50);
    sys.host.control({ kind: 'fail', upstream: 'u0', calls: 1 });
    const client = sys.client('alice');
    const id = client.send('eth_blockNumber');
    sys.advance(50);
    expect(typeof client.result(id)).toBe('string');
    const decisions = sys.host.snapshot().proxy.routing.filter((d) => d.purpose === 'call');
    expect(decisions.map((d) => [d.chosen, d.attempt])).toEqual([
      ['u0', 1],
      ['u1', 2],
    ]);
    expect(decisions[1].excluded).toContainEqual({ upstream: 'u0', why: 'tried' });
    sys.stop();
  });

  test('with every upstream dead a call gets the noUpstream error, not silence', () => {
    const sys = new VirtualFeeds({ upstreams: 2, upstreamLatencyMs: [2] });
    sys.advance(50);
    sys.host.control({ kind: 'kill', upstream: 'u0' });
    sys.host.control({ kind: 'kill', upstream: 'u1' });
    sys.advance(50);
    const client = sys.client('alice');
    const id = client.send('eth_getBlockByNumber', ['latest', false]);
    sys.advance(50);
    expect(client.responses.get(id)).toMatchObject({ error: { code: -32001 } });
    sys.stop();
  });
});
