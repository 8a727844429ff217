import { describe, expect, it } from 'vitest';
import { executionOf } from '../../src/cli/options/concurrency.ts';
import { describeExecution } from '../../src/core/report/campaign-summary.ts';
import { defaultFeedsConfig } from '../../src/domains/feeds/protocol/feeds-config.ts';
import {
  wsFeedsConfig,
  wsFeedsTargetFactory,
} from '../../src/domains/feeds/targets/ws-feeds-target-factory.ts';

describe('the execution a summary states for runs one at a time', () => {
  it('takes the isolation from the target factory: a fresh system per run, or a reset', () => {
    const sequential = { mode: 'sequential', lanes: 1, isolation: 'reset-per-run' } as const;
    expect(executionOf(sequential, { isolation: 'venue-per-run' })).toEqual({
      mode: 'sequential',
      lanes: 1,
      isolation: 'venue-per-run',
    });
    expect(executionOf(sequential, {})).toEqual(sequential);
    expect(describeExecution(executionOf(sequential, { isolation: 'venue-per-run' }))).toBe(
      'sequential, a fresh venue per run',
    );
    expect(describeExecution(sequential)).toBe('sequential, venue reset per run');
  });

  it('leaves concurrent lanes as the plan made them', () => {
    const lanes = { mode: 'concurrent', lanes: 4, isolation: 'venue-per-lane' } as const;
    expect(executionOf(lanes, { isolation: 'venue-per-run' })).toBe(lanes);
  });

  it('the feeds reference over --target ws starts a server per run, and says so', () => {
    const factory = wsFeedsTargetFactory({ config: wsFeedsConfig(defaultFeedsConfig()), chaos: false });
    expect(factory.isolation).toBe('venue-per-run');
  });
});
