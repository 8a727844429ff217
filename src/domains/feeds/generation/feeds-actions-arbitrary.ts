import fc from 'fast-check';
import type { Fault, FaultAction, FaultKind, FrameDirection } from '../../../core/faults/fault.ts';
import type { GenerationContext } from '../../../core/model/property.ts';
import {
  type CallAction,
  type ConfigureAction,
  FEEDS_SUBSCRIBERS,
  type FeedsAction,
  type FeedsSubscriber,
  OPERATOR,
  type SubscribeAction,
  type UpstreamAction,
} from '../feeds-action.ts';
import { FEEDS_CAPABILITIES } from '../feeds-capabilities.ts';
import type { UpstreamControl } from '../protocol/admin-methods.ts';
import type { LogFilter } from '../protocol/chain-types.ts';
import { LOG_ACCOUNT_TOPICS, LOG_ADDRESSES, LOG_EVENT_TOPICS } from '../protocol/chain-vocabulary.ts';
import { defaultFeedsConfig, type FeedsConfig, SELECTION_STRATEGIES } from '../protocol/feeds-config.ts';
import { upstreamLink } from './fault-targets.ts';

/** The link faults a feeds run mixes in: on one subscriber's link to the proxy, or one upstream's. */
export const FEEDS_LINK_FAULT_KINDS: readonly FaultKind[] = [
  'frame.drop',
  'frame.delay',
  'frame.duplicate',
  'frame.reorder',
  'connection.close',
  'connection.half_open',
];

/** Faults of the proxy's process (the targets that run the reference proxy): a kill with restart, a pause. */
export const FEEDS_PROCESS_FAULT_KINDS: readonly FaultKind[] = ['process.crash_restart', 'process.pause'];

export type ControlKind = UpstreamControl['kind'];

export interface FeedsMix {
  /** Relative weights of what the subscribers do. */
  subscribe?: number;
  unsubscribe?: number;
  call?: number;
  /** Relative weight of upstream controls (0: none), and which. */
  upstream?: number;
  controls?: readonly ControlKind[];
  /** Relative weight of link faults (0: none); the kinds are the context's. */
  faults?: number;
  /** Lead the run with a configure action drawing the proxy's strategy and breaker (in-process). */
  configure?: boolean;
  /** Relative weight of calls the proxy must refuse (bad params), among calls. */
  badCalls?: number;
  /** At least this many actions a run (1 by default): a campaign of few runs still does much. */
  minActions?: number;
  /** Which way frame faults act (both by default); pushes make from_target the busy lane. */
  directions?: readonly FrameDirection[];
  /**
   * Aim link faults at the proxy ↔ upstream links too (`upstream:u1`), not only at the
   * subscribers' links: on by default when the target has the `upstream-links` capability.
   */
  upstreamLinks?: boolean;
}

/**
 * The pace of a run: a constant gap between actions, or bursts (several at once, then a
 * pause), as seed 004's workloads describe. One value for the whole run, so it shrinks apart.
 */
export type Pace = { kind: 'constant'; gapMs: number } | { kind: 'bursty'; burst: number; pauseMs: number };

const paceArb: fc.Arbitrary<Pace> = fc.oneof(
  fc.record({ kind: fc.constant('constant' as const), gapMs: fc.constantFrom(5, 20, 40, 80, 150) }),
  fc.record({
    kind: fc.constant('bursty' as const),
    burst: fc.integer({ min: 2, max: 6 }),
    pauseMs: fc.integer({ min: 60, max: 400 }),
  }),
);

function gapAt(pace: Pace, index: number): number {
  if (pace.kind === 'constant') return pace.gapMs;
  return index % pace.burst === 0 ? pace.pauseMs : 0;
}

const subscriberArb = fc.constantFrom<FeedsSubscriber>(...FEEDS_SUBSCRIBERS);
const upstreamArb = (count: number): fc.Arbitrary<string> =>
  fc.integer({ min: 0, max: Math.max(0, count - 1) }).map((i) => `u${i}`);

