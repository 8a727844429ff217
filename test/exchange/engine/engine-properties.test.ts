import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../../../src/domains/trading/protocol/exchange-config.ts';
import type { EventEnvelope } from '../../../src/domains/trading/protocol/exchange-event.ts';
import type { ExchangeInput } from '../../../src/domains/trading/protocol/exchange-input.ts';
import type { ExchangeSnapshot } from '../../../src/domains/trading/protocol/exchange-snapshot.ts';
import { type BugName, PLANTED_BUGS } from '../../../src/exchange/bugs/planted-bugs.ts';
import { Engine } from '../../../src/exchange/engine/engine.ts';
import type { EngineOutput } from '../../../src/exchange/engine/exchange-output.ts';
import { BTC, ETH } from './engine-fixture.ts';

// ------------------------------------------------------------------ the venue, restated by hand

/** The two sandbox instruments of the default config, with their scales written out independently. */
interface Spec {
  symbol: string;
  mark0: number;
  tick: number;
  lot: number;
  maxQty: number;
  priceScale: number;
  qtyScale: number;
}
const SPECS: Spec[] = [
  {
    symbol: BTC,
    mark0: 20000,
    tick: 0.5,
    lot: 0.001,
    maxQty: 5,
    priceScale: 10,
    qtyScale: 1000,
  },
  {
    symbol: ETH,
    mark0: 1000,
    tick: 0.01,
    lot: 0.01,
    maxQty: 100,
    priceScale: 100,
    qtyScale: 100,
  },
];
const SPEC = new Map(SPECS.map((s) => [s.symbol, s]));
/** Cash decimals: the most decimals of price x qty among all instruments (BTC: 1 + 3; ETH: 2 + 2). */
const CASH_SCALE = 10_000;
const ACCOUNTS = ['maker', 'taker', 'bystander'] as const;

/**
 * The integer atoms of a decimal the engine printed, or NaN when it is not on the grid of 1/scale.
 * The engine prints atoms / scale, so a value on the grid round-trips exactly; float dust
 * (0.09999999999999996 for 0.1) does not.
 */
function atoms(x: number, scale: number): number {
  const n = Math.round(x * scale);
  return n / scale === x ? n : Number.NaN;
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? (a + b - 1n) / b : -(-a / b));
const big = (n: number): bigint => BigInt(n);

// ------------------------------------------------------------------ generators

const onGrid = (x: number, step: number): number => Math.round(x / step) * step;
/** x rounded to the grid of 1/scale, as the shortest decimal (no binary dust in the inputs). */
const clean = (x: number, scale: number): number => Math.round(x * scale) / scale;

/** Prices and quantities are drawn abstractly and placed on an instrument's grid when it is known. */
type PriceChoice = { near: number } | { spread: number } | { junk: number };
type QtyChoice = { lots: number } | { pctOfMax: number } | { junk: number };

function priceFor(s: Spec, c: PriceChoice): unknown {
  // Near the initial mark on the tick grid (these cross often); or over the band in 0.5% steps,
  // some outside it once the mark moves; or junk.
  if ('near' in c) return clean(s.mark0 + c.near * s.tick, s.priceScale);
  if ('spread' in c) return clean(onGrid(s.mark0 * (1 + c.spread / 200), s.tick), s.priceScale);
  const junk: unknown[] = [0, -s.tick, Number.NaN, 'abc', null, s.mark0 + s.tick / 2, s.mark0 * 2];
  return junk[c.junk % junk.length];
}

function qtyFor(s: Spec, c: QtyChoice): unknown {
  const lotAtoms = Math.round(s.lot * s.qtyScale);
  if ('lots' in c) return clean((c.lots * lotAtoms) / s.qtyScale, s.qtyScale);
  if ('pctOfMax' in c) return clean(onGrid((s.maxQty * c.pctOfMax) / 100, s.lot), s.qtyScale);
  const junk: unknown[] = [0, -s.lot, s.lot / 2, s.maxQty + s.lot, Number.POSITIVE_INFINITY, 'x', '1.5'];
  return junk[c.junk % junk.length];
}

const arbPriceChoice: fc.Arbitrary<PriceChoice> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -8, max: 8 }).map((near) => ({ near })) },
  { weight: 3, arbitrary: fc.integer({ min: -12, max: 12 }).map((spread) => ({ spread })) },
  { weight: 1, arbitrary: fc.nat(20).map((junk) => ({ junk })) },
);
const arbQtyChoice: fc.Arbitrary<QtyChoice> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 300 }).map((lots) => ({ lots })) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 100 }).map((pctOfMax) => ({ pctOfMax })) },
  { weight: 1, arbitrary: fc.nat(20).map((junk) => ({ junk })) },
);

