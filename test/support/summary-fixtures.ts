import { coverageSummary } from '../../src/core/coverage/coverage-tally.ts';
import { type CoverageFloor, checkMinCoverage } from '../../src/core/coverage/min-coverage.ts';
import type { SurfaceRegistry } from '../../src/core/coverage/surface-registry.ts';
import type { FaultKind } from '../../src/core/faults/fault.ts';
import { addFaultCounts, type FaultCounts } from '../../src/core/faults/fault-record.ts';
import { evaluateSlos } from '../../src/core/latency/evaluate-slos.ts';
import { LatencyTally, mergeLatency } from '../../src/core/latency/latency-tally.ts';
import type { Slo } from '../../src/core/latency/slo.ts';
import type {
  ActionLatency,
  CampaignSummary,
  FailureSummary,
  HistogramPairs,
  PropertySummary,
} from '../../src/core/report/campaign-summary.ts';
import { propertyVerdict, propertyWarnings, withVerdict } from '../../src/core/report/summarize-campaign.ts';

/**
 * Campaign summaries for report and schema tests, shaped like the trading pack's: totals,
 * latency percentiles, coverage percents and verdicts are computed from the parts with the
 * same functions a campaign uses, so every fixture is one a real campaign could print.
 */

/** Text that breaks naive XML, HTML and Markdown writers (quotes, <, &, a control character). */
export const HOSTILE = `qty "1<2" & 'x' > y | a\u0001b </script> <!-- ]]>`;

/** A slice of the trading surface, so fixtures stay put when the domain pack grows. */
const SURFACE: SurfaceRegistry = {
  categories: [
    {
      name: 'action',
      label: 'action types',
      items: ['place', 'cancel', 'replace', 'cancel_all', 'set_mark', 'reconnect'],
    },
    {
      name: 'event',
      label: 'event types',
      items: [
        'order_accepted',
        'order_rejected',
        'fill',
        'order_cancelled',
        'order_replaced',
        'order_expired',
        'session_disconnected',
        'session_resynced',
      ],
    },
    {
      name: 'reject',
      label: 'reject reasons',
      items: [
        'qty_zero',
        'qty_not_lot_multiple',
        'qty_above_max',
        'price_off_tick',
        'price_out_of_band',
        'unknown_order',
        'post_only_would_cross',
        'duplicate_client_order_id',
      ],
    },
    {
      name: 'fault',
      label: 'fault kinds',
      items: ['frame.drop', 'frame.delay', 'connection.close', 'response.reject_429', 'process.pause'],
    },
    {
      name: 'transition',
      label: 'order-state transitions',
      items: [
        'new->open',
        'new->rejected',
        'open->partially_filled',
        'open->filled',
        'open->cancelled',
        'open->expired',
        'open->replaced',
        'partially_filled->filled',
      ],
    },
  ],
};

/** What an in-process campaign of the two order properties exercises. */
const EXERCISED = [
  'action:place',
  'action:cancel',
  'action:replace',
  'action:cancel_all',
  'event:order_accepted',
  'event:order_rejected',
  'event:fill',
  'event:order_cancelled',
  'event:order_replaced',
  'event:order_expired',
  'reject:qty_zero',
  'reject:qty_not_lot_multiple',
  'reject:price_off_tick',
  'reject:unknown_order',
  'transition:new->open',
  'transition:new->rejected',
  'transition:open->partially_filled',
  'transition:open->filled',
  'transition:open->cancelled',
  'transition:open->replaced',
  'transition:partially_filled->filled',
];

/** One action type's figures; percentiles and the success rate are read off the histogram. */
function actionLatency(
  action: string,
  outcomes: { ok: number; fail: number; info: number },
  histogram: HistogramPairs,
): ActionLatency {
  const max = histogram[histogram.length - 1]?.[0] ?? null;
  const [figures] = LatencyTally.fromSummary([
    {
      action,
      count: outcomes.ok + outcomes.fail + outcomes.info,
      ...outcomes,
      successRate: 0,
      p50: null,
      p90: null,
      p99: null,
      max,
      histogram,
    },
  ]).toSummary();
  return figures!;
}

