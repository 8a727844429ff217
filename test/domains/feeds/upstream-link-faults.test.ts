import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultRecord } from '../../../src/core/faults/fault-record.ts';
import { executeRun } from '../../../src/core/runner/campaign.ts';
import type { FeedsAction } from '../../../src/domains/feeds/feeds-action.ts';
import { ALL_FEEDS_CAPABILITIES, FEEDS_CAPABILITIES } from '../../../src/domains/feeds/feeds-capabilities.ts';
import { feedsPack } from '../../../src/domains/feeds/feeds-pack.ts';
import { upstreamOfLink } from '../../../src/domains/feeds/generation/fault-targets.ts';
import { feedsActions } from '../../../src/domains/feeds/generation/feeds-actions-arbitrary.ts';
import { defaultFeedsConfig } from '../../../src/domains/feeds/protocol/feeds-config.ts';
import type { FeedsSnapshot } from '../../../src/domains/feeds/protocol/feeds-snapshot.ts';
import { inprocFeedsTargetFactory } from '../../../src/domains/feeds/targets/inproc-feeds-target-factory.ts';
import {
  wsFeedsConfig,
  wsFeedsTargetFactory,
} from '../../../src/domains/feeds/targets/ws-feeds-target-factory.ts';

const common = {
  invariants: feedsPack.invariants as never,
  projection: feedsPack.projection as never,
  clients: feedsPack.clients,
};
const settings = { maxActions: 60, requestTimeoutMs: 1000, quietMs: 50 };

/** alice follows heads on u0 (priority) while u0's link to the proxy drops frames and is cut. */
const ON_U0: FeedsAction[] = [
  { kind: 'configure', client: 'operator', gapMs: 0, config: { strategy: 'priority' } },
  { kind: 'subscribe', client: 'alice', gapMs: 5, channel: 'newHeads', tag: 's1' },
  {
    kind: 'fault',
    client: 'upstream:u0',
    gapMs: 50,
    fault: { type: 'frame', effect: 'drop', direction: 'from_target', count: 2 },
  } as FeedsAction,
  { kind: 'eth_blockNumber', client: 'bob', gapMs: 5 } as FeedsAction,
  {
    kind: 'fault',
    client: 'upstream:u0',
    gapMs: 200,
    fault: { type: 'connection', effect: 'close', downMs: 0 },
  } as FeedsAction,
  { kind: 'eth_blockNumber', client: 'carol', gapMs: 300 } as FeedsAction,
];

const records = (extra: Record<string, unknown>): FaultRecord[] => (extra.faults ?? []) as FaultRecord[];

describe('faults aimed at one upstream', () => {
  it('in process: frames dropped and a cut on u0 link are recorded under upstream:u0, and the proxy heals', async () => {
    const run = await executeRun(inprocFeedsTargetFactory() as never, ON_U0 as never, {
      ...common,
      settings,
    });
    expect(run.verdict).toEqual({ status: 'pass' });
    const onU0 = records(run.evidence.extra).filter((r) => r.client === 'upstream:u0');
    expect(onU0.map((r) => r.kind).sort()).toEqual(['connection.close', 'frame.drop']);
    // The cut showed: the proxy lost its connection to u0 and moved the feed.
    const snapshot = run.evidence.snapshot as FeedsSnapshot;
    expect(snapshot.proxy.failovers.some((f) => f.from === 'u0')).toBe(true);
    // The report counts them where they acted.
    const byTarget = feedsPack.report!.sections(feedsPack.report!.measure(run.evidence as never));
    expect(byTarget.find((x) => x.id === 'faults-by-target')?.rows).toEqual(
      expect.arrayContaining([
        ['connection.close', 0, 1, 0],
        ['frame.drop', 0, 1, 0],
      ]),
    );
    // Every fault action was applied.
    for (const op of run.evidence.history.filter((o) => (o.action as FeedsAction).kind === 'fault'))
      expect(op.reply?.status).toBe('ok');
  }, 30_000);

  it('a fault aimed at something that is not a link is an error of the run, not a pass', async () => {
    const actions: FeedsAction[] = [
      { kind: 'subscribe', client: 'alice', gapMs: 5, channel: 'newHeads', tag: 's1' },
      {
        kind: 'fault',
        client: 'upstream:u0',
        gapMs: 5,
        fault: { type: 'clock', effect: 'jump', ms: 10 },
      } as unknown as FeedsAction,
    ];
    const run = await executeRun(inprocFeedsTargetFactory() as never, actions as never, {
      ...common,
      settings,
    });
    expect(run.evidence.history[1]?.reply?.status).toBe('fail');
  }, 30_000);

  it('the generator aims link faults at upstream links only when the target can take them', () => {
    const property = feedsPack.properties.find((p) => p.name === 'feeds-chaos')!;
    const aimed = (capabilities: readonly string[]): Set<string> => {
      const targets = new Set<string>();
      const runs = fc.sample(
        property.actions({
          seed: 1,
          maxActions: 30,
          faults: ['frame.drop', 'connection.close', 'process.pause'],
          capabilities,
        }),
        { seed: 7, numRuns: 60 },
      );
      for (const actions of runs)
        for (const action of actions)
          if (action.kind === 'fault')
            targets.add(upstreamOfLink(action.client) !== undefined ? 'upstream' : 'client');
      return targets;
    };
    expect(aimed(ALL_FEEDS_CAPABILITIES)).toEqual(new Set(['client', 'upstream']));
    expect(aimed(ALL_FEEDS_CAPABILITIES.filter((c) => c !== FEEDS_CAPABILITIES.upstreamLinks))).toEqual(
      new Set(['client']),
    );
    // A process fault never names an upstream link.
    const runs = fc.sample(
      feedsActions({ seed: 1, maxActions: 30, faults: ['process.pause'] }, { faults: 5 }),
      {
        seed: 3,
        numRuns: 30,
      },
    );
    expect(runs.flat().some((a) => a.kind === 'fault' && upstreamOfLink(a.client) !== undefined)).toBe(false);
  });

  it('over sockets: the chaos proxy tells the server who each subscriber is, and upstream faults act in the server', async () => {
    const factory = wsFeedsTargetFactory({ config: wsFeedsConfig(defaultFeedsConfig()), chaos: true });
    try {
      const run = await executeRun(factory as never, ON_U0 as never, { ...common, settings });
      expect(run.verdict).toEqual({ status: 'pass' });
      const snapshot = run.evidence.snapshot as FeedsSnapshot;
      // Through the chaos proxy, yet the proxy made alice's subscription for alice.
      expect(snapshot.proxy.subscriptions.map((s) => s.client)).toEqual(['alice']);
      expect(snapshot.proxy.clients).toEqual(expect.arrayContaining(['alice', 'bob', 'carol', 'operator']));
      const onU0 = records(run.evidence.extra).filter((r) => r.client === 'upstream:u0');
      expect(onU0.map((r) => r.kind)).toContain('connection.close');
    } finally {
      await factory.dispose?.();
    }
  }, 30_000);
});