const arbSpec = fc.constantFrom(...SPECS);
const arbAccount = fc.constantFrom(...ACCOUNTS);
const arbClientId = fc.integer({ min: 0, max: 19 }).map((n) => `c${n}`);
const arbOrderId = fc.integer({ min: 1, max: 30 }).map((n) => `O${n}`);

/**
 * A generated step: a concrete input, or a cancel/replace that picks the k-th open order when it
 * runs (so that cancels and replaces mostly reach live orders). Picks are resolved
 * deterministically from the engine state, so a step list always means the same input list.
 */
interface Pick {
  op: 'pick';
  replace: boolean;
  k: number;
  byClientId: boolean;
  price?: PriceChoice;
  qty?: QtyChoice;
}
type Step = ExchangeInput | Pick;

const arbPlace: fc.Arbitrary<Step> = fc
  .record({
    spec: arbSpec,
    account: arbAccount,
    side: fc.constantFrom('buy' as const, 'sell' as const),
    market: fc.nat(7).map((n) => n === 0),
    tif: fc.constantFrom('gtc', 'gtc', 'gtc', 'gtc', 'ioc', 'fok', 'post_only'),
    stp: fc.constantFrom(undefined, undefined, 'cancel_newest', 'cancel_oldest', 'cancel_both'),
    price: arbPriceChoice,
    qty: arbQtyChoice,
    clientOrderId: arbClientId,
  })
  .map((r) => {
    const tif = r.market ? (r.tif === 'fok' ? 'fok' : 'ioc') : r.tif;
    return {
      op: 'place',
      account: r.account,
      symbol: r.spec.symbol,
      side: r.side,
      type: r.market ? 'market' : 'limit',
      tif,
      ...(r.market ? {} : { price: priceFor(r.spec, r.price) }),
      qty: qtyFor(r.spec, r.qty),
      clientOrderId: r.clientOrderId,
      ...(r.stp ? { stp: r.stp } : {}),
    } as ExchangeInput;
  });

const arbRef = fc.oneof(
  arbOrderId.map((orderId) => ({ orderId })),
  arbClientId.map((clientOrderId) => ({ clientOrderId })),
);

/** Cancels and replaces with random references: unknown orders, other owners, finished orders. */
const arbBlindCancelOrReplace: fc.Arbitrary<Step> = fc
  .record({
    replace: fc.boolean(),
    spec: arbSpec,
    account: arbAccount,
    ref: arbRef,
    price: fc.option(arbPriceChoice, { nil: undefined }),
    qty: fc.option(arbQtyChoice, { nil: undefined }),
  })
  .map((r) =>
    r.replace
      ? {
          op: 'replace',
          account: r.account,
          ...r.ref,
          ...(r.price ? { price: priceFor(r.spec, r.price) } : {}),
          ...(r.qty ? { qty: qtyFor(r.spec, r.qty) } : {}),
        }
      : { op: 'cancel', account: r.account, ...r.ref },
  );

const arbPick: fc.Arbitrary<Step> = fc.record({
  op: fc.constant('pick' as const),
  replace: fc.nat(3).map((n) => n > 0),
  k: fc.nat(1000),
  byClientId: fc.boolean(),
  price: fc.option(arbPriceChoice, { nil: undefined }),
  qty: fc.option(arbQtyChoice, { nil: undefined }),
});

const arbCancelAll: fc.Arbitrary<Step> = fc
  .record({ account: arbAccount, symbol: fc.option(arbSpec, { nil: undefined }) })
  .map((r) => ({ op: 'cancel_all', account: r.account, ...(r.symbol ? { symbol: r.symbol.symbol } : {}) }));

const arbSetMark: fc.Arbitrary<Step> = arbSpec.chain((s) =>
  fc
    .oneof(
      {
        weight: 5,
        arbitrary: fc
          .integer({ min: -8, max: 8 })
          .map((k) => clean(onGrid(s.mark0 * (1 + k / 100), s.tick), s.priceScale)),
      },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(0, 'x', s.mark0 + s.tick / 2) },
    )
    .map((price) => ({ op: 'set_mark', symbol: s.symbol, price })),
);

const arbAdmin: fc.Arbitrary<Step> = fc.oneof(
  arbSpec.map((s): Step => ({ op: 'halt', symbol: s.symbol })),
  fc.constant<Step>({ op: 'resume' }),
  fc.constant<Step>({ op: 'resume' }),
  fc.constant<Step>({ op: 'reset' }),
);

const arbStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 20, arbitrary: arbPlace },
  { weight: 8, arbitrary: arbPick },
  { weight: 2, arbitrary: arbBlindCancelOrReplace },
  { weight: 2, arbitrary: arbCancelAll },
  { weight: 3, arbitrary: arbSetMark },
  { weight: 1, arbitrary: arbAdmin },
);

const arbSteps = fc.array(arbStep, { minLength: 1, maxLength: 60, size: 'max' });

/** The concrete input a step stands for, given the engine it is about to be applied to. */
function resolve(step: Step, engine: Engine): ExchangeInput {
  if (step.op !== 'pick') return step;
  const open = engine.snapshot().orders;
  if (open.length === 0) return { op: 'cancel', account: 'maker', orderId: `O${(step.k % 30) + 1}` };
  const o = open[step.k % open.length];
  const ref = step.byClientId ? { clientOrderId: o.clientOrderId } : { orderId: o.orderId };
  if (!step.replace) return { op: 'cancel', account: o.account, ...ref };
  const s = SPEC.get(o.symbol)!;
  // With neither a price nor a quantity, change the quantity: that is a replace_no_change otherwise.
  const qty = step.qty ?? (step.price ? undefined : { lots: (step.k % 50) + 1 });
  return {
    op: 'replace',
    account: o.account,
    ...ref,
    ...(step.price ? { price: priceFor(s, step.price) } : {}),
    ...(qty ? { qty: qtyFor(s, qty) } : {}),
  };
}

// ------------------------------------------------------------------ the rules, checked after every input

interface Violation {
  check: string;
  step: number;
  detail: string;
}

interface ProjectedOrder {
  account: string;
  symbol: string;
  side: 'buy' | 'sell';
  tif: string;
  price: number | null;
  qty: number;
  filled: number;
}

/**
 * Follows one engine input by input and checks its own rules against its outputs and snapshots.
 * It keeps a projection of open orders built from the account events alone, so that state that
 * changes without an event shows up too.
 */
class RuleChecker {
  private readonly lastSeq = new Map<string, number>();
  private lastTxn = 0;
  private readonly cashTotal: bigint;
  private readonly projected = new Map<string, ProjectedOrder>();
  private readonly acceptedIds = new Map<string, Set<string>>();
  private readonly leverage = new Map<string, bigint>();
  private readonly maxPosition = new Map<string, number>();
  readonly violations: Violation[] = [];
  private step = 0;

  /** Starting cash, leverage and position limits come from the config the engine was given. */
  constructor(config: ExchangeConfig) {
    this.cashTotal = config.accounts.reduce((sum, a) => sum + big(atoms(a.cash, CASH_SCALE)), 0n);
    for (const a of config.accounts) this.leverage.set(a.id, big(a.leverage));
    for (const s of SPECS) {
      const cfg = config.instruments.find((i) => i.symbol === s.symbol)!;
      this.maxPosition.set(s.symbol, Math.round(cfg.maxPosition * s.qtyScale));
    }
  }

  private fail(check: string, detail: string): void {
    this.violations.push({ check, step: this.step, detail });
  }

  after(step: number, out: EngineOutput, snap: ExchangeSnapshot): void {
    this.step = step;
    this.checkNumbering(out, snap);
    this.checkEvents(out.events, snap);
    this.checkOrders(snap);
    this.checkBooks(snap);
    this.checkLedger(snap);
  }

  /** streams.gapless and txn. */
  private checkNumbering(out: EngineOutput, snap: ExchangeSnapshot): void {
    for (const e of out.events) {
      const expected = (this.lastSeq.get(e.stream) ?? 0) + 1;
      if (e.seq !== expected) this.fail('streams.gapless', `${e.stream} seq ${e.seq}, expected ${expected}`);
      this.lastSeq.set(e.stream, e.seq);
      if (e.txn !== out.txn) this.fail('txn.shared', `event txn ${e.txn} in output ${out.txn}`);
    }
    if (out.events.length === 0) {
      if (out.txn !== 0) this.fail('txn.increments', `txn ${out.txn} without events`);
    } else {
      if (out.txn !== this.lastTxn + 1) this.fail('txn.increments', `txn ${out.txn} after ${this.lastTxn}`);
      this.lastTxn = out.txn;
    }
    for (const [stream, seq] of this.lastSeq) {
      if (snap.streams[stream] !== seq)
        this.fail('streams.gapless', `snapshot ${stream}=${snap.streams[stream]}, seen ${seq}`);
    }
  }