const logFilterArb: fc.Arbitrary<LogFilter | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.record(
    {
      address: fc.oneof(
        fc.constantFrom(...LOG_ADDRESSES),
        fc.subarray([...LOG_ADDRESSES], { minLength: 1, maxLength: 2 }),
      ),
      topics: fc.oneof(
        fc.tuple(fc.constantFrom(...LOG_EVENT_TOPICS)).map((t) => [...t]),
        fc.tuple(fc.constant(null), fc.constantFrom(...LOG_ACCOUNT_TOPICS)).map((t) => [...t]),
      ),
    },
    { requiredKeys: [] },
  ),
);

type CallDraft = Omit<CallAction, 'gapMs' | 'expectRefusal'>;

type Draft =
  | {
      kind: 'subscribe';
      client: FeedsSubscriber;
      channel: 'newHeads' | 'logs';
      filter: LogFilter | undefined;
    }
  | { kind: 'unsubscribe'; client: FeedsSubscriber; pick: number }
  | { kind: 'call'; call: CallDraft; bad: boolean }
  | { kind: 'upstream'; control: UpstreamControl }
  | { kind: 'fault'; client: string; fault: Fault };

function callArb(bad: number): fc.Arbitrary<Draft> {
  const good = fc.oneof(
    subscriberArb.map((client) => ({ client, kind: 'eth_blockNumber' as const })),
    fc.record({
      client: subscriberArb,
      kind: fc.constant('eth_getBlockByNumber' as const),
      block: fc.oneof(
        fc.constant('latest' as const),
        fc.constant('earliest' as const),
        fc.integer({ min: 0, max: 40 }),
      ),
    }),
    fc.record({
      client: subscriberArb,
      kind: fc.constant('eth_getLogs' as const),
      filter: fc
        .tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 4 }), logFilterArb)
        .map(([from, span, filter]) => ({ ...(filter ?? {}), fromBlock: from, toBlock: from + span })),
    }),
  );
  // Params the proxy must refuse: a junk block tag, an unknown filter field.
  const refused = fc.oneof(
    subscriberArb.map((client) => ({
      client,
      kind: 'eth_getBlockByNumber' as const,
      block: 'next' as never,
    })),
    subscriberArb.map((client) => ({
      client,
      kind: 'eth_getLogs' as const,
      filter: { fromBlock: 1, toBlock: 2, color: 'blue' } as never,
    })),
  );
  return fc.oneof(
    {
      weight: 10,
      arbitrary: good.map((call): Draft => ({ kind: 'call', call: call as CallDraft, bad: false })),
    },
    {
      weight: bad,
      arbitrary: refused.map(
        (call): Draft => ({ kind: 'call', call: call as unknown as CallDraft, bad: true }),
      ),
    },
  );
}

function controlArb(
  kinds: readonly ControlKind[],
  upstreams: number,
  maxDepth: number,
): fc.Arbitrary<UpstreamControl> {
  const u = upstreamArb(upstreams);
  const all: Record<ControlKind, fc.Arbitrary<UpstreamControl>> = {
    kill: u.map((upstream) => ({ kind: 'kill', upstream })),
    restart: u.map((upstream) => ({ kind: 'restart', upstream })),
    lag: fc
      .record({ upstream: u, blocks: fc.integer({ min: 0, max: 8 }), ms: fc.constantFrom(0, 0, 50, 300) })
      .map((c) => ({ kind: 'lag' as const, ...c })),
    reorg: fc
      .record({
        depth: fc.integer({ min: 1, max: Math.max(1, maxDepth) }),
        upstream: fc.option(u, { nil: undefined }),
      })
      .map(({ depth, upstream }) => ({
        kind: 'reorg' as const,
        depth,
        ...(upstream === undefined ? {} : { upstream }),
      })),
    fail: fc
      .record({ upstream: u, calls: fc.integer({ min: 1, max: 8 }) })
      .map((c) => ({ kind: 'fail' as const, ...c })),
    pause: fc
      .record({ upstream: u, ms: fc.integer({ min: 50, max: 600 }) })
      .map((c) => ({ kind: 'pause' as const, ...c })),
    disconnect: u.map((upstream) => ({ kind: 'disconnect', upstream })),
  };
  return fc.oneof(...kinds.map((k) => all[k]));
}

