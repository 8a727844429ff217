import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { printSummary } from '../../../src/cli/print-summary.ts';
import type { CampaignSummary, FailureSummary } from '../../../src/core/report/campaign-summary.ts';
import { mergeSummaries } from '../../../src/core/report/merge-summaries.ts';
import { distinctFailures, timesFound } from '../../../src/core/report/report-input.ts';
import { markFoundAgain, summarizeCampaign } from '../../../src/core/report/summarize-campaign.ts';
import type { CampaignResult, PropertyFailure, PropertyOutcome } from '../../../src/core/runner/campaign.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';
import { failure, regressionSummary, shardSummary } from '../../support/summary-fixtures.ts';

const SAVED = 'replays/trading-venue-3-0b1c2d3e.json';
const ACTIONS = [{ kind: 'place', client: 'maker', gapMs: 0 }];

/** A property outcome whose one failure shrank to `actions`. */
function outcome(actions: unknown[]): PropertyOutcome<unknown> {
  const found: PropertyFailure<unknown> = {
    property: 'trading-venue',
    seed: 5,
    path: '12:0',
    runIndex: 12,
    shrinks: 4,
    report: {
      actions,
      evidence: { history: [], events: [], snapshot: {}, extra: {} } as never,
      verdict: { status: 'fail', violations: failure().violations },
      results: [],
    },
  };
  return {
    property: 'trading-venue',
    seed: 5,
    runs: 13,
    actions: 200,
    durationMs: 100,
    passed: false,
    interrupted: false,
    failure: found,
    failures: [found],
    faultKinds: [],
    faults: {},
    requiredFaults: [],
    latency: [],
    slos: [],
    exercised: [],
  };
}

/** A campaign that replayed SAVED (it fails again) and whose run 12 failed too, saved to `savedAs`. */
function summarized(actions: unknown[], savedAs: string, savedActions?: unknown[]): CampaignSummary {
  const result: CampaignResult<unknown> = {
    seed: 5,
    runs: 13,
    actions: 200,
    durationMs: 100,
    interrupted: false,
    properties: [outcome(actions)],
    faults: {},
    unfired: [],
    exercised: [],
    latency: [],
  };
  return summarizeCampaign(result, {
    tool: '0.1.0',
    domain: 'trading',
    seedSource: 'flag',
    target: 'inproc',
    transport: 'inproc',
    bugs: ['overfill'],
    registry: tradingPack.surface,
    tagsOf: () => [],
    requiredFaults: [],
    replayFileOf: () => savedAs,
    regressions: {
      failures: [failure({ seed: 3, runIndex: 0, shrinks: 0, regression: true, replayFile: SAVED })],
      runs: 1,
      actions: 3,
    },
    ...(savedActions
      ? { savedActionsOf: (file: string) => (file === SAVED ? savedActions : undefined) }
      : {}),
    durationMs: 100,
  });
}

const printed = (summary: CampaignSummary): string[] => {
  const lines: string[] = [];
  printSummary(summary, (line) => lines.push(line));
  return lines;
};

describe('a saved failure found again by the new runs', () => {
  it('is marked duplicateOf the regression when it was saved to the same file', () => {
    const summary = summarized(ACTIONS, SAVED);
    expect(summary.failures.map((f) => [f.regression, f.runIndex, f.duplicateOf])).toEqual([
      [true, 0, undefined],
      [false, 12, SAVED],
    ]);
    expect(distinctFailures(summary.failures)).toEqual([summary.failures[0]]);
    expect(timesFound(summary.failures[0], summary.failures)).toBe(2);
    // The property's own runs did fail: its verdict says so.
    expect(summary.properties[0]?.verdict).toBe('fail');
  });

  it('is marked when it shrank to the same actions, even saved under another name', () => {
    const other = 'replays/trading-venue-5-aaaabbbb.json';
    expect(summarized(ACTIONS, other, ACTIONS).failures[1]?.duplicateOf).toBe(SAVED);
    expect(summarized(ACTIONS, other, [...ACTIONS, ...ACTIONS]).failures[1]?.duplicateOf).toBeUndefined();
    expect(summarized(ACTIONS, other).failures[1]?.duplicateOf).toBeUndefined();
  });

  it('matches the file by name in any folder, never across properties, and marking twice changes nothing', () => {
    const saved = failure({ regression: true, replayFile: `/abs/${SAVED}` });
    const again = failure({ runIndex: 3, replayFile: SAVED });
    const elsewhere = failure({ property: 'order-lifecycle', runIndex: 4, replayFile: SAVED });
    const marked = markFoundAgain([saved, again, elsewhere]);
    expect(marked.map((f) => f.duplicateOf)).toEqual([undefined, `/abs/${SAVED}`, undefined]);
    expect(markFoundAgain(marked)).toEqual(marked);
  });

  it('is printed once, with its regression', () => {
    const lines = printed(summarized(ACTIONS, 'replays/trading-venue-5-aaaabbbb.json', ACTIONS));
    expect(lines).toContain(`  trading-venue: ${SAVED} (found again by run 12)`);
    expect(lines.some((l) => l.startsWith('failure in'))).toBe(false);
    expect(lines.at(-1)).toMatch(/^failed: 1 regression, no new failures; /);
  });

  it('is marked by merge when another shard found it anew', () => {
    const first = regressionSummary();
    const second = shardSummary(2, 2);
    const merged = mergeSummaries([
      { ...first, shard: { index: 1, count: 2 } },
      {
        ...second,
        seed: first.seed,
        properties: second.properties.filter((p) => p.name === 'trading-venue'),
        failures: [failure({ runIndex: 30, replayFile: SAVED })],
      },
    ]);
    const again = merged.failures.find((f: FailureSummary) => f.runIndex === 30);
    expect(again?.duplicateOf).toBe(SAVED);
    expect(distinctFailures(merged.failures)).toHaveLength(2);
  });

  it('is a field the summary schema knows', () => {
    const schema = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../../docs/summary.schema.json'), 'utf8'),
    );
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    const summary = summarized(ACTIONS, SAVED);
    expect(validate(JSON.parse(JSON.stringify(summary))), JSON.stringify(validate.errors)).toBe(true);
  });
});
