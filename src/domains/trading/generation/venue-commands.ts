import fc from 'fast-check';
import type { Side } from '../protocol/exchange-input.ts';
import { TRADERS, type Trader } from '../trading-action.ts';
import {
  type PriceChoice,
  type QtyChoice,
  resolvePrice,
  resolveQty,
  validPriceChoiceArb,
  validQtyChoiceArb,
} from './boundary-values.ts';
import { placeAction } from './command-parts.ts';
import { fundingEdge } from './funding.ts';
import { priceAt, qtyAt } from './instrument-grid.ts';
import { recordOf } from './mapped-tuple.ts';
import {
  gapArb,
  passiveTicks,
  resolveSymbol,
  type SymbolChoice,
  sandboxSymbolArb,
  sideArb,
  traderArb,
} from './order-fields.ts';
import { chooseTarget, pickArb, pickFrom, type TargetChoice, targetChoiceArb } from './order-targets.ts';
import { type Emit, keepMaskArb, PlanCommand } from './plan-command.ts';
import type { TradingModel } from './trading-model.ts';
import { weightedConstants } from './weighted-constants.ts';

/**
 * Commands that reach the rest of the venue's surface: the admin's halt, resume and reset,
 * order status queries, marks the venue must refuse, malformed requests and unknown symbols, and
 * orders sized to the funding edge (the largest size the trader can afford, which leaves
 * `available` at zero when the numbers divide, and one lot more). Each reads the venue's config
 * through the model: its instruments, ticks, lots, multipliers, bands, accounts and limits.
 */

interface Keep {
  keep: boolean[];
}

// ------------------------------------------------------------------ halt and resume

export interface HaltParams extends Keep {
  symbol: SymbolChoice;
  /** Halt every instrument (a halt without a symbol), not one. */
  all: boolean;
  trader: Trader;
  side: Side;
  price: PriceChoice;
  qty: QtyChoice;
  /** Pick of a live order to cancel while halted (cancels still work). */
  pick: number;
  gapMs: number;
}

/**
 * A halt window: the admin halts a symbol (or all), a trader tries to place on it (refused
 * `halted`) and cancels a resting order (allowed while halted), then the admin resumes. The
 * shrinker may drop any part, the resume included (the rest of the run is then halted).
 */
export class HaltResumeCommand extends PlanCommand {
  constructor(private readonly p: HaltParams) {
    super('halt_resume', 4, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const symbol = resolveSymbol(model, this.p.symbol);
    const scope = this.p.all ? {} : { symbol };
    emit({ kind: 'halt', client: 'admin', gapMs: this.p.gapMs, ...scope });
    const grid = model.grid(symbol);
    emit({
      ...placeAction({
        client: this.p.trader,
        gapMs: 0,
        symbol,
        side: this.p.side,
        kind: { orderType: 'limit', tif: 'gtc' },
        price: resolvePrice(grid, model.mark(symbol), this.p.price),
        qty: resolveQty(grid, this.p.qty),
        clientOrderId: model.nextClientOrderId(),
      }),
      // Refused `halted`, unless the shrinker dropped the halt.
      ...(model.halted.has(symbol) ? { expectRefusal: true } : {}),
    });
    const resting = pickFrom(
      model.liveOrders().filter((o) => o.symbol === symbol),
      this.p.pick,
    );
    if (resting)
      emit({
        kind: 'cancel',
        client: resting.client,
        gapMs: 0,
        target: { step: resting.step, clientOrderId: resting.clientOrderId, byOrderId: false },
      });
    emit({ kind: 'resume_trading', client: 'admin', gapMs: 1, ...scope });
  }
}

export const haltResumeCommandArb: fc.Arbitrary<PlanCommand> = recordOf(
  [
    sandboxSymbolArb,
    weightedConstants([
      { weight: 3, value: false },
      { weight: 1, value: true },
    ]),
    traderArb,
    sideArb,
    validPriceChoiceArb,
    validQtyChoiceArb,
    pickArb,
    gapArb,
    keepMaskArb(4),
  ],
  ([symbol, all, trader, side, price, qty, pick, gapMs, keep]) =>
    new HaltResumeCommand({ symbol, all, trader, side, price, qty, pick, gapMs, keep }),
);

// ------------------------------------------------------------------ reset

/** The admin resets the venue: every order dropped and forgotten, cash, positions and marks as configured. */
export class ResetCommand extends PlanCommand {
  constructor(private readonly p: Keep & { gapMs: number }) {
    super('reset', 1, p.keep);
  }

  /** Only once something happened: a reset of a fresh venue shows nothing. */
  protected override ready(model: Readonly<TradingModel>): boolean {
    return model.orders.some((o) => o.accepted && !o.forgotten);
  }

