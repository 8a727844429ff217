import { describe, expect, it } from 'vitest';
import * as shakedown from '../../src/index.ts';
import * as trading from '../../src/trading.ts';

describe('the public entry', () => {
  it('exports the campaign, replay, report and trading pieces by name', () => {
    for (const name of [
      'runCampaign',
      'executeRun',
      'readReplayFile',
      'writeReplayFile',
      'renderJunit',
      'mergeSummaries',
      'writeReport',
      'tradingPack',
      'startExchangeServer',
      'ShakedownError',
      'loadDomain',
      'knownDomains',
    ])
      expect(typeof (shakedown as Record<string, unknown>)[name], name).not.toBe('undefined');
    expect(shakedown.tradingPack.surface.categories.length).toBeGreaterThan(0);
  });

  it('loads a domain by name through the registry: the same trading pack', async () => {
    expect(shakedown.knownDomains()).toContain(shakedown.DEFAULT_DOMAIN);
    expect((await shakedown.loadDomain('trading')).pack).toBe(shakedown.tradingPack);
  });
});

describe('the trading entry (shakedown/trading)', () => {
  it("exports the trading pack's helpers and constants by name", () => {
    for (const name of [
      'tradingPack',
      'makeTradingTarget',
      'wsDialer',
      'defaultExchangeConfig',
      'loadExchangeConfig',
      'REJECT_REASONS',
      'isRejectReason',
      'REQUEST_TYPES',
      'EVENT_TYPES',
      'TRADING_ACTION_KINDS',
      'TRADING_CLIENTS',
      'BUG_NAMES',
      'accountStream',
      'sessionStream',
    ])
      expect(typeof (trading as Record<string, unknown>)[name], name).not.toBe('undefined');
    expect(trading.tradingPack).toBe(shakedown.tradingPack);
    expect(trading.REJECT_REASONS).toContain('insufficient_funds');
  });
});