/** In-process latency (virtual time): place, cancel and replace, scaled by `n`. */
function inprocLatency(n: number): ActionLatency[] {
  return [
    actionLatency('cancel', { ok: 40 * n, fail: 3 * n, info: 0 }, [
      [0.4, 30 * n],
      [0.8, 10 * n],
      [2.5, 3 * n],
    ]),
    actionLatency('place', { ok: 118 * n, fail: 9 * n, info: 0 }, [
      [0.5, 70 * n],
      [1.2, 40 * n],
      [3.1, 14 * n],
      [9.8, 3 * n],
    ]),
    actionLatency('replace', { ok: 21 * n, fail: 2 * n, info: 0 }, [
      [0.6, 15 * n],
      [1.4, 7 * n],
      [4.2, n],
    ]),
  ];
}

/** Over WebSocket with faults mixed in: slower, and some requests never answered. */
function wsLatency(): ActionLatency[] {
  return [
    actionLatency('cancel', { ok: 380, fail: 22, info: 9 }, [
      [1.8, 250],
      [4.6, 120],
      [31, 25],
      [250, 7],
    ]),
    actionLatency('place', { ok: 1104, fail: 81, info: 37 }, [
      [2.2, 700],
      [5.9, 380],
      [48, 90],
      [610, 15],
    ]),
    actionLatency('replace', { ok: 198, fail: 14, info: 6 }, [
      [2.4, 140],
      [6.3, 60],
      [72, 12],
    ]),
  ];
}

const INPROC_SLOS: Slo[] = [{ action: 'place', minSuccessRate: 0.95 }];
const WS_SLOS: Slo[] = [
  { action: 'place', minSuccessRate: 0.95 },
  { action: 'place', percentile: 99, maxMs: 250, transports: ['ws'], underFaults: true },
  { action: 'cancel', percentile: 90, maxMs: 100, transports: ['ws'], underFaults: true },
];

interface PropertyParts {
  seed: number;
  runs: number;
  actions: number;
  durationMs: number;
  tags?: string[];
  interrupted?: boolean;
  faultKinds?: FaultKind[];
  faults?: FaultCounts;
  requiredFaults?: FaultKind[];
  unfiredFaults?: FaultKind[];
  unknown?: { invariant: string; error: string };
  latency?: ActionLatency[];
  slos?: Slo[];
  /** A new failure of this property (not a regression) is in the campaign. */
  /** Its new runs failed (`hang`: only by runs that never ended). */
  failed?: boolean | 'hang';
}

function property(name: string, parts: PropertyParts, transport = 'inproc'): PropertySummary {
  const latency = parts.latency ?? (parts.runs === 0 ? [] : inprocLatency(Math.ceil(parts.runs / 10)));
  const base = {
    name,
    seed: parts.seed,
    runs: parts.runs,
    actions: parts.actions,
    durationMs: parts.durationMs,
    interrupted: parts.interrupted ?? false,
    tags: parts.tags ?? [
      'place',
      'cancel',
      'replace',
      'order_accepted',
      'fill',
      'qty_zero',
      'price_off_tick',
    ],
    faultKinds: parts.faultKinds ?? [],
    faults: parts.faults ?? {},
    requiredFaults: parts.requiredFaults ?? [],
    ...(parts.unfiredFaults ? { unfiredFaults: parts.unfiredFaults } : {}),
    ...(parts.unknown ? { unknown: parts.unknown } : {}),
    latency,
    slos: evaluateSlos(parts.slos ?? INPROC_SLOS, latency, transport),
  };
  const verdict = propertyVerdict(base, parts.failed ?? false);
  return { ...base, passed: verdict === 'pass', verdict };
}

interface CampaignParts {
  seed?: number;
  seedSource?: CampaignSummary['seedSource'];
  commit?: string;
  shard?: { index: number; count: number };
  target?: string;
  transport?: string;
  bugs?: string[];
  properties: PropertySummary[];
  failures?: FailureSummary[];
  /** Saved replays run again before the campaign: what they cost. */
  regressionRuns?: { runs: number; actions: number };
  requiredFaults?: FaultKind[];
  unfiredFaults?: FaultKind[];
  exercised?: string[];
  minCoverage?: CoverageFloor[];
}