/**
 * Whom a fault hits: a subscriber's link, or (link faults only, when `upstreams` > 0) one
 * upstream's link to the proxy. Shrinks towards the first subscriber.
 */
function faultTargetArb(kind: FaultKind, upstreams: number): fc.Arbitrary<string> {
  if (upstreams <= 0 || !FEEDS_LINK_FAULT_KINDS.includes(kind)) return subscriberArb;
  return fc.oneof(
    { weight: 2, arbitrary: subscriberArb as fc.Arbitrary<string> },
    { weight: 1, arbitrary: upstreamArb(upstreams).map(upstreamLink) },
  );
}

function faultArb(
  kinds: readonly FaultKind[],
  directions: readonly FrameDirection[],
  upstreams: number,
): fc.Arbitrary<Draft> {
  return fc
    .constantFrom(...kinds)
    .chain((kind) => fc.record({ kind: fc.constant(kind), client: faultTargetArb(kind, upstreams) }))
    .chain(({ kind, client }) => faultDetailArb(kind, client, directions));
}

function faultDetailArb(
  chosen: FaultKind,
  target: string,
  directions: readonly FrameDirection[],
): fc.Arbitrary<Draft> {
  return fc
    .record({
      client: fc.constant(target),
      kind: fc.constant(chosen),
      direction: fc.constantFrom(...directions),
      count: fc.integer({ min: 1, max: 3 }),
      delayMs: fc.integer({ min: 1, max: 150 }),
      holdFor: fc.integer({ min: 1, max: 2 }),
      downMs: fc.constantFrom(0, 20, 100),
      processDownMs: fc.integer({ min: 20, max: 400 }),
      seed: fc.nat(10_000),
    })
    .map(({ client, kind, direction, count, delayMs, holdFor, downMs, processDownMs, seed }): Draft => {
      const [type, effect] = kind.split('.') as [string, string];
      const fault: Fault =
        type === 'process'
          ? { type: 'process', effect: effect as 'pause', downMs: processDownMs }
          : type === 'connection'
            ? { type: 'connection', effect: effect as 'close', downMs }
            : {
                type: 'frame',
                effect: effect as 'drop',
                direction,
                count,
                ...(effect === 'delay' ? { delayMs, seed } : {}),
                ...(effect === 'reorder' ? { holdFor } : {}),
              };
      return { kind: 'fault', client, fault };
    });
}

/** Strategies and breaker settings a configure action draws from. */
const configArb: fc.Arbitrary<Partial<FeedsConfig>> = fc.record({
  strategy: fc.constantFrom(...SELECTION_STRATEGIES),
  breakerFailureThreshold: fc.integer({ min: 1, max: 3 }),
  breakerRecoveryMs: fc.constantFrom(200, 500),
});

/**
 * A feeds workload as one fast-check sequence that shrinks as a whole: subscribers subscribe
 * (newHeads, or logs with a filter drawn from the chain's own vocabulary) and unsubscribe,
 * make plain calls (blockNumber, getBlockByNumber, getLogs), at a constant or bursty pace; the
 * operator kills, restarts, lags, forks or fails upstreams; link faults hit one subscriber's
 * connection. A leading configure action (when the target builds a proxy per run) draws the
 * routing strategy and the breaker's threshold and recovery timeout.
 */
