import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeRun } from '../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

const NAME = 'numbers.spellings-agree';

/**
 * Found by the CI campaign (seed 88188506, chaos-recovery, run 18) on the clean venue: a market
 * buy with cancel_oldest reaches the taker's own orders resting at 1000 (one spelled "1000"),
 * cancels them by self-trade prevention and fills the maker's order behind them, all in one
 * input. After a restart the admin's streams came back in an order that put the maker's fill
 * before the cancels, and the invariant took the cancelled order for one still resting ahead.
 */
describe(`${NAME} and self-trade prevention`, () => {
  it('does not count an order cancelled by self-trade prevention in the same input as resting ahead', async () => {
    const file = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '../fixtures/replays/stp-cancel-before-fill-spellings.json'),
        'utf8',
      ),
    ) as { actions: TradingAction[] };
    const report = await executeRun(inprocTargetFactory() as never, file.actions, {
      clients: tradingPack.clients,
      projection: tradingPack.projection,
      invariants: tradingPack.invariants.filter((i) => i.name === NAME),
      settings: { maxActions: 60, requestTimeoutMs: 1000, quietMs: 50 },
    });
    const admin = report.evidence.events.filter((e) => e.client === 'admin');
    const txnOf = (type: string, key: string, value: string) =>
      admin.find((e) => {
        const event = e.event as Record<string, unknown>;
        return event.type === type && event[key] === value;
      })?.txn;
    // The run really is the case: O4 cancelled by STP in the very input whose fill T3 hit O6.
    const cancelled = admin.find(
      (e) =>
        (e.event as { orderId?: string; type?: string }).orderId === 'O4' &&
        (e.event as { type?: string }).type === 'order_cancelled',
    );
    expect((cancelled?.event as { reason?: string } | undefined)?.reason).toBe('self_trade');
    expect(cancelled?.txn).toBe(txnOf('fill', 'tradeId', 'T3'));
    expect(report.verdict).toEqual({ status: 'pass' });
  });
});
