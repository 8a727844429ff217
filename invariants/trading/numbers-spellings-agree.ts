import type { Violation } from '../../src/core/model/invariant.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { boundedMemo } from './support/bounded-memo.ts';
import { is, type TradingRecord } from './support/events.ts';
import { orderOfReply, requestOps, type TradingOperation } from './support/history.ts';
import { marketRecord } from './support/market-record.ts';
import type { BookOrder, ReplayHooks, ReplayResult } from './support/market-replay.ts';
import { show } from './support/numbers.ts';
import { adminOfType, eventsOfType, runIndex } from './support/run-index.ts';
import { type Inspection, ScopeTally, scopedInvariant } from './support/scope.ts';
import { sharedMarketReplay } from './support/shared-market-replay.ts';
import {
  compareExact,
  declaredSpellings,
  exactOf,
  onGrid,
  readSpelled,
  type Spelled,
  type Spelling,
  signOf,
} from './support/spellings.ts';
import { violation } from './support/violation.ts';

const NAME = 'numbers.spellings-agree';

/** A price or quantity as a request spelled it. */
interface Sent {
  raw: unknown;
  spelled: Spelled;
  step: number;
}

const spellingOf = (raw: unknown): string =>
  typeof raw === 'string' ? JSON.stringify(raw) : 'a JSON number';

/** Whether a value the venue reports is the value a request spelled: exact for strings, within binary error for numbers. */
function agrees(sent: Sent, reported: unknown): boolean {
  if (typeof reported !== 'number' || !Number.isFinite(reported)) return false;
  if (typeof sent.raw === 'number')
    return Math.abs(sent.raw - reported) <= 1e-9 * Math.max(1, Math.abs(sent.raw));
  return exactOf(reported) === sent.spelled.exact;
}

interface Instrument {
  tickSize?: number;
  lotSize?: number;
}

/**
 * Every spelling of a number means the same number. Prices and quantities sent as decimal
 * strings ("100.0", "+100", "1e2") or as JSON numbers are judged by their exact value:
 * - a request the venue accepted was taken at the value it spelled (the order's price and
 *   quantity as order_accepted or order_replaced report them);
 * - a spelling the venue declares it takes (config `numberSpellings`; all of them when absent)
 *   is never refused for its form: not as not-a-number or not finite, nor off the tick or lot
 *   when its value is on it, nor as zero, negative or not positive when it is not;
 * - equal values behave as one: an order's fills happen at the value its limit spelled (makers
 *   at it exactly, takers no worse), orders resting at one value under different spellings
 *   keep time priority between them, and a book never shows two levels at one value.
 */