export function feedsActions(context: GenerationContext, mix: FeedsMix = {}): fc.Arbitrary<FeedsAction[]> {
  const base = defaultFeedsConfig();
  const faultKinds = (context.faults ?? []).filter(
    (k) => FEEDS_LINK_FAULT_KINDS.includes(k) || FEEDS_PROCESS_FAULT_KINDS.includes(k),
  );
  const controls = mix.controls ?? [];
  // Controls need a target that lets the operator drive its upstreams.
  const canControl =
    context.capabilities === undefined || context.capabilities.includes(FEEDS_CAPABILITIES.upstreamControl);
  const upstreamWeight = controls.length > 0 && canControl ? (mix.upstream ?? 0) : 0;
  const faultWeight = faultKinds.length > 0 ? (mix.faults ?? 2) : 0;
  const aimsAtUpstreams =
    mix.upstreamLinks ??
    (context.capabilities === undefined || context.capabilities.includes(FEEDS_CAPABILITIES.upstreamLinks));
  const canConfigure =
    mix.configure === true &&
    (context.capabilities === undefined || context.capabilities.includes(FEEDS_CAPABILITIES.proxyConfig));
  const draft: fc.Arbitrary<Draft> = fc.oneof(
    {
      weight: mix.subscribe ?? 3,
      arbitrary: fc
        .record({
          client: subscriberArb,
          channel: fc.constantFrom('newHeads' as const, 'logs' as const),
          filter: logFilterArb,
        })
        .map((d) => ({ kind: 'subscribe' as const, ...d })),
    },
    {
      weight: mix.unsubscribe ?? 1,
      arbitrary: fc
        .record({ client: subscriberArb, pick: fc.nat(7) })
        .map((d) => ({ kind: 'unsubscribe' as const, ...d })),
    },
    { weight: mix.call ?? 4, arbitrary: callArb(mix.badCalls ?? 1) },
    {
      weight: upstreamWeight,
      arbitrary: controlArb(
        controls.length > 0 ? controls : ['kill'],
        base.upstreams,
        base.maxReorgDepth,
      ).map((control) => ({ kind: 'upstream' as const, control })),
    },
    {
      weight: faultWeight,
      arbitrary: faultArb(
        faultKinds.length > 0 ? faultKinds : ['frame.drop'],
        mix.directions ?? ['from_target', 'to_target'],
        aimsAtUpstreams ? base.upstreams : 0,
      ),
    },
  );
  const max = Math.max(1, context.maxActions - (canConfigure ? 1 : 0));
  return fc
    .record({
      pace: paceArb,
      config: canConfigure
        ? configArb.map((c) => c as Partial<FeedsConfig> | undefined)
        : fc.constant(undefined),
      drafts: fc.array(draft, { minLength: Math.min(max, Math.max(1, mix.minActions ?? 1)), maxLength: max }),
    })
    .map(({ pace, config, drafts }) => build(pace, config, drafts));
}

function build(
  pace: Pace,
  config: Partial<FeedsConfig> | undefined,
  drafts: readonly Draft[],
): FeedsAction[] {
  const out: FeedsAction[] = [];
  if (config !== undefined) {
    const configure: ConfigureAction = { kind: 'configure', client: OPERATOR, gapMs: 0, config };
    out.push(configure);
  }
  const tags = new Map<FeedsSubscriber, string[]>();
  drafts.forEach((d, index) => {
    const gapMs = gapAt(pace, index);
    switch (d.kind) {
      case 'subscribe': {
        const tag = `s${index}`;
        const list = tags.get(d.client) ?? [];
        list.push(tag);
        tags.set(d.client, list);
        const action: SubscribeAction = {
          kind: 'subscribe',
          client: d.client,
          gapMs,
          channel: d.channel,
          tag,
          ...(d.channel === 'logs' && d.filter !== undefined ? { filter: d.filter } : {}),
        };
        out.push(action);
        return;
      }
      case 'unsubscribe': {
        const list = tags.get(d.client) ?? [];
        // Mostly one of its own live subscriptions; with none, a tag it never made.
        const tag = list.length > 0 ? list.splice(d.pick % list.length, 1)[0] : `none${index}`;
        out.push({ kind: 'unsubscribe', client: d.client, gapMs, tag });
        return;
      }
      case 'call':
        out.push({ ...d.call, gapMs, ...(d.bad ? { expectRefusal: true } : {}) } as CallAction);
        return;
      case 'upstream': {
        const action: UpstreamAction = { kind: 'upstream', client: OPERATOR, gapMs, control: d.control };
        out.push(action);
        return;
      }
      case 'fault': {
        const action: FaultAction = { kind: 'fault', client: d.client, gapMs, fault: d.fault };
        out.push(action);
        return;
      }
    }
  });
  return out;
}