  /** Fills, trades, flags, idempotency and the event projection of open orders. */
  private checkEvents(events: EventEnvelope[], snap: ExchangeSnapshot): void {
    const fillsByTrade = new Map<string, { account: string; liquidity: string }[]>();
    for (const { stream, event: e } of events) {
      const account = stream.startsWith('account:') ? stream.slice('account:'.length) : '';
      switch (e.type) {
        case 'reset':
          if (account) {
            for (const [id, o] of this.projected) if (o.account === account) this.projected.delete(id);
            this.acceptedIds.delete(account);
          }
          break;
        case 'order_accepted': {
          const ids = this.acceptedIds.get(account) ?? new Set<string>();
          if (ids.has(e.clientOrderId))
            this.fail('idempotency.client-order-id', `${account} ${e.clientOrderId} accepted twice`);
          ids.add(e.clientOrderId);
          this.acceptedIds.set(account, ids);
          this.projected.set(e.orderId, {
            account,
            symbol: e.symbol,
            side: e.side,
            tif: e.tif,
            price: e.price,
            qty: e.qty,
            filled: 0,
          });
          break;
        }
        case 'fill': {
          const list = fillsByTrade.get(e.tradeId) ?? [];
          list.push({ account, liquidity: e.liquidity });
          fillsByTrade.set(e.tradeId, list);
          const o = this.projected.get(e.orderId);
          if (!o || o.account !== account) {
            this.fail('fills.pairing', `fill of ${e.orderId} on ${stream}, not that order's account`);
            break;
          }
          const s = SPEC.get(e.symbol)!;
          if (!(e.qty > 0) || e.remainingQty < 0)
            this.fail('orders.quantities', `fill ${e.orderId} qty ${e.qty} remaining ${e.remainingQty}`);
          if (Number.isNaN(atoms(e.qty, s.qtyScale)))
            this.fail('orders.quantities', `fill qty ${e.qty} off lot`);
          if (o.tif === 'post_only' && e.liquidity === 'taker')
            this.fail('orders.flags', `post-only ${e.orderId} took`);
          o.filled += e.qty;
          if (Math.abs(o.filled - e.filledQty) > 1e-9 || Math.abs(o.qty - o.filled - e.remainingQty) > 1e-9) {
            this.fail(
              'orders.quantities',
              `fill ${e.orderId}: filled ${e.filledQty}, remaining ${e.remainingQty}, qty ${o.qty}`,
            );
          }
          if (e.remainingQty <= 0) this.projected.delete(e.orderId);
          break;
        }
        case 'order_cancelled':
        case 'order_expired':
          if (e.type === 'order_expired' && e.reason === 'fok' && e.filledQty !== 0) {
            this.fail('orders.flags', `fok ${e.orderId} expired after filling ${e.filledQty}`);
          }
          this.projected.delete(e.orderId);
          break;
        case 'order_replaced': {
          const o = this.projected.get(e.orderId);
          if (!o) {
            this.fail('projection.converges', `replace of unknown ${e.orderId}`);
            break;
          }
          const keeps = e.price === o.price && e.qty <= o.qty;
          if (e.priorityKept !== keeps)
            this.fail(
              'replace.priority',
              `${e.orderId} ${o.price}/${o.qty} -> ${e.price}/${e.qty} kept=${e.priorityKept}`,
            );
          o.price = e.price;
          o.qty = e.qty;
          break;
        }
        case 'trade': {
          const inst = snap.instruments.find((i) => i.symbol === e.symbol)!;
          if (e.price < inst.bandLow || e.price > inst.bandHigh)
            this.fail('trades.within-band', `${e.symbol} trade at ${e.price}`);
          break;
        }
        default:
          break;
      }
    }
    for (const [tradeId, fills] of fillsByTrade) {
      if (fills.length !== 2 || fills[0].liquidity !== 'taker' || fills[1].liquidity !== 'maker') {
        this.fail('fills.pairing', `${tradeId}: ${JSON.stringify(fills)}`);
      } else if (fills[0].account === fills[1].account) {
        this.fail('trades.no-self-trade', `${tradeId} between ${fills[0].account} and itself`);
      }
    }
    // The projection from events must match the engine's open orders.
    const open = new Map(snap.orders.map((o) => [o.orderId, o]));
    for (const [id, p] of this.projected) {
      const o = open.get(id);
      if (!o) this.fail('projection.converges', `${id} open by the events, not in the snapshot`);
      else if (o.price !== p.price || Math.abs(o.remainingQty - (p.qty - p.filled)) > 1e-9) {
        this.fail(
          'projection.converges',
          `${id}: events ${p.price}/${p.qty - p.filled}, snapshot ${o.price}/${o.remainingQty}`,
        );
      }
    }
    for (const id of open.keys())
      if (!this.projected.has(id)) this.fail('projection.converges', `${id} open without events`);
  }

