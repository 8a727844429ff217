import { describe, expect, it } from 'vitest';
import { executeRun } from '../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

const NAME = 'retries.execute-once';

/**
 * Found by seed 20261192 of trading-venue (run 241) on the clean venue: maker's reconnect cuts
 * the answers to its place and cancel, the client retries both, and an admin reset lands before
 * the retries. The venue has forgotten everything, so the retried place makes a new order and
 * the retried cancel cancels that one: by the venue's rules two distinct requests, not one
 * executed twice. The invariant used to count the two cancels as a double execution.
 */
const ACTIONS: TradingAction[] = [
  {
    kind: 'place',
    client: 'taker',
    gapMs: 0,
    symbol: 'SANDBOX.BTC-USD',
    side: 'sell',
    orderType: 'limit',
    tif: 'gtc',
    price: 20000,
    qty: 0.001,
    clientOrderId: 'sc29mw-0',
  },
  {
    kind: 'place',
    client: 'maker',
    gapMs: 0,
    symbol: 'SANDBOX.BTC-USD',
    side: 'buy',
    orderType: 'market',
    tif: 'ioc',
    qty: 0.002,
    clientOrderId: 'sc29mw-1',
  },
  {
    kind: 'place',
    client: 'maker',
    gapMs: 0,
    symbol: 'SANDBOX.BTC-USD',
    side: 'buy',
    orderType: 'limit',
    tif: 'gtc',
    price: 20000,
    qty: 0.001,
    clientOrderId: 'sc29mw-2',
  },
  {
    kind: 'cancel',
    client: 'maker',
    gapMs: 0,
    target: { step: 2, clientOrderId: 'sc29mw-2', byOrderId: false },
  },
  { kind: 'reconnect', client: 'maker', gapMs: 1, mode: 'resync' },
  { kind: 'reset', client: 'admin', gapMs: 0 },
] as TradingAction[];

describe(`${NAME} across a reset`, () => {
  it('does not count a retried cancel that acts, after a reset, on the order a retried place made anew', async () => {
    const report = await executeRun(inprocTargetFactory() as never, ACTIONS, {
      clients: tradingPack.clients,
      projection: tradingPack.projection,
      invariants: tradingPack.invariants.filter((i) => i.name === NAME),
      settings: { maxActions: 60, requestTimeoutMs: 1000, quietMs: 50 },
    });
    const cancels = report.evidence.events.filter(
      (e) => e.client === 'admin' && (e.event as { type?: string }).type === 'order_cancelled',
    );
    // The run really is the case: two cancels of sc29mw-2's orders, one each side of the reset.
    expect(cancels.map((e) => (e.event as { orderId: string }).orderId)).toEqual(['O3', 'O4']);
    expect(report.verdict).toEqual({ status: 'pass' });
  });
});
