import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Capability } from '../../../../src/core/model/capabilities.ts';
import {
  supportedActions,
  supportedWeights,
} from '../../../../src/domains/trading/generation/supported-actions.ts';
import { tradingActions } from '../../../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import type { TradingAction } from '../../../../src/domains/trading/trading-action.ts';
import {
  ALL_TRADING_CAPABILITIES,
  TRADING_CAPABILITIES as CAP,
} from '../../../../src/domains/trading/trading-capabilities.ts';

const without = (...left: Capability[]): Capability[] =>
  ALL_TRADING_CAPABILITIES.filter((c) => !left.includes(c));

/** What the generator makes for these capabilities, over many seeds' worth of runs. */
function generated(capabilities: readonly Capability[] | undefined): TradingAction[] {
  const arbitrary = tradingActions({
    seed: 3,
    maxActions: 40,
    ...(capabilities === undefined ? {} : { capabilities }),
  });
  return fc.sample(arbitrary, { seed: 3, numRuns: 60 }).flat();
}

const kinds = (actions: readonly TradingAction[]) => new Set(actions.map((a) => a.kind));
const withStp = (actions: readonly TradingAction[]) =>
  actions.filter((a) => a.kind === 'place' && a.stp !== undefined);

describe('the trading generator sends only what the target supports', () => {
  it('without a declaration it sends everything: marks, reconnects, self-trade prevention modes', () => {
    const all = generated(undefined);
    expect(kinds(all)).toContain('set_mark');
    expect(kinds(all)).toContain('reconnect');
    expect(withStp(all).length).toBeGreaterThan(0);
    // Declaring every capability is the same as declaring none.
    expect(generated(ALL_TRADING_CAPABILITIES)).toEqual(all);
  });

  it('no set_mark without margin, no reconnect without reconnects, no stp mode without stp', () => {
    const noMargin = generated(without(CAP.margin));
    expect(kinds(noMargin)).not.toContain('set_mark');
    expect(kinds(noMargin)).toContain('reconnect');
    const noReconnect = generated(without(CAP.reconnect));
    expect(kinds(noReconnect)).not.toContain('reconnect');
    expect(kinds(noReconnect)).toContain('set_mark');
    const noStp = generated(without(CAP.selfTradePrevention));
    expect(withStp(noStp)).toEqual([]);
    expect(kinds(noStp)).toContain('place');
    const bare = generated([]);
    expect([...kinds(bare)].sort()).toEqual(['cancel', 'cancel_all', 'place', 'replace']);
    expect(withStp(bare)).toEqual([]);
  });

  it('supportedActions drops what a composite command may still emit, and keeps the order sound', () => {
    const place: TradingAction = {
      kind: 'place',
      client: 'maker',
      gapMs: 0,
      symbol: 'SANDBOX.BTC-USD',
      side: 'buy',
      orderType: 'limit',
      price: 20000,
      qty: 0.01,
      clientOrderId: 'a',
      stp: 'cancel_both',
    };
    const mark: TradingAction = {
      kind: 'set_mark',
      client: 'admin',
      gapMs: 0,
      symbol: 'SANDBOX.BTC-USD',
      price: 1,
    };
    const reconnect: TradingAction = { kind: 'reconnect', client: 'taker', gapMs: 0, mode: 'resume' };
    expect(supportedActions([place, mark, reconnect], undefined)).toEqual([place, mark, reconnect]);
    const { stp: _stp, ...plain } = place;
    expect(supportedActions([place, mark, reconnect], [])).toEqual([plain]);
    const weights = supportedWeights<string>({ place: 3 }, [CAP.reconnect]);
    expect(weights).toMatchObject({ place: 3, set_mark: 0 });
    expect(weights.reconnect).toBeUndefined();
  });
});