export const numbersSpellingsAgree = scopedInvariant(
  NAME,
  'equal values in any spelling behave as one: taken as spelled, never refused for the form, one level and one queue per price',
  sharedMarketReplay(NAME, function* (evidence: TradingEvidence): Generator<
    ReplayHooks,
    Inspection,
    ReplayResult
  > {
    const out: Violation[] = [];
    const tally = new ScopeTally();
    const config = evidence?.extra?.config as { instruments?: unknown } | undefined;
    const declared = declaredSpellings(config);
    const instruments = new Map<string, Instrument>();
    for (const inst of Array.isArray(config?.instruments) ? config.instruments : [])
      if (typeof inst?.symbol === 'string') instruments.set(inst.symbol, inst);
    const ops = requestOps(evidence);
    const placeAt = new Map<number, Extract<TradingAction, { kind: 'place' }>>();
    for (const op of ops) if (op.action?.kind === 'place') placeAt.set(op.step, op.action);
    const index = runIndex(evidence);
    const { record, source } = marketRecord(evidence);
    const accepted = new Map<string, TradingRecord>();
    const replaced = new Map<string, TradingRecord>();
    // The admin's record is indexed by type already; the traders' merged one is read whole.
    const acceptances = source === 'admin' ? adminOfType(index, 'order_accepted') : record;
    const replaces = source === 'admin' ? adminOfType(index, 'order_replaced') : record;
    for (const rec of acceptances)
      if (is(rec, 'order_accepted') && !accepted.has(rec.event.orderId)) accepted.set(rec.event.orderId, rec);
    for (const rec of replaces)
      if (is(rec, 'order_replaced')) replaced.set(`${rec.event.orderId}@${rec.txn}`, rec);
    let strings = 0;
    const sentOf = (raw: unknown, step: number): Sent | undefined => {
      const spelled = spelledOf(raw);
      if (spelled === undefined) return undefined;
      if (typeof raw === 'string') strings++;
      return { raw, spelled, step };
    };
    /** The spelled limit price each order rests at: set by its place, moved by replaces (orderId@txn). */
    const limitAtPlace = new Map<string, Sent>();
    const limitAtReplace = new Map<string, Sent>();

    for (const op of ops) {
      const action = op.action;
      if (action?.kind !== 'place' && action?.kind !== 'replace') continue;
      const symbol = action.kind === 'place' ? action.symbol : placeAt.get(action.target?.step)?.symbol;
      const price =
        'price' in action && action.price !== undefined ? sentOf(action.price, op.step) : undefined;
      const qty = 'qty' in action && action.qty !== undefined ? sentOf(action.qty, op.step) : undefined;
      const reply = op.reply;
      if (reply?.status === 'fail') {
        checkRefusal(op, symbol, 'price', price);
        checkRefusal(op, symbol, 'qty', qty);
        continue;
      }
      const order = orderOfReply(op);
      if (order === undefined || reply?.status !== 'ok') continue;
      const rec =
        action.kind === 'place' ? accepted.get(order.orderId) : replaced.get(`${order.orderId}@${reply.txn}`);
      // Only the reply of the input that made the change speaks for this request: a retried
      // place may be answered with the order an earlier attempt (or another step) made.
      if (rec === undefined || rec.txn !== reply.txn) continue;
      const e = rec.event as { price?: unknown; qty?: unknown };
      for (const [field, sent] of [
        ['price', action.kind === 'place' && action.orderType === 'market' ? undefined : price],
        ['qty', qty],
      ] as const) {
        if (sent === undefined) continue;
        tally.checked++;
        if (agrees(sent, e[field])) continue;
        out.push(
          violation(
            NAME,
            `${action.kind} at step ${op.step} spelled ${field} ${spellingOf(sent.raw)} (= ${sent.spelled.exact}), but ${order.orderId} was taken at ${show(e[field])}`,
            [rec],
            [op.step],
          ),
        );
      }
      if (price !== undefined) {
        if (action.kind === 'place') limitAtPlace.set(order.orderId, price);
        else limitAtReplace.set(`${order.orderId}@${reply.txn}`, price);
      }
    }
    if (strings === 0) tally.skip('no price or quantity was sent as a string in this run');

    // Fills at the spelled price, and time priority between spellings of one price.
    const limits = new Map<string, Sent>();
    const pairs = new Set<string>();
    // Orders a taker's self-trade prevention cancelled, by the txn it did so in: within that
    // input the engine removed them before matching on, whatever order their streams were
    // recorded in, so they no longer stood ahead of the order the taker then filled.
    const stpCancelled = new Set<string>();
    for (const rec of eventsOfType(index, 'order_cancelled')) {
      const e = rec.event as { reason?: unknown; orderId?: unknown };
      if (e.reason === 'self_trade' && typeof rec.txn === 'number')
        stpCancelled.add(`${String(e.orderId)}@${rec.txn}`);
    }
    yield {
      beforeOrderEvent(rec, order, state) {
        const e = rec.event;
        if (e.type === 'order_accepted') {
          const sent = limitAtPlace.get(e.orderId);
          if (sent !== undefined) limits.set(e.orderId, sent);
          return;
        }
        if (e.type === 'order_replaced') {
          // A replace whose answer never came (or was not ours to read) moved the order to a
          // price we cannot tie to a spelling: stop judging its fills by the old one.
          const sent = limitAtReplace.get(`${e.orderId}@${rec.txn}`);
          if (sent !== undefined) limits.set(e.orderId, sent);
          else limits.delete(e.orderId);
          return;
        }
        if (e.type !== 'fill' || order === undefined) return;
        const sent = limits.get(e.orderId);
        if (sent === undefined) return;
        tally.checked++;
        const fillAt = exactOf(e.price);
        const c = fillAt === undefined ? Number.NaN : compareExact(fillAt, sent.spelled.exact);
        const maker = e.liquidity === 'maker';
        const bad = maker ? c !== 0 : Number.isNaN(c) || (order.side === 'buy' ? c > 0 : c < 0);
        if (bad) {
          out.push(
            violation(
              NAME,
              `${maker ? 'maker' : 'taker'} fill ${e.tradeId} of ${order.label} at ${show(e.price)}, ${maker ? 'not at' : 'worse than'} the limit its request spelled ${spellingOf(sent.raw)} (= ${sent.spelled.exact})`,
              [order.accepted, rec],
              [sent.step],
            ),
          );
        }
        if (!maker || order.key === undefined || order.joined === undefined) return;
        for (const ahead of state.resting(order.symbol, order.side, order.key)) {
          const theirs = limits.get(ahead.orderId);
          if (ahead === order || theirs === undefined || ahead.joined === undefined) continue;
          if (ahead.joined > order.joined || spellingOf(theirs.raw) === spellingOf(sent.raw)) continue;
          if (stpCancelled.has(`${ahead.orderId}@${rec.txn}`)) continue;
          tally.checked++;
          const pair = `${ahead.orderId}|${order.orderId}`;
          if (pairs.has(pair)) continue;
          pairs.add(pair);
          out.push(priorityViolation(order, ahead, sent, theirs, rec));
        }
      },
    };

    // One level per value on every book a client folds (reported once per client, side and value).
    const twins = new Set<string>();
    // Each client's resyncs and book events only (the run index): nothing else moves a level.
    for (const [client, records] of index.clientBookEvents) {
      // Per book stream, per side: the levels the client holds, by the value as sent.
      const ladders = new Map<string, Map<unknown, Ladder>>();
      for (const rec of records) {
        if (is(rec, 'session_resynced')) {
          ladders.clear();
          continue;
        }
        if (!rec.stream?.startsWith('book:')) continue;
        if (is(rec, 'reset')) {
          ladders.delete(rec.stream);
          continue;
        }
        if (!is(rec, 'book_delta')) continue;
        const e = rec.event;
        const exact = exactOf(e.price);
        if (exact === undefined) continue;
        let sides = ladders.get(rec.stream);
        if (sides === undefined) {
          sides = new Map();
          ladders.set(rec.stream, sides);
        }
        let ladder = sides.get(e.side);
        if (ladder === undefined) {
          ladder = new Ladder();
          sides.set(e.side, ladder);
        }
        // A level is its value as sent: a JSON number and a string are two spellings.
        const sent = e.price as unknown;
        if (!(Number(e.qty) !== 0)) {
          ladder.remove(sent);
          continue;
        }
        tally.checked++;
        const twin = ladder.twinOf(sent, exact);
        ladder.put(sent, exact, rec);
        if (twin === undefined) continue;
        const ladderKey = `${rec.stream}|${e.side}`;
        if (twins.has(`${client}|${ladderKey}|${exact}`)) continue;
        twins.add(`${client}|${ladderKey}|${exact}`);
        out.push(
          violation(
            NAME,
            `${client}'s book ${rec.stream.slice(5)} ${e.side} holds two levels at ${exact}: ${rawOf(twin[0])} and ${rawOf(sent)}`,
            [twin[1].rec, rec],
          ),
        );
      }
    }
    return { violations: out, scope: tally.result() };

    function checkRefusal(
      op: TradingOperation,
      symbol: string | undefined,
      field: 'price' | 'qty',
      sent: Sent | undefined,
    ): void {
      const reply = op.reply;
      if (reply?.status !== 'fail' || sent === undefined || !reply.code.startsWith(`${field}_`)) return;
      const form = [...sent.spelled.uses].filter((u: Spelling) => !declared.has(u));
      if (form.length > 0) return;
      const inst = symbol === undefined ? undefined : instruments.get(symbol);
      const exact = sent.spelled.exact;
      tally.checked++;
      let wrong: string | undefined;
      switch (reply.code) {
        case 'price_required':
        case 'price_not_a_number':
        case 'price_not_finite':
        case 'qty_not_a_number':
        case 'qty_not_finite':
          wrong = 'a spelling the venue declares it takes';
          break;
        case 'price_not_positive':
          if (signOf(exact) > 0) wrong = 'a positive value';
          break;
        case 'qty_zero':
          if (signOf(exact) !== 0) wrong = 'a value that is not zero';
          break;
        case 'qty_negative':
          if (signOf(exact) >= 0) wrong = 'a value that is not negative';
          break;
        case 'price_off_tick':
          if (inst?.tickSize !== undefined && onGrid(exact, inst.tickSize))
            wrong = `a multiple of the ${show(inst.tickSize)} tick`;
          break;
        case 'qty_not_lot_multiple':
          if (inst?.lotSize !== undefined && onGrid(exact, inst.lotSize))
            wrong = `a multiple of the ${show(inst.lotSize)} lot`;
          break;
      }
      if (wrong === undefined) return;
      out.push(
        violation(
          NAME,
          `${op.action.kind} at step ${op.step}: ${field} ${spellingOf(sent.raw)} (= ${exact}, ${wrong}) was refused ${reply.code}`,
          [],
          [op.step],
        ),
      );
    }
  }),
);

