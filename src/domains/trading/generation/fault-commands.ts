import fc from 'fast-check';
import type { Fault, FaultAction, FaultKind, FrameDirection } from '../../../core/faults/fault.ts';
import type { Trader, TradingAction } from '../trading-action.ts';
import { liveOrSeed, type RestingSeed, restingSeedArb } from './command-parts.ts';
import { crossing, type FillShare, shareOf } from './composite-commands.ts';
import { leanOneof } from './lean-oneof.ts';
import { recordOf } from './mapped-tuple.ts';
import { gapArb, type OrderKind, takerKindArb, traderArb } from './order-fields.ts';
import { otherTrader, pickArb } from './order-targets.ts';
import { type Emit, keepMaskArb, PlanCommand } from './plan-command.ts';
import type { TradingModel } from './trading-model.ts';

/**
 * Every number a fault of any kind may need, drawn together so that one record shrinks as a
 * whole; build() keeps the fields its kind uses. Ranges are in (virtual) ms, sized against the
 * default request timeout (1 s): some delays and pauses outlast it on purpose, to make the
 * client retry a request that in fact went through.
 */
export interface FaultNumbers {
  direction: FrameDirection;
  count: number;
  delayMs: number;
  jitterMs: number;
  holdFor: number;
  seed: number;
  downMs: number;
  times: number;
  intervalMs: number;
  nth: number;
  every: number | undefined;
  retryAfterMs: number;
  afterEffect: boolean;
  processDownMs: number;
  jumpMs: number;
}

export const faultNumbersArb: fc.Arbitrary<FaultNumbers> = recordOf(
  [
    fc.constantFrom<FrameDirection>('from_target', 'to_target'),
    fc.integer({ min: 1, max: 4 }),
    leanOneof(
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }) },
      { weight: 1, arbitrary: fc.integer({ min: 400, max: 1_500 }) },
    ),
    fc.integer({ min: 0, max: 40 }),
    fc.integer({ min: 1, max: 3 }),
    fc.nat(1_000_000),
    leanOneof(
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 10, max: 400 }) },
    ),
    fc.integer({ min: 2, max: 4 }),
    fc.integer({ min: 5, max: 200 }),
    fc.integer({ min: 1, max: 3 }),
    fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    fc.integer({ min: 5, max: 300 }),
    fc.boolean(),
    fc.integer({ min: 10, max: 600 }),
    leanOneof(
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 2_000 }) },
      { weight: 1, arbitrary: fc.constant(3_600_000) },
    ),
  ],
  ([
    direction,
    count,
    delayMs,
    jitterMs,
    holdFor,
    seed,
    downMs,
    times,
    intervalMs,
    nth,
    every,
    retryAfterMs,
    afterEffect,
    processDownMs,
    jumpMs,
  ]) => ({
    direction,
    count,
    delayMs,
    jitterMs,
    holdFor,
    seed,
    downMs,
    times,
    intervalMs,
    nth,
    every,
    retryAfterMs,
    afterEffect,
    processDownMs,
    jumpMs,
  }),
);

/** The fault of `kind` made from the drawn numbers. */
export function buildFault(kind: FaultKind, n: FaultNumbers): Fault {
  const [type, effect] = kind.split('.') as [Fault['type'], string];
  switch (type) {
    case 'frame':
      return {
        type,
        effect: effect as Extract<Fault, { type: 'frame' }>['effect'],
        direction: n.direction,
        count: n.count,
        ...(effect === 'delay' ? { delayMs: n.delayMs, jitterMs: n.jitterMs } : {}),
        ...(effect === 'reorder' ? { holdFor: n.holdFor } : {}),
        ...(effect === 'delay' || effect === 'truncate' || effect === 'garble' ? { seed: n.seed } : {}),
      };
    case 'connection':
      return {
        type,
        effect: effect as Extract<Fault, { type: 'connection' }>['effect'],
        downMs: n.downMs,
        ...(effect === 'flap' ? { times: n.times, intervalMs: n.intervalMs } : {}),
      };
    case 'response':
      return {
        type,
        effect: effect as Extract<Fault, { type: 'response' }>['effect'],
        nth: n.nth,
        count: n.every === undefined ? 1 : n.count,
        ...(n.every === undefined ? {} : { every: n.every }),
        ...(effect === 'reject_429' ? { retryAfterMs: n.retryAfterMs } : { afterEffect: n.afterEffect }),
      };
    case 'process':
      return {
        type,
        effect: effect as Extract<Fault, { type: 'process' }>['effect'],
        downMs: n.processDownMs,
      };
    case 'clock':
      return { type, effect: 'jump', ms: n.jumpMs };
  }
}

/** Link faults hit a trader; process and clock faults hit the venue, recorded under 'venue'. */
const VENUE = 'venue';

/**
 * One fault at a trader's link or at the venue. Its kind is drawn among the enabled kinds this
 * run has sent least so far, like cards dealt from a deck: a run with k faults hits k different
 * kinds, so every kind fires early in a campaign instead of whenever chance allows.
 */
