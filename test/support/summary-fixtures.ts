import type {
  CampaignSummary,
  FailureSummary,
  PropertySummary,
} from '../../src/core/report/campaign-summary.ts';

/** Realistic campaign summaries for report and schema tests, built by hand. */
function property(name: string, overrides: Partial<PropertySummary> = {}): PropertySummary {
  return {
    name,
    seed: 1,
    runs: 100,
    actions: 4000,
    durationMs: 1234,
    passed: true,
    verdict: 'pass',
    interrupted: false,
    tags: ['place', 'cancel'],
    faultKinds: [],
    faults: {},
    requiredFaults: [],
    latency: [
      {
        action: 'place',
        count: 1200,
        ok: 1100,
        fail: 95,
        info: 5,
        successRate: 0.9958,
        p50: 1.2,
        p90: 3.4,
        p99: 12,
        max: 40.2,
        histogram: [
          [1.2, 700],
          [3.4, 400],
          [12, 90],
          [40, 5],
        ],
      },
      {
        action: 'cancel',
        count: 300,
        ok: 280,
        fail: 20,
        info: 0,
        successRate: 1,
        p50: 0.8,
        p90: 2,
        p99: 5.5,
        max: 6,
        histogram: [
          [0.8, 200],
          [2, 90],
          [5.5, 10],
        ],
      },
    ],
    slos: [
      {
        slo: { action: 'place', percentile: 99, maxMs: 250, transports: ['ws'] },
        observedMs: 12,
        observedSuccessRate: 0.9958,
        breached: false,
      },
    ],
    ...overrides,
  };
}

function base(): CampaignSummary {
  return {
    format: 'shakedown-summary',
    version: 1,
    tool: '0.1.0',
    domain: 'trading',
    seed: 1,
    seedSource: 'flag',
    target: 'inproc',
    transport: 'inproc',
    bugs: [],
    runs: 200,
    actions: 8000,
    durationMs: 2500,
    passed: true,
    verdict: 'pass',
    interrupted: false,
    properties: [property('trading-venue'), property('order-lifecycle', { seed: 1 })],
    faults: {},
    requiredFaults: [],
    unfiredFaults: [],
    failures: [],
    coverage: {
      categories: [
        {
          name: 'action',
          label: 'action types',
          items: ['place', 'cancel', 'replace'],
          exercised: ['place', 'cancel'],
        },
        {
          name: 'reject',
          label: 'reject reasons',
          items: ['qty_zero', 'price_off_tick'],
          exercised: ['qty_zero'],
        },
        { name: 'fault', label: 'fault kinds', items: ['frame.drop'], exercised: [] },
        {
          name: 'transition',
          label: 'order-state transitions',
          items: ['new->open'],
          exercised: ['new->open'],
        },
      ],
      declared: 7,
      exercised: 4,
      percent: 57.1,
    },
    latency: property('x').latency,
  };
}

export const passingSummary = (): CampaignSummary => base();

/** Text that breaks naive XML, HTML and Markdown writers. */
export const HOSTILE = `qty "1<2" & 'x' > y | a\u0001b </script> <!-- ]]>`;

export function failure(overrides: Partial<FailureSummary> = {}): FailureSummary {
  return {
    property: 'trading-venue',
    seed: 1,
    runIndex: 7,
    path: '7:1:2',
    shrinks: 12,
    actions: 3,
    replayFile: 'replays/trading-venue-1-abcdef12.json',
    violations: [
      {
        invariant: 'orders.quantities',
        message: `order O1: filledQty 0.02 > qty 0.01 ${HOSTILE}`,
        steps: [0, 2],
        events: [4, 9],
      },
      { invariant: 'funds.reserves', message: 'reserved 0 != recomputed 40', steps: [2], events: [] },
    ],
    regression: false,
    ...overrides,
  };
}

export function failingSummary(): CampaignSummary {
  const s = base();
  return {
    ...s,
    bugs: ['overfill'],
    passed: false,
    verdict: 'fail',
    properties: [
      property('trading-venue', { passed: false, verdict: 'fail', runs: 8, actions: 300 }),
      property('order-lifecycle'),
    ],
    failures: [failure(), failure({ regression: true, replayFile: 'replays/old.json', runIndex: 0 })],
  };
}

export function unknownSummary(): CampaignSummary {
  const s = base();
  return {
    ...s,
    passed: false,
    verdict: 'unknown',
    properties: [
      property('trading-venue', {
        passed: false,
        verdict: 'unknown',
        unknown: { invariant: 'run', error: 'client maker could not log in' },
      }),
      property('order-lifecycle', { runs: 0, actions: 0, interrupted: true }),
    ],
  };
}

export function chaosSummary(): CampaignSummary {
  const s = base();
  return {
    ...s,
    shard: { index: 2, count: 4 },
    seedSource: 'commit',
    commit: 'c0ffee1234',
    passed: false,
    verdict: 'fail',
    faults: { 'frame.drop': 3, 'connection.close': 1 },
    requiredFaults: ['frame.drop', 'process.pause'],
    unfiredFaults: ['process.pause'],
    properties: [
      property('chaos-recovery', {
        passed: false,
        verdict: 'fail',
        faultKinds: ['frame.drop', 'process.pause'],
        faults: { 'frame.drop': 3, 'connection.close': 1 },
        requiredFaults: ['frame.drop', 'process.pause'],
        unfiredFaults: ['process.pause'],
        slos: [
          {
            slo: { action: 'place', percentile: 99, maxMs: 5, underFaults: true },
            observedMs: 12,
            observedSuccessRate: 0.9958,
            breached: true,
          },
        ],
      }),
    ],
    minCoverage: { floors: [{ category: 'reject', percent: 80, observed: 50, met: false }], met: false },
  };
}
