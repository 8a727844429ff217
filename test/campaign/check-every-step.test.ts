import { describe, expect, it } from 'vitest';
import { executeEveryStep, executeRun } from '../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

const S = 'SANDBOX.BTC-USD';
const options = {
  clients: tradingPack.clients,
  projection: tradingPack.projection,
  invariants: tradingPack.invariants.filter((i) => i.name === 'book.not-crossed'),
  settings: { maxActions: 10, requestTimeoutMs: 1000, quietMs: 50 },
};

describe('--check-every-step', () => {
  // A transient violation: a post-only order crosses the book (the planted bug), then a taker
  // consumes the crossing order, so the final state is clean again.
  const actions: TradingAction[] = [
    {
      kind: 'place',
      client: 'maker',
      gapMs: 0,
      symbol: S,
      side: 'sell',
      orderType: 'limit',
      price: 20000,
      qty: 0.01,
      clientOrderId: 'a',
    },
    {
      kind: 'place',
      client: 'taker',
      gapMs: 5,
      symbol: S,
      side: 'buy',
      orderType: 'limit',
      tif: 'post_only',
      price: 20000,
      qty: 0.01,
      clientOrderId: 'b',
    },
    {
      kind: 'place',
      client: 'bystander',
      gapMs: 5,
      symbol: S,
      side: 'sell',
      orderType: 'limit',
      tif: 'ioc',
      price: 19990,
      qty: 0.01,
      clientOrderId: 'c',
    },
    { kind: 'cancel', client: 'maker', gapMs: 5, target: { step: 0, clientOrderId: 'a', byOrderId: false } },
  ];

  it('names the first step after which an invariant broke', async () => {
    const factory = inprocTargetFactory({ bugs: ['post_only_crosses'] });
    const report = await executeEveryStep(factory, actions, options);
    expect(report.verdict.status).toBe('fail');
    const messages = report.verdict.status === 'fail' ? report.verdict.violations.map((v) => v.message) : [];
    expect(messages[0]).toMatch(/^after step 1: /);
  });

  it('passes step by step on the clean venue', async () => {
    const report = await executeEveryStep(inprocTargetFactory(), actions, options);
    expect(report.verdict.status).toBe('pass');
    const whole = await executeRun(inprocTargetFactory(), actions, options);
    expect(whole.verdict.status).toBe('pass');
  });
});