  /** orders.quantities: 0 < remaining <= qty, all on the lot grid. */
  private checkOrders(snap: ExchangeSnapshot): void {
    for (const o of snap.orders) {
      const s = SPEC.get(o.symbol);
      if (!s) continue;
      const lot = Math.round(s.lot * s.qtyScale);
      const qty = atoms(o.qty, s.qtyScale);
      const filled = atoms(o.filledQty, s.qtyScale);
      const remaining = atoms(o.remainingQty, s.qtyScale);
      const onLot = (n: number) => Number.isInteger(n) && n % lot === 0;
      if (!onLot(qty) || !onLot(filled) || !onLot(remaining)) {
        this.fail(
          'orders.quantities',
          `${o.orderId} qty ${o.qty} filled ${o.filledQty} remaining ${o.remainingQty} off lot`,
        );
        continue;
      }
      if (!(remaining > 0 && remaining <= qty && filled + remaining === qty)) {
        this.fail(
          'orders.quantities',
          `${o.orderId} qty ${o.qty} filled ${o.filledQty} remaining ${o.remainingQty}`,
        );
      }
      if (
        (filled === 0) !== (o.status === 'open') ||
        (o.status !== 'open' && o.status !== 'partially_filled')
      ) {
        this.fail('orders.status', `${o.orderId} ${o.status} with ${o.filledQty} filled`);
      }
      if (o.type !== 'limit' || o.tif === 'ioc' || o.tif === 'fok')
        this.fail('orders.flags', `${o.orderId} ${o.type}/${o.tif} rests`);
    }
  }

  /** book.not-crossed, and each level is exactly the open orders at its price. */
  private checkBooks(snap: ExchangeSnapshot): void {
    for (const book of snap.books) {
      const s = SPEC.get(book.symbol);
      if (!s) continue;
      const bid = book.bids[0]?.[0];
      const ask = book.asks[0]?.[0];
      if (bid !== undefined && ask !== undefined && bid >= ask)
        this.fail('book.not-crossed', `${book.symbol} ${bid} >= ${ask}`);
      for (const [side, levels] of [
        ['buy', book.bids],
        ['sell', book.asks],
      ] as const) {
        const want = new Map<number, [number, number]>();
        for (const o of snap.orders) {
          if (o.symbol !== book.symbol || o.side !== side || o.price === null) continue;
          const [total, count] = want.get(o.price) ?? [0, 0];
          want.set(o.price, [total + Math.round(o.remainingQty * s.qtyScale), count + 1]);
        }
        const got = new Map(
          levels.map(([p, q, c]) => [p, [Math.round(q * s.qtyScale), c] as [number, number]]),
        );
        const same =
          want.size === got.size &&
          [...want].every(([p, [q, c]]) => got.get(p)?.[0] === q && got.get(p)?.[1] === c);
        if (!same)
          this.fail(
            'book.levels',
            `${book.symbol} ${side}: book ${JSON.stringify([...got])}, orders ${JSON.stringify([...want])}`,
          );
        const sorted = levels.every(
          (l, i) => i === 0 || (side === 'buy' ? levels[i - 1][0] > l[0] : levels[i - 1][0] < l[0]),
        );
        if (!sorted) this.fail('book.levels', `${book.symbol} ${side} levels out of order`);
      }
    }
  }