/** The campaign's totals from its properties, the way summarizeCampaign adds them up. */
function campaign(parts: CampaignParts): CampaignSummary {
  const faults: FaultCounts = {};
  for (const p of parts.properties) addFaultCounts(faults, p.faults);
  const coverage = coverageSummary(SURFACE, parts.exercised ?? EXERCISED);
  const sum = (of: (p: PropertySummary) => number) => parts.properties.reduce((n, p) => n + of(p), 0);
  return withVerdict({
    format: 'shakedown-summary',
    version: 1,
    tool: '0.1.0',
    domain: 'trading',
    seed: parts.seed ?? 1,
    seedSource: parts.seedSource ?? 'flag',
    ...(parts.commit ? { commit: parts.commit } : {}),
    ...(parts.shard ? { shard: parts.shard } : {}),
    target: parts.target ?? 'inproc',
    transport: parts.transport ?? 'inproc',
    bugs: parts.bugs ?? [],
    runs: sum((p) => p.runs) + (parts.regressionRuns?.runs ?? 0),
    actions: sum((p) => p.actions) + (parts.regressionRuns?.actions ?? 0),
    durationMs: sum((p) => p.durationMs) + 140,
    passed: true,
    verdict: 'pass',
    interrupted: parts.properties.some((p) => p.interrupted),
    properties: parts.properties,
    faults,
    requiredFaults: parts.requiredFaults ?? [],
    unfiredFaults: parts.unfiredFaults ?? [],
    failures: parts.failures ?? [],
    coverage,
    latency: parts.properties.map((p) => p.latency).reduce((a, b) => mergeLatency(a, b), []),
    ...(parts.minCoverage ? { minCoverage: checkMinCoverage(coverage, parts.minCoverage) } : {}),
  });
}

/** A failure of trading-venue's overfill bug, its messages carrying HOSTILE text. */
export function failure(overrides: Partial<FailureSummary> = {}): FailureSummary {
  return {
    property: 'trading-venue',
    seed: 1,
    runIndex: 7,
    path: '7:1:2:0',
    shrinks: 12,
    actions: 3,
    replayFile: 'replays/trading-venue-1-3f9a0c2e.json',
    violations: [
      {
        invariant: 'orders.quantities',
        message: `order O1 (maker): filledQty 0.02 > qty 0.01 ${HOSTILE}`,
        steps: [0, 2],
        events: [4, 9],
      },
      {
        invariant: 'funds.reserves',
        message: 'maker: reserved 0 USD != recomputed 40 USD',
        steps: [2],
        events: [],
      },
    ],
    regression: false,
    ...overrides,
  };
}

/** Both order properties, 100 runs each, in process: everything held. */
export function passingSummary(): CampaignSummary {
  return campaign({
    properties: [
      property('trading-venue', { seed: 1, runs: 100, actions: 4210, durationMs: 1834 }),
      property('order-lifecycle', { seed: 1, runs: 100, actions: 3987, durationMs: 1512 }),
    ],
  });
}

/**
 * The overfill bug planted: trading-venue fails on its 8th run (and stops there), shrunk to
 * 3 actions and saved, unless `saved: false` (the replay could not be written).
 */
export function failingSummary(options: { saved?: boolean } = {}): CampaignSummary {
  const saved = options.saved ?? true;
  return campaign({
    bugs: ['overfill'],
    properties: [
      property('trading-venue', { seed: 1, runs: 8, actions: 310, durationMs: 655, failed: true }),
      property('order-lifecycle', { seed: 1, runs: 100, actions: 3987, durationMs: 1512 }),
    ],
    failures: [failure(saved ? {} : { replayFile: null })],
  });
}

/** A run proved nothing: a client could not log in, so trading-venue is neither pass nor fail. */
export function unknownSummary(): CampaignSummary {
  return campaign({
    properties: [
      property('trading-venue', {
        seed: 1,
        runs: 100,
        actions: 4102,
        durationMs: 2310,
        unknown: { invariant: 'run', error: 'client maker could not log in: session_rejected "bad key"' },
      }),
      property('order-lifecycle', { seed: 1, runs: 100, actions: 3987, durationMs: 1512 }),
    ],
  });
}

