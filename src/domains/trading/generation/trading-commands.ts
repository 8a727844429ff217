import fc from 'fast-check';
import { priceChoiceArb, qtyChoiceArb, validQtyChoiceArb } from './boundary-values.ts';
import { restingSeedArb } from './command-parts.ts';
import {
  CancelRaceCommand,
  CompetingCancelsCommand,
  DuplicateIdCommand,
  type FillShare,
  FlipCommand,
  RequeueCommand,
  SelfTradeCommand,
  StormCommand,
  SweepCommand,
} from './composite-commands.ts';
import { spellingsArb } from './number-spellings.ts';
import {
  everyStpArb,
  gapArb,
  type OrderKind,
  orderKindArb,
  sandboxSymbolArb,
  sideArb,
  stpArb,
  symbolChoiceArb,
  takerKindArb,
  traderArb,
} from './order-fields.ts';
import { byOrderIdArb, pickArb, targetChoiceArb } from './order-targets.ts';
import { keepMaskArb, type PlanCommand } from './plan-command.ts';
import { replaceEditArb } from './replace-edits.ts';
import {
  CancelAllCommand,
  type CancelAllScope,
  CancelCommand,
  ForeignCommand,
  type MarkDirection,
  PlaceCommand,
  ReconnectCommand,
  ReplaceCommand,
  SetMarkCommand,
} from './single-commands.ts';
import { stopCancelCommandArb, stopCommandArb, stopCrossCommandArb } from './stop-commands.ts';
import {
  badMarkCommandArb,
  fundEdgeCommandArb,
  haltResumeCommandArb,
  malformedCommandArb,
  resetCommandArb,
  statusCommandArb,
  unknownSymbolCommandArb,
} from './venue-commands.ts';

/**
 * The adversarial mix: every kind of request a trader or the admin can send, plus composite
 * scenarios that set up the races and sequences the planted bugs need (a cancel racing a fill,
 * a replace storm, a requeue behind another order, a sweep through several levels, a
 * self-trade, a retried client order id...).
 */
export const TRADING_COMMAND_KINDS = [
  'place',
  'cancel',
  'replace',
  'flip',
  'competing_cancels',
  'cancel_race',
  'storm',
  'requeue',
  'sweep',
  'self_trade',
  'duplicate_id',
  'foreign',
  'cancel_all',
  'set_mark',
  'reconnect',
  'stop',
  'stop_cancel',
  'stop_cross',
  'halt_resume',
  'reset',
  'status',
  'bad_mark',
  'malformed',
  'unknown_symbol',
  'fund_edge',
] as const;
export type TradingCommandKind = (typeof TRADING_COMMAND_KINDS)[number];

export const DEFAULT_COMMAND_WEIGHTS: Readonly<Record<TradingCommandKind, number>> = {
  place: 28,
  cancel: 10,
  replace: 8,
  flip: 4,
  competing_cancels: 4,
  cancel_race: 5,
  storm: 4,
  requeue: 3,
  sweep: 6,
  self_trade: 5,
  duplicate_id: 4,
  foreign: 4,
  cancel_all: 3,
  set_mark: 5,
  reconnect: 4,
  // Stop orders only where a property asks for them (properties/trading/stop-orders.ts).
  stop: 0,
  stop_cancel: 0,
  stop_cross: 0,
  // The rest of the surface (venue-commands.ts) only where a property asks: SURFACE_COMMAND_WEIGHTS.
  halt_resume: 0,
  reset: 0,
  status: 0,
  bad_mark: 0,
  malformed: 0,
  unknown_symbol: 0,
  fund_edge: 0,
};

/**
 * The rest of the venue's surface, for the properties that mix it in (trading-venue and the
 * varied and long-lived venues): halts, resets and refused marks are rare (each changes the
 * whole venue), status queries and funding-edge orders common, malformed requests and unknown
 * symbols at a low rate.
 */
export const SURFACE_COMMAND_WEIGHTS: Readonly<Partial<Record<TradingCommandKind, number>>> = {
  halt_resume: 2,
  reset: 1,
  status: 4,
  bad_mark: 2,
  malformed: 2,
  unknown_symbol: 1,
  fund_edge: 4,
};

const MAX_STORM_EDITS = 5;
const MAX_SWEEP_LEVELS = 4;

const shareArb = fc.constantFrom<FillShare>('all', 'part', 'more');
const extraLotsArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 }));