  /** ledger.conservation, ledger.equity, funds.reserves, risk.max-position. */
  private checkLedger(snap: ExchangeSnapshot): void {
    /** Cash atoms as a bigint, or null (and a violation) when the engine printed dust. */
    const cashAtoms = (account: string, field: string, x: number): bigint | null => {
      const n = atoms(x, CASH_SCALE);
      if (Number.isNaN(n)) {
        this.fail('ledger.grid', `${account} ${field} ${x} is not on the cash grid`);
        return null;
      }
      return big(n);
    };
    let cash = 0n;
    for (const a of snap.accounts) cash += cashAtoms(a.id, 'cash', a.cash) ?? 0n;
    if (cash !== this.cashTotal) this.fail('ledger.conservation', `cash total ${cash} != ${this.cashTotal}`);
    const marks = new Map(snap.instruments.map((i) => [i.symbol, i.markPrice]));
    const positionAtoms = (a: ExchangeSnapshot['accounts'][number], s: Spec): number =>
      Math.round((a.positions.find((p) => p.symbol === s.symbol)?.qty ?? 0) * s.qtyScale);
    for (const s of SPECS) {
      const total = snap.accounts.reduce((sum, a) => sum + positionAtoms(a, s), 0);
      if (total !== 0) this.fail('ledger.conservation', `${s.symbol} positions sum to ${total} atoms`);
    }
    for (const a of snap.accounts) {
      if (!ACCOUNTS.includes(a.id as (typeof ACCOUNTS)[number])) continue;
      const leverage = this.leverage.get(a.id)!;
      const reported = {
        cash: cashAtoms(a.id, 'cash', a.cash),
        equity: cashAtoms(a.id, 'equity', a.equity),
        reserved: cashAtoms(a.id, 'reserved', a.reserved),
        positionMargin: cashAtoms(a.id, 'positionMargin', a.positionMargin),
        available: cashAtoms(a.id, 'available', a.available),
      };
      if (Object.values(reported).includes(null)) continue;
      let equity = reported.cash!;
      let requirement = 0n;
      let positionMargin = 0n;
      for (const s of SPECS) {
        const cpq = big(CASH_SCALE / (s.priceScale * s.qtyScale));
        const mark = big(atoms(marks.get(s.symbol)!, s.priceScale));
        const pos = positionAtoms(a, s);
        let buy = 0;
        let sell = 0;
        for (const o of snap.orders) {
          if (o.account !== a.id || o.symbol !== s.symbol) continue;
          const left = Math.round(o.remainingQty * s.qtyScale);
          if (o.side === 'buy') buy += left;
          else sell += left;
        }
        // requirement = ceil(max(|pos + openBuy|, |pos - openSell|) x mark x cashPerPxQty / leverage)
        const worst = Math.max(Math.abs(pos + buy), Math.abs(pos - sell));
        const limit = this.maxPosition.get(s.symbol)!;
        if (Math.abs(pos) > limit || worst > limit) {
          this.fail('risk.max-position', `${a.id} ${s.symbol} position ${pos}, worst case ${worst} atoms`);
        }
        equity += big(pos) * mark * cpq;
        requirement += ceilDiv(big(worst) * mark * cpq, leverage);
        positionMargin += ceilDiv(big(Math.abs(pos)) * mark * cpq, leverage);
      }
      const show = (x: bigint) => Number(x) / CASH_SCALE;
      if (reported.equity !== equity)
        this.fail('ledger.equity', `${a.id} equity ${a.equity}, expected ${show(equity)}`);
      if (reported.reserved !== requirement - positionMargin) {
        this.fail(
          'funds.reserves',
          `${a.id} reserved ${a.reserved}, expected ${show(requirement - positionMargin)}`,
        );
      }
      if (reported.positionMargin !== positionMargin) {
        this.fail(
          'funds.reserves',
          `${a.id} positionMargin ${a.positionMargin}, expected ${show(positionMargin)}`,
        );
      }
      if (reported.available !== reported.equity! - requirement) {
        this.fail(
          'funds.reserves',
          `${a.id} available ${a.available}, expected ${show(reported.equity! - requirement)}`,
        );
      }
    }
  }
}

/** Applies steps to a fresh engine at times 1000, 1001, ...; calls `each` after every input. */
function runSteps(
  steps: Step[],
  bugs: readonly BugName[],
  each: (i: number, input: ExchangeInput, out: EngineOutput, engine: Engine) => boolean | undefined,
  config = defaultExchangeConfig(),
): Engine {
  const engine = new Engine({ config, bugs });
  for (const [i, step] of steps.entries()) {
    const input = resolve(step, engine);
    if (each(i, input, engine.apply(input, 1000 + i), engine) === false) break;
  }
  return engine;
}

/** The violations of the first input that has any, with the inputs up to it; none if all is well. */
function firstViolations(
  steps: Step[],
  bugs: readonly BugName[] = [],
  config = defaultExchangeConfig(),
): { violations: Violation[]; inputs: ExchangeInput[] } {
  const checker = new RuleChecker(config);
  const inputs: ExchangeInput[] = [];
  const each = (i: number, input: ExchangeInput, out: EngineOutput, engine: Engine) => {
    inputs.push(input);
    checker.after(i, out, engine.snapshot());
    return checker.violations.length === 0;
  };
  runSteps(steps, bugs, each, config);
  return { violations: checker.violations, inputs };
}