  protected build(_model: TradingModel, emit: Emit): void {
    emit({ kind: 'reset', client: 'admin', gapMs: this.p.gapMs });
  }
}

export const resetCommandArb: fc.Arbitrary<PlanCommand> = recordOf(
  [gapArb, keepMaskArb(1)],
  ([gapMs, keep]) => new ResetCommand({ gapMs, keep }),
);

// ------------------------------------------------------------------ status

/** A status query: mostly an own order (live or finished), sometimes another trader's or one never placed. */
export class StatusCommand extends PlanCommand {
  constructor(private readonly p: Keep & { target: TargetChoice; gapMs: number }) {
    super('status', 1, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const { client, target } = chooseTarget(model, this.p.target);
    emit({ kind: 'status', client, gapMs: this.p.gapMs, target });
  }
}

export const statusCommandArb: fc.Arbitrary<PlanCommand> = recordOf(
  [targetChoiceArb, gapArb, keepMaskArb(1)],
  ([target, gapMs, keep]) => new StatusCommand({ target, gapMs, keep }),
);

// ------------------------------------------------------------------ marks the venue must refuse

export const BAD_MARKS = ['zero', 'negative', 'not-a-number', 'null', 'off-tick', 'over-ten-times'] as const;
export type BadMark = (typeof BAD_MARKS)[number];

/** The admin sends a mark the venue must refuse: zero, negative, not a number, off the tick, too high. */
export class BadMarkCommand extends PlanCommand {
  constructor(private readonly p: Keep & { symbol: SymbolChoice; mark: BadMark; gapMs: number }) {
    super('bad_mark', 1, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const symbol = resolveSymbol(model, this.p.symbol);
    const grid = model.grid(symbol);
    const mark = model.mark(symbol);
    const price = ((): unknown => {
      switch (this.p.mark) {
        case 'zero':
          return 0;
        case 'negative':
          return -priceAt(grid, mark);
        case 'not-a-number':
          return 'abc';
        case 'null':
          return null;
        case 'off-tick':
          return Number((priceAt(grid, mark) + grid.config.tickSize / 2).toFixed(grid.priceDecimals + 1));
        case 'over-ten-times':
          return priceAt(grid, grid.markTicks * 10 + 1);
      }
    })();
    emit({ kind: 'set_mark', client: 'admin', gapMs: this.p.gapMs, symbol, price, expectRefusal: true });
  }
}

export const badMarkCommandArb: fc.Arbitrary<PlanCommand> = recordOf(
  [sandboxSymbolArb, fc.constantFrom(...BAD_MARKS), gapArb, keepMaskArb(1)],
  ([symbol, mark, gapMs, keep]) => new BadMarkCommand({ symbol, mark, gapMs, keep }),
);

// ------------------------------------------------------------------ malformed requests

export const MALFORMED = [
  'place-without-symbol',
  'place-without-side',
  'place-without-client-order-id',
  'place-side-a-number',
  'place-symbol-a-number',
  'place-client-order-id-a-number',
  'place-tif-unknown',
  'cancel-naming-nothing',
  'cancel-order-id-a-number',
  'status-client-order-id-a-number',
  'unknown-type',
  'type-missing',
] as const;
export type Malformed = (typeof MALFORMED)[number];

/**
 * A request a broken client sends: a required field missing, a field of the wrong type, an
 * unknown type. Built from a sound place of the moment, so that only the broken field is wrong.
 */
export class MalformedCommand extends PlanCommand {
  constructor(
    private readonly p: Keep & {
      trader: Trader;
      symbol: SymbolChoice;
      side: Side;
      what: Malformed;
      gapMs: number;
    },
  ) {
    super('malformed', 1, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const symbol = resolveSymbol(model, this.p.symbol);
    const grid = model.grid(symbol);
    const place: Record<string, unknown> = {
      type: 'place',
      symbol,
      side: this.p.side,
      orderType: 'limit',
      price: priceAt(grid, passiveTicks(model, symbol, this.p.side, 1)),
      qty: qtyAt(grid, grid.minLots),
      clientOrderId: model.nextClientOrderId(),
    };
    const without = (field: string): Record<string, unknown> => {
      const { [field]: _gone, ...rest } = place;
      return rest;
    };
    const request = ((): Record<string, unknown> => {
      switch (this.p.what) {
        case 'place-without-symbol':
          return without('symbol');
        case 'place-without-side':
          return without('side');
        case 'place-without-client-order-id':
          return without('clientOrderId');
        case 'place-side-a-number':
          return { ...place, side: 1 };
        case 'place-symbol-a-number':
          return { ...place, symbol: 42 };
        case 'place-client-order-id-a-number':
          return { ...place, clientOrderId: 7 };
        case 'place-tif-unknown':
          return { ...place, tif: 'day' };
        case 'cancel-naming-nothing':
          return { type: 'cancel' };
        case 'cancel-order-id-a-number':
          return { type: 'cancel', orderId: 1 };
        case 'status-client-order-id-a-number':
          return { type: 'status', clientOrderId: 3 };
        case 'unknown-type':
          return { ...place, type: 'teleport' };
        case 'type-missing':
          return without('type');
      }
    })();
    emit({ kind: 'malformed', client: this.p.trader, gapMs: this.p.gapMs, request, expectRefusal: true });
  }
}

export const malformedCommandArb: fc.Arbitrary<PlanCommand> = recordOf(
  [traderArb, sandboxSymbolArb, sideArb, fc.constantFrom(...MALFORMED), gapArb, keepMaskArb(1)],
  ([trader, symbol, side, what, gapMs, keep]) =>
    new MalformedCommand({ trader, symbol, side, what, gapMs, keep }),
);

/** An order for a symbol the venue does not list (refused `unknown_symbol`), sound in every other field. */
export class UnknownSymbolCommand extends PlanCommand {
  constructor(private readonly p: Keep & { trader: Trader; side: Side; variant: number; gapMs: number }) {
    super('unknown_symbol', 1, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const known = model.sandboxSymbols[this.p.variant % model.sandboxSymbols.length];
    const grid = model.grid(known);
    // A near miss of a listed symbol, or one the sandbox could have: neither is listed.
    const names = [`${known}X`, `${model.config.sandboxPrefix}NOPE-USD`, known.toLowerCase()];
    const named = names[this.p.variant % names.length];
    const symbol = model.grids.has(named) ? `${known}-UNLISTED` : named;
    emit({
      ...placeAction({
        client: this.p.trader,
        gapMs: this.p.gapMs,
        symbol,
        side: this.p.side,
        kind: { orderType: 'limit', tif: 'gtc' },
        price: priceAt(grid, model.mark(known)),
        qty: qtyAt(grid, grid.minLots),
        clientOrderId: model.nextClientOrderId(),
      }),
      expectRefusal: true,
    });
  }
}

export const unknownSymbolCommandArb: fc.Arbitrary<PlanCommand> = recordOf(
  [traderArb, sideArb, fc.nat(8), gapArb, keepMaskArb(1)],
  ([trader, side, variant, gapMs, keep]) => new UnknownSymbolCommand({ trader, side, variant, gapMs, keep }),
);

// ------------------------------------------------------------------ the funding edge

/** `edge`: the largest size the trader can afford; `over`: one lot more, which must be refused. */
export type EdgeSize = 'edge' | 'over';

export interface FundEdgeParams extends Keep {
  trader: number;
  symbol: SymbolChoice;
  side: Side;
  size: EdgeSize;
  /** Ticks behind the touch, so the order rests and holds its reserve. */
  offset: number;
  gapMs: number;
}

/**
 * An order sized to the funding edge, computed from the model's balances and reserves on the lot
 * grid (funding.ts): the largest size the venue's margin rule, maxPosition and maxQty allow, or
 * one lot more. Where the numbers divide, the edge leaves `available` at exactly zero. Traders
 * with the least leverage come first: their cash binds before the instrument's limits do.
 */
export class FundEdgeCommand extends PlanCommand {
  constructor(private readonly p: FundEdgeParams) {
    super('fund_edge', 1, p.keep);
  }