const COMMAND_ARBS: { [K in TradingCommandKind]: fc.Arbitrary<PlanCommand> } = {
  place: fc
    .record({
      trader: traderArb,
      symbol: symbolChoiceArb,
      side: sideArb,
      kind: orderKindArb,
      price: priceChoiceArb,
      qty: qtyChoiceArb,
      stp: stpArb,
      gapMs: gapArb,
      keep: keepMaskArb(1),
    })
    .map((p) => new PlaceCommand(p)),
  cancel: fc
    .record({ target: targetChoiceArb, gapMs: gapArb, keep: keepMaskArb(1) })
    .map((p) => new CancelCommand(p)),
  replace: fc
    .record({ target: targetChoiceArb, edit: replaceEditArb, gapMs: gapArb, keep: keepMaskArb(1) })
    .map((p) => new ReplaceCommand(p)),
  flip: fc
    .record({ seed: restingSeedArb, byOrderId: byOrderIdArb, gapMs: gapArb, keep: keepMaskArb(2) })
    .map((p) => new FlipCommand(p)),
  competing_cancels: fc
    .record({
      pick: pickArb,
      seed: restingSeedArb,
      firstById: fc.boolean(),
      secondById: fc.boolean(),
      gapMs: gapArb,
      keep: keepMaskArb(3),
    })
    .map((p) => new CompetingCancelsCommand(p)),
  cancel_race: fc
    .record({
      pick: pickArb,
      seed: restingSeedArb,
      takerPick: pickArb,
      takerKind: takerKindArb,
      share: shareArb,
      extraLots: extraLotsArb,
      byOrderId: byOrderIdArb,
      gapMs: gapArb,
      keep: keepMaskArb(3),
    })
    .map((p) => new CancelRaceCommand(p)),
  storm: fc
    .record({
      pick: pickArb,
      seed: restingSeedArb,
      edits: fc.array(replaceEditArb, { minLength: 2, maxLength: MAX_STORM_EDITS }),
      byOrderId: byOrderIdArb,
      gapMs: gapArb,
      keep: keepMaskArb(MAX_STORM_EDITS + 1),
    })
    .map((p) => new StormCommand(p)),
  requeue: fc
    .record({
      seed: restingSeedArb,
      otherPick: pickArb,
      depth: fc.integer({ min: 1, max: 3 }),
      secondQty: validQtyChoiceArb,
      takerKind: fc.constantFrom<OrderKind>(
        { orderType: 'limit', tif: 'ioc' },
        { orderType: 'market', tif: 'ioc' },
      ),
      byOrderId: byOrderIdArb,
      gapMs: gapArb,
      keep: keepMaskArb(4),
    })
    .map((p) => new RequeueCommand(p)),
  sweep: fc
    .record({
      symbol: sandboxSymbolArb,
      takerSide: sideArb,
      taker: traderArb,
      takerKind: takerKindArb,
      levels: fc.array(
        fc.record({ makerPick: pickArb, stepTicks: fc.integer({ min: 0, max: 2 }), qty: validQtyChoiceArb }),
        { minLength: 1, maxLength: MAX_SWEEP_LEVELS },
      ),
      extraLots: extraLotsArb,
      gapMs: gapArb,
      keep: keepMaskArb(MAX_SWEEP_LEVELS + 1),
    })
    .map((p) => new SweepCommand(p)),
  self_trade: fc
    .record({
      reuse: fc.boolean(),
      pick: pickArb,
      seed: restingSeedArb,
      stp: everyStpArb,
      crossKind: takerKindArb,
      share: shareArb,
      extraLots: extraLotsArb,
      gapMs: gapArb,
      keep: keepMaskArb(2),
    })
    .map((p) => new SelfTradeCommand(p)),
  duplicate_id: fc
    .record({
      pick: pickArb,
      seed: restingSeedArb,
      retry: fc.boolean(),
      side: sideArb,
      kind: orderKindArb,
      price: priceChoiceArb,
      qty: qtyChoiceArb,
      gapMs: gapArb,
      keep: keepMaskArb(2),
    })
    .map((p) => new DuplicateIdCommand(p)),
  foreign: fc
    .record({
      pick: pickArb,
      otherPick: pickArb,
      replace: fc.boolean(),
      byOrderId: fc.boolean(),
      edit: replaceEditArb,
      gapMs: gapArb,
      keep: keepMaskArb(1),
    })
    .map((p) => new ForeignCommand(p)),
  cancel_all: fc
    .record({
      pick: pickArb,
      scope: fc.constantFrom<CancelAllScope>('all', 'own-symbol', 'any-symbol'),
      symbol: symbolChoiceArb,
      gapMs: gapArb,
      keep: keepMaskArb(1),
    })
    .map((p) => new CancelAllCommand(p)),
  set_mark: fc
    .record({
      symbol: sandboxSymbolArb,
      pct: fc.integer({ min: 1, max: 6 }),
      direction: fc.constantFrom<MarkDirection>('up', 'down', 'against-position', 'away-from-orders'),
      gapMs: gapArb,
      keep: keepMaskArb(1),
    })
    .map((p) => new SetMarkCommand(p)),
  reconnect: fc
    .record({
      pick: pickArb,
      mode: fc.constantFrom<'resync' | 'resume'>('resync', 'resume'),
      gapMs: gapArb,
      keep: keepMaskArb(1),
    })
    .map((p) => new ReconnectCommand(p)),
  stop: stopCommandArb,
  stop_cancel: stopCancelCommandArb,
  stop_cross: stopCrossCommandArb,
  halt_resume: haltResumeCommandArb,
  reset: resetCommandArb,
  status: statusCommandArb,
  bad_mark: badMarkCommandArb,
  malformed: malformedCommandArb,
  unknown_symbol: unknownSymbolCommandArb,
  fund_edge: fundEdgeCommandArb,
};

/** The weighted mix of commands; a weight of 0 leaves a kind out. */
export function tradingCommandArb(
  weights: Partial<Record<TradingCommandKind, number>> = {},
): fc.Arbitrary<PlanCommand> {
  const entries = TRADING_COMMAND_KINDS.map((kind) => ({
    weight: weights[kind] ?? DEFAULT_COMMAND_WEIGHTS[kind],
    arbitrary: COMMAND_ARBS[kind],
  })).filter((e) => e.weight > 0);
  if (entries.length === 0) throw new Error('tradingCommandArb: every command kind has weight 0');
  // Each command also draws how its actions spell prices and sizes (numbers unless it says).
  return fc
    .tuple(fc.oneof(...entries), spellingsArb)
    .map(([command, spellings]) => command.withSpellings(spellings));
}