function holdsFor(bugs: readonly BugName[], config = defaultExchangeConfig()) {
  return fc.property(arbSteps, (steps) => {
    const { violations, inputs } = firstViolations(steps, bugs, config);
    if (violations.length > 0) {
      const text = violations.map((x) => `step ${x.step} ${x.check}: ${x.detail}`).join('\n');
      throw new Error(`${text}\ninputs:\n${inputs.map((x) => JSON.stringify(x)).join('\n')}`);
    }
  });
}

// ------------------------------------------------------------------ the properties

/** The default venue with a tenth of the cash or less and low position limits. */
function tightConfig(): ExchangeConfig {
  const config = defaultExchangeConfig();
  config.accounts[0].cash = 20_000;
  config.accounts[1].cash = 5_000;
  config.accounts[2].cash = 30_000;
  config.instruments[0].maxPosition = 2;
  config.instruments[1].maxPosition = 40;
  return config;
}

describe('engine rules hold for random input sequences', () => {
  it('with no planted bug', () => {
    // ENGINE_PROP_RUNS=20000 for a longer soak.
    fc.assert(holdsFor([]), { numRuns: Number(process.env.ENGINE_PROP_RUNS ?? 200) });
  });

  it('with little cash and low position limits, so that the risk checks reject often', () => {
    fc.assert(holdsFor([], tightConfig()), { numRuns: Number(process.env.ENGINE_PROP_RUNS ?? 100) });
  });

  it('with the bugs that need a reconnect or restart switched on (the engine ignores them)', () => {
    const bugs = PLANTED_BUGS.filter((b) => b.needs !== 'trading').map((b) => b.name);
    expect(bugs.length).toBeGreaterThan(0);
    fc.assert(holdsFor(bugs), { numRuns: 40 });
  });

  it('determinism: the same inputs give the same outputs and snapshots', () => {
    fc.assert(
      fc.property(arbSteps, (steps) => {
        const run = () => {
          const inputs: ExchangeInput[] = [];
          const outputs: EngineOutput[] = [];
          const engine = runSteps(steps, [], (_i, input, out) => {
            inputs.push(input);
            outputs.push(out);
            return true;
          });
          return { outputs, snapshot: engine.snapshot(), inputs };
        };
        const first = run();
        expect(run()).toEqual(first);
        // Replaying the resolved inputs on a third engine gives the same again.
        const engine = new Engine({ config: defaultExchangeConfig() });
        expect(first.inputs.map((input, i) => engine.apply(input, 1000 + i))).toEqual(first.outputs);
        expect(engine.snapshot()).toEqual(first.snapshot);
      }),
      { numRuns: 50 },
    );
  });
});

/**
 * Each trading bug against the checks above: the check expected to notice it. Two bugs cannot be
 * seen in the engine alone: journal_skips_cancel_all lives in the journal, and market_walks_band
 * needs a resting order outside the band, which set_mark never leaves behind.
 */
const CAUGHT_BY: [BugName, string][] = [
  ['overfill', 'orders.quantities'],
  ['self_trade', 'trades.no-self-trade'],
  ['post_only_crosses', 'book.not-crossed'],
  ['float_dust', 'orders.quantities'],
  ['reserve_leak_on_cancel', 'funds.reserves'],
  ['replace_keeps_priority', 'replace.priority'],
  ['duplicate_client_order_id', 'idempotency.client-order-id'],
  ['rejected_replace_drops_order', 'projection.converges'],
  ['fok_partial_fill', 'orders.flags'],
  ['private_event_leak', 'fills.pairing'],
  ['stale_equity', 'ledger.equity'],
];