  protected build(model: TradingModel, emit: Emit): void {
    const leverage = (t: Trader) => model.config.accounts.find((a) => a.id === t)?.leverage ?? 1;
    const traders = [...TRADERS].sort((a, b) => leverage(a) - leverage(b));
    // Half the time the least leveraged trader, else any.
    const trader = this.p.trader % 2 === 0 ? traders[0] : traders[(this.p.trader >> 1) % traders.length];
    const symbol = resolveSymbol(model, this.p.symbol);
    const grid = model.grid(symbol);
    const edge = fundingEdge(model, trader, grid, this.p.side);
    const lots = edge === undefined ? grid.minLots : this.p.size === 'edge' ? edge.lots : edge.lots + 1;
    const refused = edge === undefined || this.p.size === 'over' || model.halted.has(symbol);
    emit({
      ...placeAction({
        client: trader,
        gapMs: this.p.gapMs,
        symbol,
        side: this.p.side,
        kind: { orderType: 'limit', tif: 'gtc' },
        price: priceAt(grid, passiveTicks(model, symbol, this.p.side, this.p.offset)),
        qty: qtyAt(grid, lots),
        clientOrderId: model.nextClientOrderId(),
      }),
      ...(refused ? { expectRefusal: true } : {}),
    });
  }
}

export const fundEdgeCommandArb: fc.Arbitrary<PlanCommand> = recordOf(
  [
    fc.nat(99),
    sandboxSymbolArb,
    sideArb,
    weightedConstants<EdgeSize>([
      { weight: 3, value: 'edge' },
      { weight: 1, value: 'over' },
    ]),
    fc.nat(3),
    gapArb,
    keepMaskArb(1),
  ],
  ([trader, symbol, side, size, offset, gapMs, keep]) =>
    new FundEdgeCommand({ trader, symbol, side, size, offset, gapMs, keep }),
);
