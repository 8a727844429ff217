import { describe, expect, it } from 'vitest';
import * as shakedown from '../../src/index.ts';

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
    ])
      expect(typeof (shakedown as Record<string, unknown>)[name], name).not.toBe('undefined');
    expect(shakedown.tradingPack.surface.categories.length).toBeGreaterThan(0);
  });
});
