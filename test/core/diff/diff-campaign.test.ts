import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DiffOptions, runDiffCampaign } from '../../../src/core/diff/diff-campaign.ts';
import { firstDivergence } from '../../../src/core/diff/first-divergence.ts';
import { normalizeTimeline } from '../../../src/core/diff/normalized-timeline.ts';
import { runLockstep } from '../../../src/core/diff/run-lockstep.ts';
import type { TargetFactory } from '../../../src/core/model/target.ts';
import { ShakedownError } from '../../../src/core/shakedown-error.ts';
import { TRADING_DIFF_NORMALIZER } from '../../../src/domains/trading/diff/trading-diff-normalizer.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';

const property = (name: string) => {
  const found = tradingPack.properties.find((p) => p.name === name);
  if (!found) throw new Error(`no property ${name}`);
  return found;
};

const inproc = (bugs: string[] = []) => tradingPack.targetFactory({ kind: 'inproc' }, { bugs, seed: 1 });

async function options(
  left: TargetFactory<TradingAction>,
  right: TargetFactory<TradingAction>,
  overrides: Partial<DiffOptions<TradingAction>> = {},
): Promise<DiffOptions<TradingAction>> {
  return {
    property: property('order-lifecycle'),
    left: { name: 'clean', factory: left },
    right: { name: 'bugged', factory: right },
    clients: tradingPack.clients,
    projection: tradingPack.projection,
    normalize: TRADING_DIFF_NORMALIZER,
    describeAction: (action) => tradingPack.describeAction(action),
    describeEvent: (event) => tradingPack.describeEvent(event as never),
    seed: 1,
    runs: 50,
    maxActions: 40,
    quietMs: 50,
    timeBudgetMs: 30_000,
    now: Date.now,
    ...overrides,
  };
}

describe('runDiffCampaign', () => {
  it('finds a planted bug as a divergence, shrinks it, and finds the same one again from the seed', async () => {
    const run = async () => runDiffCampaign(await options(await inproc(), await inproc(['overfill'])));
    const first = await run();
    const again = await run();
    expect(first.found).toBeDefined();
    expect(first.found?.reproduced).toBe(true);
    expect(first.found?.actions.length).toBeLessThanOrEqual(3);
    expect(first.found?.divergence.message).toMatch(/clean (answered|sent) .*, bugged (answered|sent) /);
    expect(again.found?.actions).toEqual(first.found?.actions);
    expect(again.found?.divergence).toEqual(first.found?.divergence);
    // Both sides' evidence of the shrunk sequence, for the replay file.
    expect(first.found?.left.history).toHaveLength(first.found?.actions.length ?? -1);
    expect(first.found?.right.events.length).toBeGreaterThan(0);
  });

  it('two clean in-process venues agree on every sequence', async () => {
    const result = await runDiffCampaign(await options(await inproc(), await inproc(), { runs: 20 }));
    expect(result).toMatchObject({ runs: 20, interrupted: false });
    expect(result.found).toBeUndefined();
    expect(result.actions).toBeGreaterThan(20);
  });

  it('stops starting runs once the time budget is spent (no run abandoned in flight)', async () => {
    let clock = 0;
    const result = await runDiffCampaign(
      await options(await inproc(), await inproc(), { runs: 50, timeBudgetMs: 3, now: () => clock++ }),
    );
    expect(result.interrupted).toBe(true);
    expect(result.runs).toBeLessThan(50);
  });

  it('a side that cannot run is an error of the campaign, not a divergence to shrink', async () => {
    const unreachable: TargetFactory<TradingAction> = {
      name: 'down',
      create: async () => {
        throw new ShakedownError('SHK_TARGET_UNREACHABLE', 'cannot reach it', { exitCode: 3 });
      },
    };
    await expect(runDiffCampaign(await options(await inproc(), unreachable))).rejects.toMatchObject({
      code: 'SHK_TARGET_UNREACHABLE',
    });
  });

  it('in process and over WebSocket the clean venue agrees once normalized, snapshot included', async () => {
    const [actions] = fc.sample(property('trading-venue').actions({ seed: 3, maxActions: 40, faults: [] }), {
      seed: 3,
      numRuns: 1,
    });
    const ws = await tradingPack.targetFactory({ kind: 'embedded-ws' }, { bugs: [], seed: 3 });
    try {
      const lockstep = { clients: tradingPack.clients, projection: tradingPack.projection, quietMs: 50 };
      const left = await runLockstep(await inproc(), actions as TradingAction[], lockstep);
      // The second run on the shared server: its ids, seqs and txns went on counting.
      await runLockstep(ws, actions as TradingAction[], lockstep);
      const right = await runLockstep(ws, actions as TradingAction[], lockstep);
      expect(right.events.map((e) => e.seq)).not.toEqual(left.events.map((e) => e.seq));
      const a = normalizeTimeline(left, TRADING_DIFF_NORMALIZER);
      const b = normalizeTimeline(right, TRADING_DIFF_NORMALIZER);
      expect(a.snapshot).toBeDefined();
      expect(a.streams.reduce((n, s) => n + s.events.length, 0)).toBeGreaterThan(10);
      expect(firstDivergence(a, b, { left: 'inproc', right: 'ws' })).toBeUndefined();
    } finally {
      await ws.dispose?.();
    }
  });
});