export class FaultCommand extends PlanCommand {
  constructor(private readonly p: NemesisEntry & { kinds: readonly FaultKind[]; keep: boolean[] }) {
    super('fault', 1, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    emit(dealFault(model, this.p.kinds, this.p.pick, this.p.trader, this.p.numbers, this.p.gapMs));
  }
}

/** The fault of a kind this run has sent least so far (ties broken by `pick`). */
function dealFault(
  model: TradingModel,
  kinds: readonly FaultKind[],
  pick: number,
  trader: Trader,
  numbers: FaultNumbers,
  gapMs: number,
): FaultAction {
  const fewest = Math.min(...kinds.map((k) => model.faultsSent.get(k) ?? 0));
  const candidates = kinds.filter((k) => (model.faultsSent.get(k) ?? 0) === fewest);
  const fault = buildFault(candidates[pick % candidates.length], numbers);
  const client = fault.type === 'process' || fault.type === 'clock' ? VENUE : trader;
  return { kind: 'fault', client, gapMs, fault };
}

/** One fault of a background schedule (Jepsen's nemesis): drawn apart from the commands. */
export interface NemesisEntry {
  pick: number;
  trader: Trader;
  numbers: FaultNumbers;
  gapMs: number;
}

export const nemesisEntryArb: fc.Arbitrary<NemesisEntry> = recordOf(
  [fc.nat(999), traderArb, faultNumbersArb, gapArb],
  ([pick, trader, numbers, gapMs]) => ({ pick, trader, numbers, gapMs }),
);

/**
 * A background schedule: after every `every` actions the next entry becomes a fault, sent
 * through the model like any action (so step numbers stay right). The entries are their own
 * array, so the shrinker can drop them apart from the commands.
 */
export function nemesis(
  kinds: readonly FaultKind[],
  every: number,
  entries: readonly NemesisEntry[],
  plan: { actions: TradingAction[] },
): (model: TradingModel) => void {
  let next = 0;
  let dueAt = every;
  return (model) => {
    while (next < entries.length && model.steps >= dueAt && model.room > 0) {
      const e = entries[next++];
      const action = dealFault(model, kinds, e.pick, e.trader, e.numbers, e.gapMs);
      plan.actions.push(action);
      model.apply(action);
      dueAt += every;
    }
  };
}

/**
 * The ghost fill: a trader's link is cut while its order rests, another trader fills that
 * order, and the trader must find the fill when it comes back (its reconnect catches up).
 */
export class OfflineFillCommand extends PlanCommand {
  constructor(
    private readonly p: {
      cut: 'half_open' | 'close' | 'reset';
      downMs: number;
      pick: number;
      seed: RestingSeed;
      takerPick: number;
      takerKind: OrderKind;
      share: FillShare;
      gapMs: number;
      fillGapMs: number;
      keep: boolean[];
    },
  ) {
    super('offline_fill', 3, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const { anchor, gapMs } = liveOrSeed(model, emit, this.p.pick, this.p.seed, this.p.gapMs);
    emit({
      kind: 'fault',
      client: anchor.client,
      gapMs,
      fault: { type: 'connection', effect: this.p.cut, downMs: this.p.downMs },
    });
    const taker = otherTrader(anchor.client, this.p.takerPick);
    emit(
      crossing(model, anchor, taker, this.p.takerKind, shareOf(anchor, this.p.share, 0), this.p.fillGapMs),
    );
  }
}

/** Faults of the enabled kinds, plus the ghost-fill scenario when connection cuts are enabled. */
export function faultCommandArb(kinds: readonly FaultKind[]): fc.Arbitrary<PlanCommand> {
  if (kinds.length === 0) throw new Error('faultCommandArb: no fault kind enabled');
  const single = recordOf(
    [fc.constant(kinds), fc.nat(999), traderArb, faultNumbersArb, gapArb, keepMaskArb(1)],
    ([kinds, pick, trader, numbers, gapMs, keep]) =>
      new FaultCommand({ kinds, pick, trader, numbers, gapMs, keep }),
  );
  const cuts = kinds.filter(
    (k): k is 'connection.half_open' | 'connection.close' | 'connection.reset' =>
      k === 'connection.half_open' || k === 'connection.close' || k === 'connection.reset',
  );
  if (cuts.length === 0) return single;
  const offline = recordOf(
    [
      fc.constantFrom(...cuts.map((k) => k.slice('connection.'.length) as 'half_open' | 'close' | 'reset')),
      fc.integer({ min: 0, max: 300 }),
      pickArb,
      restingSeedArb,
      pickArb,
      takerKindArb,
      fc.constantFrom<FillShare>('all', 'part'),
      gapArb,
      fc.integer({ min: 1, max: 30 }),
      keepMaskArb(3),
    ],
    ([cut, downMs, pick, seed, takerPick, takerKind, share, gapMs, fillGapMs, keep]) =>
      new OfflineFillCommand({
        cut,
        downMs,
        pick,
        seed,
        takerPick,
        takerKind,
        share,
        gapMs,
        fillGapMs,
        keep,
      }),
  );
  return leanOneof<PlanCommand>({ arbitrary: single, weight: 3 }, { arbitrary: offline, weight: 1 });
}