/** `--time-budget` ran out: trading-venue stopped after 37 runs, order-lifecycle never started. */
export function skippedSummary(): CampaignSummary {
  return campaign({
    properties: [
      property('trading-venue', { seed: 1, runs: 37, actions: 1555, durationMs: 30_000, interrupted: true }),
      property('order-lifecycle', { seed: 1, runs: 0, actions: 0, durationMs: 0, interrupted: true }),
    ],
  });
}

/**
 * `--property trading-venue` with the saved corpus replayed first: trading-venue holds in its
 * new runs, but a saved replay of it fails again, and so does one of order-lifecycle (a
 * property this campaign did not run).
 */
export function regressionSummary(): CampaignSummary {
  return campaign({
    properties: [property('trading-venue', { seed: 5, runs: 100, actions: 4210, durationMs: 1834 })],
    seed: 5,
    regressionRuns: { runs: 2, actions: 7 },
    failures: [
      failure({
        seed: 3,
        runIndex: 0,
        regression: true,
        replayFile: 'replays/trading-venue-3-0b1c2d3e.json',
      }),
      failure({
        property: 'order-lifecycle',
        seed: 9,
        runIndex: 0,
        path: '41:0',
        shrinks: 0,
        actions: 4,
        regression: true,
        replayFile: 'replays/order-lifecycle-9-77aa01fe.json',
        violations: [
          {
            invariant: 'orders.lifecycle',
            message: 'order O3: cancelled -> filled is not a legal move',
            steps: [1, 3],
            events: [6, 11],
          },
        ],
      }),
    ],
  });
}

/**
 * chaos-recovery over WebSocket with `--ci` and `--faults frame.drop,connection.close,process.pause`:
 * process.pause never fired (the campaign and the property's `sometimes` fail), and the p99 of
 * place under faults breaches its SLO.
 */
export function unfiredFaultsSummary(): CampaignSummary {
  const required: FaultKind[] = ['frame.drop', 'connection.close', 'process.pause'];
  return campaign({
    seed: 1_844_674_407,
    seedSource: 'commit',
    commit: 'c0ffee1234abcdef',
    target: 'ws://127.0.0.1:7070',
    transport: 'ws',
    properties: [
      property(
        'chaos-recovery',
        {
          seed: 402_113_977,
          runs: 50,
          actions: 2490,
          durationMs: 48_210,
          tags: ['frame.drop', 'connection.close', 'process.pause', 'reconnect', 'session_resynced'],
          faultKinds: required,
          faults: { 'frame.drop': 3, 'connection.close': 1 },
          requiredFaults: required,
          unfiredFaults: ['process.pause'],
          latency: wsLatency(),
          slos: WS_SLOS,
        },
        'ws',
      ),
    ],
    requiredFaults: required,
    unfiredFaults: ['process.pause'],
    exercised: [...EXERCISED, 'fault:frame.drop', 'fault:connection.close', 'event:session_disconnected'],
  });
}

/** The chaos campaign: unfired faults and a breached latency SLO (an alias kept for older tests). */
export const chaosSummary = unfiredFaultsSummary;

/** `--min-coverage 80 reject=60 action=50`: the properties held; two floors of three were missed. */
export function coverageUnmetSummary(): CampaignSummary {
  return campaign({
    properties: passingSummary().properties,
    minCoverage: [
      { category: null, percent: 80 },
      { category: 'reject', percent: 60 },
      { category: 'action', percent: 50 },
    ],
  });
}

/** Shard `index` of `count` of the passing campaign: each shard runs its share of every property. */
export function shardSummary(index: number, count: number): CampaignSummary {
  const share = (n: number) => Math.floor(n / count) + (index <= n % count ? 1 : 0);
  return campaign({
    shard: { index, count },
    properties: [
      property('trading-venue', {
        seed: 1,
        runs: share(100),
        actions: share(4210),
        durationMs: 1834 / count,
      }),
      property('order-lifecycle', {
        seed: 1,
        runs: share(100),
        actions: share(3987),
        durationMs: 1512 / count,
      }),
    ],
    exercised: EXERCISED.filter((_, i) => i % count === index - 1),
  });
}

/**
 * A target without accounts or margin (its adapter declares its capabilities): margin-and-marks
 * skips the invariants that need them, and one it checks had nothing to check in any run (a
 * vacuous warning; `strict` makes it fail the property and the campaign).
 */