describe('each trading bug breaks a rule within a bounded search', () => {
  it.each(CAUGHT_BY)('%s is caught by %s', (bug, check) => {
    const result = fc.check(holdsFor([bug]), { numRuns: 300, seed: 20240611, endOnFailure: true });
    expect(result.failed, `${bug} went unnoticed in ${result.numRuns} runs`).toBe(true);
    const { violations, inputs } = firstViolations(result.counterexample![0], [bug]);
    expect(violations.map((v) => v.check)).toContain(check);
    // And without the bug, the same inputs are fine.
    expect(firstViolations(inputs, []).violations).toEqual([]);
  });

  // market_walks_band needs the mark to move away from resting orders; the random sequences
  // here check no band rule, so a hand-written sequence shows it.
  it('market_walks_band lets a market order trade outside the band', () => {
    const inputs: ExchangeInput[] = [
      {
        op: 'place',
        account: 'maker',
        symbol: BTC,
        side: 'sell',
        type: 'limit',
        price: 20900,
        qty: 0.01,
        clientOrderId: 'a',
      },
      { op: 'set_mark', symbol: BTC, price: 19000 },
      {
        op: 'place',
        account: 'taker',
        symbol: BTC,
        side: 'buy',
        type: 'market',
        qty: 0.01,
        clientOrderId: 'm',
      },
    ];
    const tradesOutsideBand = (bugs: BugName[]): number => {
      const engine = new Engine({ config: defaultExchangeConfig(), bugs });
      let high = Number.POSITIVE_INFINITY;
      let outside = 0;
      inputs.forEach((input, i) => {
        for (const e of engine.apply(input, i + 1).events) {
          if (e.event.type === 'mark_price') high = e.event.bandHigh;
          if (e.event.type === 'trade' && e.event.price > high) outside++;
        }
      });
      return outside;
    };
    expect(tradesOutsideBand(['market_walks_band'])).toBe(1);
    expect(tradesOutsideBand([])).toBe(0);
  });

  it('every trading bug is either listed above or explained as invisible to the engine', () => {
    const listed = new Set<string>([
      ...CAUGHT_BY.map(([b]) => b),
      'journal_skips_cancel_all',
      'market_walks_band',
      // The checks here read the engine's state, not what it publishes: these bugs leave the
      // state right and the book feed or the tape wrong (the market-data invariants catch them).
      'stale_level_after_partial_fill',
      'empty_level_left_behind',
      'book_delta_wrong_side',
      'aggregated_tape_print',
      // Needs prices spelled as strings, which these sequences never send.
      'decimals_counted_as_written',
      // Consistent with themselves, wrong by the declared rules: the oracle's invariants catch
      // them (requests.*, matching.happens, stp.cancels-named-order, events.content); the
      // last one lives in the gateway, not the engine.
      'rejects_valid_at_boundary',
      'off_tick_refused_as_out_of_band',
      'fok_expires_when_coverable',
      'stp_cancels_wrong_order',
      'wrong_status_after_partial_fill',
      'never_answers_set_mark',
      // Stop orders, which these sequences never place: the stops.* invariants catch them, and
      // engine-stops.test.ts shows each one.
      'stop_triggers_early',
      'stop_never_triggers_on_gap',
      'stop_triggers_twice',
      'stop_triggers_before_accept',
      'stop_limit_trades_through_limit',
    ]);
    for (const b of PLANTED_BUGS) if (b.needs === 'trading') expect(listed, b.name).toContain(b.name);
  });
});

describe('the four headline bugs, each with a hand-written sequence', () => {
  const place = (
    account: string,
    symbol: string,
    side: 'buy' | 'sell',
    price: number,
    qty: number,
    clientOrderId: string,
    tif: 'gtc' | 'post_only' = 'gtc',
  ): ExchangeInput => ({ op: 'place', account, symbol, side, type: 'limit', tif, price, qty, clientOrderId });

  const cases: [BugName, string, ExchangeInput[]][] = [
    [
      'overfill',
      'orders.quantities',
      [
        place('maker', BTC, 'sell', 20000, 0.1, 'a'),
        place('bystander', BTC, 'sell', 20000, 0.1, 'b'),
        place('taker', BTC, 'buy', 20000, 0.2, 'c'),
      ],
    ],
    [
      'self_trade',
      'trades.no-self-trade',
      [place('maker', BTC, 'sell', 20000, 0.1, 'a'), place('maker', BTC, 'buy', 20000, 0.1, 'b')],
    ],
    [
      'post_only_crosses',
      'book.not-crossed',
      [
        place('maker', BTC, 'sell', 20000, 0.1, 'a'),
        place('taker', BTC, 'buy', 20000, 0.1, 'b', 'post_only'),
      ],
    ],
    [
      // (0.1 + 0.2) x 100 = 30.000000000000004 atoms filled of 40: 0.09999999999999996 left.
      'float_dust',
      'orders.quantities',
      [
        place('maker', ETH, 'sell', 1000, 0.4, 'a'),
        place('taker', ETH, 'buy', 1000, 0.1, 'b'),
        place('taker', ETH, 'buy', 1000, 0.2, 'c'),
      ],
    ],
  ];
  it.each(cases)('%s breaks %s', (bug, check, inputs) => {
    expect(firstViolations(inputs, []).violations).toEqual([]);
    const { violations } = firstViolations(inputs, [bug]);
    expect(violations.map((v) => v.check)).toContain(check);
    expect(violations[0].step).toBe(inputs.length - 1);
  });
});