/** readSpelled, remembered per wire value (boundedMemo) when it is a number or a string. */
function spelledOf(raw: unknown): Spelled | undefined {
  return typeof raw === 'number' || typeof raw === 'string' ? spelledMemo(raw) : readSpelled(raw);
}

const spelledMemo = boundedMemo((raw: number | string) => readSpelled(raw));

/** A value as sent, as the book-level message writes it: a string quoted, a number as printed. */
const rawOf = (sent: unknown): string => (typeof sent === 'string' ? JSON.stringify(sent) : String(sent));

/**
 * One side of one book as a client folds it: its levels by the value as sent, in the order
 * they appeared, and how many levels hold each exact value (so that a level with a twin, the
 * same value spelled another way, is found without looking at every level).
 */
class Ladder {
  private readonly levels = new Map<unknown, { exact: string; rec: TradingRecord }>();
  private readonly spellings = new Map<string, number>();

  /** The first other level (in the order they appeared) at the same exact value, if any. */
  twinOf(sent: unknown, exact: string): [unknown, { exact: string; rec: TradingRecord }] | undefined {
    const same = this.spellings.get(exact) ?? 0;
    if (same === 0 || (same === 1 && this.levels.has(sent))) return undefined;
    for (const entry of this.levels) if (entry[0] !== sent && entry[1].exact === exact) return entry;
    return undefined;
  }

  put(sent: unknown, exact: string, rec: TradingRecord): void {
    if (!this.levels.has(sent)) this.spellings.set(exact, (this.spellings.get(exact) ?? 0) + 1);
    this.levels.set(sent, { exact, rec });
  }

  remove(sent: unknown): void {
    const level = this.levels.get(sent);
    if (level === undefined) return;
    this.levels.delete(sent);
    this.spellings.set(level.exact, (this.spellings.get(level.exact) ?? 1) - 1);
  }
}

function priorityViolation(
  order: BookOrder,
  ahead: BookOrder,
  mine: Sent,
  theirs: Sent,
  rec: TradingRecord,
): Violation {
  return violation(
    NAME,
    `maker fill ${rec.event.type === 'fill' ? rec.event.tradeId : '?'} hit ${order.label} (price spelled ${spellingOf(mine.raw)}) while ${ahead.label} (spelled ${spellingOf(theirs.raw)}, the same ${mine.spelled.exact}) rested there since before it`,
    [ahead.accepted, order.accepted, rec],
    [theirs.step, mine.step],
  );
}
