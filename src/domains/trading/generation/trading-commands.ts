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
import { leanArray } from './lean-array.ts';
import { leanOneof } from './lean-oneof.ts';
import { mappedTuple, recordOf } from './mapped-tuple.ts';
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
const extraLotsArb = leanOneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 50 }) },
);

const COMMAND_ARBS: { [K in TradingCommandKind]: fc.Arbitrary<PlanCommand> } = {
  place: recordOf(
    [
      traderArb,
      symbolChoiceArb,
      sideArb,
      orderKindArb,
      priceChoiceArb,
      qtyChoiceArb,
      stpArb,
      gapArb,
      keepMaskArb(1),
    ],
    ([trader, symbol, side, kind, price, qty, stp, gapMs, keep]) =>
      new PlaceCommand({ trader, symbol, side, kind, price, qty, stp, gapMs, keep }),
  ),
  cancel: recordOf(
    [targetChoiceArb, gapArb, keepMaskArb(1)],
    ([target, gapMs, keep]) => new CancelCommand({ target, gapMs, keep }),
  ),
  replace: recordOf(
    [targetChoiceArb, replaceEditArb, gapArb, keepMaskArb(1)],
    ([target, edit, gapMs, keep]) => new ReplaceCommand({ target, edit, gapMs, keep }),
  ),
  flip: recordOf(
    [restingSeedArb, byOrderIdArb, gapArb, keepMaskArb(2)],
    ([seed, byOrderId, gapMs, keep]) => new FlipCommand({ seed, byOrderId, gapMs, keep }),
  ),
  competing_cancels: recordOf(
    [pickArb, restingSeedArb, fc.boolean(), fc.boolean(), gapArb, keepMaskArb(3)],
    ([pick, seed, firstById, secondById, gapMs, keep]) =>
      new CompetingCancelsCommand({ pick, seed, firstById, secondById, gapMs, keep }),
  ),
  cancel_race: recordOf(
    [
      pickArb,
      restingSeedArb,
      pickArb,
      takerKindArb,
      shareArb,
      extraLotsArb,
      byOrderIdArb,
      gapArb,
      keepMaskArb(3),
    ],
    ([pick, seed, takerPick, takerKind, share, extraLots, byOrderId, gapMs, keep]) =>
      new CancelRaceCommand({ pick, seed, takerPick, takerKind, share, extraLots, byOrderId, gapMs, keep }),
  ),
  storm: recordOf(
    [
      pickArb,
      restingSeedArb,
      leanArray(replaceEditArb, { minLength: 2, maxLength: MAX_STORM_EDITS }),
      byOrderIdArb,
      gapArb,
      keepMaskArb(MAX_STORM_EDITS + 1),
    ],
    ([pick, seed, edits, byOrderId, gapMs, keep]) =>
      new StormCommand({ pick, seed, edits, byOrderId, gapMs, keep }),
  ),
  requeue: recordOf(
    [
      restingSeedArb,
      pickArb,
      fc.integer({ min: 1, max: 3 }),
      validQtyChoiceArb,
      fc.constantFrom<OrderKind>({ orderType: 'limit', tif: 'ioc' }, { orderType: 'market', tif: 'ioc' }),
      byOrderIdArb,
      gapArb,
      keepMaskArb(4),
    ],
    ([seed, otherPick, depth, secondQty, takerKind, byOrderId, gapMs, keep]) =>
      new RequeueCommand({ seed, otherPick, depth, secondQty, takerKind, byOrderId, gapMs, keep }),
  ),
  sweep: recordOf(
    [
      sandboxSymbolArb,
      sideArb,
      traderArb,
      takerKindArb,
      leanArray(
        recordOf(
          [pickArb, fc.integer({ min: 0, max: 2 }), validQtyChoiceArb],
          ([makerPick, stepTicks, qty]) => ({ makerPick, stepTicks, qty }),
        ),
        { minLength: 1, maxLength: MAX_SWEEP_LEVELS },
      ),
      extraLotsArb,
      gapArb,
      keepMaskArb(MAX_SWEEP_LEVELS + 1),
    ],
    ([symbol, takerSide, taker, takerKind, levels, extraLots, gapMs, keep]) =>
      new SweepCommand({ symbol, takerSide, taker, takerKind, levels, extraLots, gapMs, keep }),
  ),
  self_trade: recordOf(
    [
      fc.boolean(),
      pickArb,
      restingSeedArb,
      everyStpArb,
      takerKindArb,
      shareArb,
      extraLotsArb,
      gapArb,
      keepMaskArb(2),
    ],
    ([reuse, pick, seed, stp, crossKind, share, extraLots, gapMs, keep]) =>
      new SelfTradeCommand({ reuse, pick, seed, stp, crossKind, share, extraLots, gapMs, keep }),
  ),
  duplicate_id: recordOf(
    [
      pickArb,
      restingSeedArb,
      fc.boolean(),
      sideArb,
      orderKindArb,
      priceChoiceArb,
      qtyChoiceArb,
      gapArb,
      keepMaskArb(2),
    ],
    ([pick, seed, retry, side, kind, price, qty, gapMs, keep]) =>
      new DuplicateIdCommand({ pick, seed, retry, side, kind, price, qty, gapMs, keep }),
  ),
  foreign: recordOf(
    [pickArb, pickArb, fc.boolean(), fc.boolean(), replaceEditArb, gapArb, keepMaskArb(1)],
    ([pick, otherPick, replace, byOrderId, edit, gapMs, keep]) =>
      new ForeignCommand({ pick, otherPick, replace, byOrderId, edit, gapMs, keep }),
  ),
  cancel_all: recordOf(
    [
      pickArb,
      fc.constantFrom<CancelAllScope>('all', 'own-symbol', 'any-symbol'),
      symbolChoiceArb,
      gapArb,
      keepMaskArb(1),
    ],
    ([pick, scope, symbol, gapMs, keep]) => new CancelAllCommand({ pick, scope, symbol, gapMs, keep }),
  ),
  set_mark: recordOf(
    [
      sandboxSymbolArb,
      fc.integer({ min: 1, max: 6 }),
      fc.constantFrom<MarkDirection>('up', 'down', 'against-position', 'away-from-orders'),
      gapArb,
      keepMaskArb(1),
    ],
    ([symbol, pct, direction, gapMs, keep]) => new SetMarkCommand({ symbol, pct, direction, gapMs, keep }),
  ),
  reconnect: recordOf(
    [pickArb, fc.constantFrom<'resync' | 'resume'>('resync', 'resume'), gapArb, keepMaskArb(1)],
    ([pick, mode, gapMs, keep]) => new ReconnectCommand({ pick, mode, gapMs, keep }),
  ),
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
  return mappedTuple([leanOneof(...entries), spellingsArb], ([command, spellings]) =>
    command.withSpellings(spellings),
  );
}
