import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { UpstreamControl } from '../../src/domains/feeds/protocol/admin-methods.ts';
import { LOG_ADDRESSES } from '../../src/domains/feeds/protocol/chain-vocabulary.ts';
import type { SelectionStrategy } from '../../src/domains/feeds/protocol/feeds-config.ts';
import { fromHexQuantity } from '../../src/domains/feeds/protocol/hex-quantity.ts';
import { duplicateLogs, headProblems } from './support/continuity.ts';
import { numbers, VirtualFeeds } from './support/virtual-feeds.ts';

type Step =
  | { wait: number }
  | { control: UpstreamControl }
  | { carol: 'subscribe' | 'unsubscribe' }
  | { proxy: 'crash' | 'restart' };

const upstream = fc.constantFrom('u0', 'u1', 'u2');
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ wait: fc.integer({ min: 5, max: 400 }) }),
  fc.record({ carol: fc.constantFrom('subscribe' as const, 'unsubscribe' as const) }),
  fc.record({ proxy: fc.constantFrom('crash' as const, 'restart' as const) }),
  fc.record({
    control: fc.oneof(
      fc.record({ kind: fc.constant('kill' as const), upstream }),
      fc.record({ kind: fc.constant('restart' as const), upstream }),
      fc.record({
        kind: fc.constant('lag' as const),
        upstream,
        blocks: fc.integer({ min: 0, max: 6 }),
        ms: fc.constantFrom(0, 0, 150, 450),
      }),
      fc.record({ kind: fc.constant('reorg' as const), depth: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('reorg' as const), depth: fc.integer({ min: 1, max: 3 }), upstream }),
      fc.record({ kind: fc.constant('fail' as const), upstream, calls: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant('pause' as const), upstream, ms: fc.integer({ min: 10, max: 600 }) }),
      fc.record({ kind: fc.constant('disconnect' as const), upstream }),
    ),
  }),
);

/**
 * The clean reference proxy under random upstream trouble: once every upstream is back and in
 * step, every subscription has a gapless, duplicate-free, announced-reorg stream that ends at
 * the network's tip, and its logs are exactly the chain's. This is what the feeds domain's
 * campaign relies on: a clean run must pass.
 */
describe('continuity under random upstream trouble', () => {
  test.each(['priority', 'round-robin', 'fastest'] as SelectionStrategy[])('strategy %s', (strategy) => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 14 }), (steps) => {
        const sys = new VirtualFeeds({ strategy });
        try {
          sys.advance(40);
          const alice = sys.client('alice');
          const bob = sys.client('bob');
          const heads = sys.subscribe(alice, ['newHeads']);
          const logs = sys.subscribe(bob, ['logs', { address: [LOG_ADDRESSES[0], LOG_ADDRESSES[2]] }]);
          // Carol comes and goes during the trouble: her last subscription must be whole too.
          const carol = sys.client('carol');
          const carolSubs: (string | number)[] = [];
          let crashed = false;
          for (const s of steps) {
            if ('carol' in s) {
              if (s.carol === 'subscribe') carolSubs.push(carol.send('eth_subscribe', ['newHeads']));
              else if (carolSubs.length > 0) {
                const id = carolSubs.pop() as string | number;
                const answer = carol.responses.get(id);
                if (answer !== undefined && 'result' in answer)
                  carol.send('eth_unsubscribe', [answer.result]);
              }
            } else if ('proxy' in s) {
              crashed ||= s.proxy === 'crash' && sys.host.proxyUp;
              try {
                if (s.proxy === 'crash') sys.host.crashProxy();
                else sys.host.restartProxy();
              } catch (error) {
                if ((error as { code?: string }).code !== 'SHK_FEEDS_CONTROL') throw error;
              }
            } else if ('wait' in s) sys.advance(s.wait);
            else {
              try {
                sys.host.control(s.control);
              } catch (error) {
                if ((error as { code?: string }).code !== 'SHK_FEEDS_CONTROL') throw error;
              }
            }
          }
          // Heal: everyone back, in step, and time for breakers to close and feeds to settle.
          if (!sys.host.proxyUp) sys.host.restartProxy();
          sys.advance(700);
          for (const u of sys.host.upstreamStatuses()) {
            if (!u.alive) sys.host.control({ kind: 'restart', upstream: u.name });
            else sys.host.control({ kind: 'lag', upstream: u.name, blocks: 0, ms: 0 });
          }
          // ...and stop halfway between two blocks, when every head has arrived.
          const now = sys.scheduler.now();
          sys.advance(Math.ceil((now + 3_000) / 100) * 100 + 50 - now);
          const got = alice.heads(heads);
          expect(headProblems(got)).toEqual({ gaps: [], duplicates: [], unlinked: [] });
          const canonical = sys.host.snapshot().network.canonical;
          if (crashed) {
            // A crash ends every subscription: only what came before it is judged, and a new one must work.
            const dave = sys.client('dave');
            const fresh = sys.subscribe(dave, ['newHeads']);
            sys.advance(1_000);
            expect(headProblems(dave.heads(fresh))).toEqual({ gaps: [], duplicates: [], unlinked: [] });
            expect(dave.heads(fresh).length).toBeGreaterThanOrEqual(9);
            expect(duplicateLogs(bob.logs(logs))).toEqual([]);
            for (const id of carolSubs) {
              const answer = carol.responses.get(id);
              if (answer !== undefined && 'result' in answer)
                expect(headProblems(carol.heads(answer.result as string)).gaps).toEqual([]);
            }
            return;
          }
          expect(got.at(-1)?.hash).toBe(canonical.at(-1)?.head.hash);
          for (const id of carolSubs) {
            const answer = carol.responses.get(id);
            // A subscribe sent while no upstream could take it is refused, never left unanswered.
            expect(answer).toBeDefined();
            if (answer === undefined || !('result' in answer)) continue;
            const theirs = carol.heads(answer.result as string);
            expect(headProblems(theirs)).toEqual({ gaps: [], duplicates: [], unlinked: [] });
            expect(theirs.at(-1)?.hash).toBe(canonical.at(-1)?.head.hash);
          }
          const delivered = bob.logs(logs);
          expect(duplicateLogs(delivered)).toEqual([]);
          const standing = new Map<string, number>();
          for (const log of delivered) {
            const id = `${log.blockHash}:${log.logIndex}`;
            if (log.removed) standing.delete(id);
            else standing.set(id, fromHexQuantity(log.blockNumber) as number);
          }
          const first = Math.min(...standing.values());
          const tip = numbers(got).at(-1) as number;
          const want = canonical
            .slice(first, tip + 1)
            .flatMap((b) => b.logs)
            .filter((l) => l.address === LOG_ADDRESSES[0] || l.address === LOG_ADDRESSES[2])
            .map((l) => `${l.blockHash}:${l.logIndex}`);
          const have = [...standing].filter(([, n]) => n <= tip).map(([id]) => id);
          expect(have.sort()).toEqual(want.sort());
        } finally {
          sys.stop();
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 60), seed: Number(process.env.FUZZ_SEED ?? 42) },
    );
  });
});