export function checkedSummary(options: { strict?: boolean } = {}): CampaignSummary {
  const strict = options.strict === true;
  const latency = inprocLatency(3);
  const invariants = [
    { name: 'trades.within-band', runs: 30, checkedRuns: 26, examined: 412, counts: 'trades' },
    { name: 'book.best-price', runs: 30, checkedRuns: 0, examined: 0 },
    { name: `requests.answered ${HOSTILE}`, runs: 30, checkedRuns: null, examined: null },
  ];
  const base = {
    name: 'margin-and-marks',
    seed: 1,
    runs: 30,
    actions: 708,
    durationMs: 612,
    interrupted: false,
    tags: ['place', 'set_mark'],
    faultKinds: [],
    faults: {},
    requiredFaults: [],
    latency,
    slos: [],
    invariants,
    skippedInvariants: [
      { invariant: 'funds.conservation', reason: 'missing: accounts', missing: ['accounts'] },
      { invariant: 'ledger.equity', reason: 'missing: accounts, margin', missing: ['accounts', 'margin'] },
      { invariant: 'funds.reserves', reason: '--skip-invariants', missing: [] },
    ],
    warnings: propertyWarnings(invariants, latency),
  };
  const verdict = propertyVerdict(base, false, strict);
  const summary = campaign({
    target: './no-accounts-target.ts',
    transport: 'module',
    properties: [{ ...base, passed: verdict === 'pass', verdict }],
  });
  return strict ? withVerdict({ ...summary, strict: true }) : summary;
}

/**
 * An adapter module whose third send loops for ever: trading-venue's first run hangs (its
 * worker killed at the run timeout), shrunk to 3 actions and saved.
 */
export function hangSummary(): CampaignSummary {
  return campaign({
    target: './hanging-target.ts',
    transport: 'module',
    properties: [
      property(
        'trading-venue',
        { seed: 1, runs: 1, actions: 0, durationMs: 21862, failed: 'hang' },
        'module',
      ),
    ],
    failures: [
      failure({
        runIndex: 0,
        path: '0:1:1',
        shrinks: 10,
        actions: 3,
        replayFile: 'replays/trading-venue-1-62674052.json',
        verdict: 'hang',
        violations: [
          {
            invariant: 'run.hang',
            message: `the run hung (no end within the run timeout of 3 s); the last action sent was step 2: +0ms taker place ${HOSTILE}`,
            steps: [2],
            events: [],
          },
        ],
      }),
    ],
  });
}

/**
 * --keep-going with the overfill and self_trade bugs planted: trading-venue goes on after its
 * first failure and reports two distinct ones, each saved, with the runs that failed the same
 * way counted.
 */
export function keepGoingSummary(): CampaignSummary {
  return campaign({
    bugs: ['overfill', 'self_trade'],
    properties: [
      property('trading-venue', { seed: 1, runs: 100, actions: 4210, durationMs: 1834, failed: true }),
    ],
    failures: [
      failure({ runIndex: 0, path: '0:1:2', duplicates: 74 }),
      failure({
        runIndex: 6,
        path: '6:3:1',
        shrinks: 31,
        actions: 2,
        replayFile: 'replays/trading-venue-1-7e3ea0b3.json',
        duplicates: 6,
        violations: [
          {
            invariant: 'trades.no-self-trade',
            message: 'trade T1 (SANDBOX.BTC-USD 0.001 @ 20000): maker O1 and taker O2 are both account maker',
            steps: [0, 1],
            events: [7],
          },
        ],
      }),
    ],
  });
}

/** Every fixture above, by name, for tests that check all of them. */
export function allSummaries(): Record<string, CampaignSummary> {
  return {
    passing: passingSummary(),
    failing: failingSummary(),
    'failing, not saved': failingSummary({ saved: false }),
    unknown: unknownSummary(),
    skipped: skippedSummary(),
    regression: regressionSummary(),
    'unfired faults': unfiredFaultsSummary(),
    'coverage unmet': coverageUnmetSummary(),
    'shard 1/2': shardSummary(1, 2),
    'shard 2/2': shardSummary(2, 2),
    'invariants checked': checkedSummary(),
    strict: checkedSummary({ strict: true }),
    hang: hangSummary(),
    'keep going': keepGoingSummary(),
  };
}
