import type { Operation } from '../../../src/core/model/evidence.ts';
import type { CheckTally, Violation } from '../../../src/core/model/invariant.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import type { TradingEvidence } from '../../../src/domains/trading/trading-evidence.ts';
import { adminRecord, groupByTxn } from './admin-record.ts';
import { ADMIN_CLIENT, accountOfStream, is, symbolOfStream, type TradingRecord } from './events.ts';
import { instrumentGrids } from './instrument-grid.ts';
import { gridUnits, show } from './numbers.ts';
import { orderLabel } from './order-label.ts';
import type { CheckScope, ScopedInvariant } from './scope.ts';
import { violation } from './violation.ts';

/**
 * The stop-order rules (docs/exchange.md, "Stop orders"), judged on the admin's record of every
 * account and market stream in the venue's order. A buy stop triggers when a trade prints at or
 * above its stop price, a sell stop at or below; only trades after the stop's acceptance count;
 * it triggers in the input of the first trade that reaches it, naming that trade, and at most
 * once; then it acts as its counterpart (a stop_market as a market order, a stop_limit as a
 * limit order at its limit price, resting with the priority of its trigger). The stops one input
 * triggers act in the order of the trades that triggered them, and those of one trade in the
 * order the config declares (`stopTriggerOrder`), if it declares one.
 *
 * Everything here reads the venue's events and config only; nothing of the venue's code.
 */
export const STOPS_ON_LAST_TRADE = 'stops.trigger-on-last-trade';
export const STOPS_ONCE = 'stops.trigger-once';
export const STOPS_AFTER_ACCEPT = 'stops.trigger-after-accept';
export const STOPS_COUNTERPART = 'stops.act-as-counterpart';

const RULES = [STOPS_ON_LAST_TRADE, STOPS_ONCE, STOPS_AFTER_ACCEPT, STOPS_COUNTERPART];

export interface StopFinding {
  invariant: string;
  message: string;
  events: TradingRecord[];
  steps: number[];
}

export interface StopReport {
  findings: StopFinding[];
  /** Things examined, per rule. */
  checked: Map<string, number>;
  /** What the run did not let the rules check, and why. */
  skipped: string[];
}

interface Stop {
  id: string;
  label: string;
  account: string;
  symbol: string;
  buy: boolean;
  type: 'stop_market' | 'stop_limit';
  tif: string;
  /** Prices in ticks of the symbol (raw numbers for a symbol the config does not declare). */
  stop: number;
  limit: number | null;
  stopPrice: number;
  limitPrice: number | null;
  qty: number;
  filled: number;
  accepted: TradingRecord;
  /** Position of the acceptance in the record. */
  acceptedAt: number;
  state: 'waiting' | 'triggered' | 'ended';
  triggers: TradingRecord[];
  triggeredTxn?: number;
}

interface Trade {
  rec: TradingRecord;
  symbol: string;
  price: number;
  ticks: number;
  at: number;
}

type Op = Operation<TradingAction, unknown>;

const cache = new WeakMap<object, StopReport>();

/** The stop rules' report for a run, built once per run's evidence and shared by its invariants. */
export function stopReport(evidence: TradingEvidence): StopReport {
  const key = (evidence?.events ?? evidence) as object;
  const cached = key ? cache.get(key) : undefined;
  if (cached) return cached;
  const report = judge(evidence);
  if (key) cache.set(key, report);
  return report;
}

const STOP_TYPES = new Set(['stop_market', 'stop_limit']);
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

function judge(evidence: TradingEvidence): StopReport {
  const findings: StopFinding[] = [];
  const checked = new Map<string, number>(RULES.map((r) => [r, 0]));
  const skipped = new Set<string>();
  const count = (rule: string, n = 1) => checked.set(rule, (checked.get(rule) ?? 0) + n);
  const find = (rule: string, message: string, events: (TradingRecord | undefined)[], steps: number[] = []) =>
    findings.push({
      invariant: rule,
      message,
      events: events.filter((e): e is TradingRecord => e !== undefined),
      steps,
    });

  const config = evidence?.extra?.config as { stopTriggerOrder?: unknown } | undefined;
  const grids = instrumentGrids(evidence?.extra?.config);
  const ticks = (symbol: string, price: number): number => {
    const grid = grids.get(symbol);
    if (grid === undefined) return price;
    const t = gridUnits(price, grid.tickSize);
    return Number.isNaN(t) ? price / grid.tickSize : t;
  };
  const declaredOrder =
    config?.stopTriggerOrder === 'accepted' || config?.stopTriggerOrder === 'stop_price'
      ? config.stopTriggerOrder
      : undefined;

  const record = adminRecord(evidence?.events ?? []);
  if (record.length === 0) {
    skipped.add('the run has no record of the venue (the admin saw no events)');
    return { findings, checked, skipped: [...skipped] };
  }
  const groups = groupByTxn(record);
  const cut = knownUntil(evidence, groups);
  if (cut.txn !== Number.POSITIVE_INFINITY) skipped.add(`inputs from txn ${cut.txn} on: ${cut.why}`);

  const ops = (evidence?.history ?? []).filter(
    (op): op is Op =>
      typeof op === 'object' && op !== null && typeof op.action === 'object' && op.action !== null,
  );
  const retried = new Set<number>();
  for (const rec of evidence?.events ?? [])
    if (is(rec, 'session_retry') && typeof rec.event.step === 'number') retried.add(rec.event.step);
  /** Stops refused stop_would_trigger, by the txn of their refusal. */
  const refusals = new Map<number, Op>();
  for (const op of ops) {
    const a = op.action as { kind?: string; orderType?: unknown };
    const reply = op.reply;
    if (a.kind !== 'place' || !STOP_TYPES.has(String(a.orderType))) continue;
    if (reply?.status !== 'fail' || reply.code !== 'stop_would_trigger') continue;
    if (retried.has(op.step)) {
      skipped.add('stop_would_trigger refusals of retried requests');
      continue;
    }
    if (typeof reply.txn === 'number' && reply.txn > 0) refusals.set(reply.txn, op);
  }

  const stops = new Map<string, Stop>();
  const others = new Set<string>();
  const trades = new Map<string, Trade>();
  const lastTrade = new Map<string, Trade>();
  /** Per order, the txn it last joined a price queue (for the priority of a triggered stop_limit). */
  const joined = new Map<string, number>();
  let at = 0;

  for (const group of groups) {
    const txn = group[0].txn as number;
    if (txn >= cut.txn) break;
    const refusal = refusals.get(txn);
    if (refusal !== undefined) judgeRefusal(refusal);
    /** Waiting stops a trade of this input reached, with the first such trade. */
    const due = new Map<Stop, Trade>();
    /** Stops triggered (for the first time) in this input, in the record's order. */
    const fired: { stop: Stop; rec: TradingRecord; trade: Trade | undefined }[] = [];
    for (const rec of group) {
      at++;
      const symbol = symbolOfStream(rec.stream);
      if (symbol !== undefined && rec.stream.startsWith('market:')) {
        if (is(rec, 'reset')) lastTrade.delete(symbol);
        if (!is(rec, 'trade')) continue;
        const price = rec.event.price;
        const trade: Trade = { rec, symbol, price, ticks: ticks(symbol, price), at };
        trades.set(rec.event.tradeId, trade);
        lastTrade.set(symbol, trade);
        for (const stop of stops.values()) {
          if (stop.state !== 'waiting' || stop.symbol !== symbol || stop.acceptedAt > at) continue;
          count(STOPS_ON_LAST_TRADE);
          if (!due.has(stop) && reaches(stop, trade.ticks)) due.set(stop, trade);
        }
        continue;
      }
      const account = accountOfStream(rec.stream);
      if (account === undefined) continue;
      if (is(rec, 'reset')) {
        for (const stop of stops.values()) if (stop.account === account) stop.state = 'ended';
        continue;
      }
      const e = rec.event as unknown as Record<string, unknown>;
      const id = typeof e.orderId === 'string' ? e.orderId : undefined;
      if (id === undefined) continue;
      if (e.type === 'order_accepted') {
        if (stops.has(id) || others.has(id)) continue;
        if ((e.tif === 'gtc' || e.tif === 'post_only') && e.orderType === 'limit') joined.set(id, txn);
        if (!STOP_TYPES.has(String(e.orderType))) {
          others.add(id);
          continue;
        }
        const sym = String(e.symbol);
        const stopPrice = num(e.stopPrice);
        if (stopPrice === undefined) {
          count(STOPS_COUNTERPART);
          find(
            STOPS_COUNTERPART,
            `${orderLabel(id, account, String(e.clientOrderId))} was accepted as a ${String(e.orderType)} without a stop price (stopPrice ${show(e.stopPrice)})`,
            [rec],
          );
          others.add(id);
          continue;
        }
        const limitPrice = num(e.price) ?? null;
        stops.set(id, {
          id,
          label: orderLabel(id, account, String(e.clientOrderId)),
          account,
          symbol: sym,
          buy: e.side === 'buy',
          type: e.orderType as Stop['type'],
          tif: String(e.tif),
          stop: ticks(sym, stopPrice),
          limit: limitPrice === null ? null : ticks(sym, limitPrice),
          stopPrice,
          limitPrice,
          qty: num(e.qty) ?? 0,
          filled: 0,
          accepted: rec,
          acceptedAt: at,
          state: 'waiting',
          triggers: [],
        });
        continue;
      }
      if (e.type === 'order_replaced' && e.priorityKept === false) joined.set(id, txn);
      const stop = stops.get(id);
      if (e.type === 'order_replaced' && stop !== undefined) {
        // A triggered stop_limit resting on the book is a limit order: it may be replaced.
        count(STOPS_COUNTERPART);
        if (stop.state === 'waiting')
          find(
            STOPS_COUNTERPART,
            `${stop.label} was replaced before it triggered: a waiting stop is not on the book`,
            [stop.accepted, rec],
          );
        const price = num(e.price);
        if (price !== undefined && stop.limit !== null) {
          stop.limitPrice = price;
          stop.limit = ticks(stop.symbol, price);
        }
        continue;
      }
      if (e.type === 'order_triggered') {
        count(STOPS_ONCE);
        count(STOPS_AFTER_ACCEPT);
        if (stop === undefined) {
          if (others.has(id))
            find(
              STOPS_ONCE,
              `order ${id} (${account}) is not a stop order, but was triggered at txn ${txn}`,
              [rec],
            );
          else
            find(
              STOPS_AFTER_ACCEPT,
              `order ${id} (${account}) was triggered at txn ${txn} before any order_accepted of it`,
              [rec],
            );
          continue;
        }
        stop.triggers.push(rec);
        if (stop.triggers.length > 1) {
          find(
            STOPS_ONCE,
            `${stop.label} was triggered ${stop.triggers.length} times: at txn ${stop.triggers[0].txn} and again at txn ${txn} (by ${show(e.triggerTradeId)} at ${show(e.triggerPrice)})`,
            [stop.triggers[0], rec],
          );
          continue;
        }
        if (stop.state === 'ended') {
          count(STOPS_ON_LAST_TRADE);
          find(STOPS_ON_LAST_TRADE, `${stop.label} was triggered at txn ${txn} after it had ended`, [
            stop.accepted,
            rec,
          ]);
          continue;
        }
        const trade = typeof e.triggerTradeId === 'string' ? trades.get(e.triggerTradeId) : undefined;
        if (trade !== undefined && trade.at < stop.acceptedAt) {
          find(
            STOPS_AFTER_ACCEPT,
            `${stop.label} (${stop.buy ? 'buy' : 'sell'} stop ${show(stop.stopPrice)}) accepted at txn ${stop.accepted.txn} was triggered by trade ${trade.rec.event.type === 'trade' ? trade.rec.event.tradeId : '?'} at ${show(trade.price)}, which printed before it was accepted (txn ${trade.rec.txn})`,
            [trade.rec, stop.accepted, rec],
          );
        } else if (trade === undefined && txn === stop.accepted.txn) {
          find(
            STOPS_AFTER_ACCEPT,
            `${stop.label} was triggered in the input that accepted it (txn ${txn}), by no trade after its acceptance (it names ${show(e.triggerTradeId)})`,
            [stop.accepted, rec],
          );
        }
        checkTriggerEvent(stop, rec, e);
        stop.state = 'triggered';
        stop.triggeredTxn = txn;
        if (stop.type === 'stop_limit' && stop.tif === 'gtc') joined.set(id, txn);
        fired.push({ stop, rec, trade });
        continue;
      }
      if (stop === undefined) continue;
      if (e.type === 'fill') {
        count(STOPS_COUNTERPART);
        const qty = num(e.qty) ?? 0;
        stop.filled += qty;
        const price = num(e.price);
        if (stop.state === 'waiting') {
          find(STOPS_COUNTERPART, `${stop.label} traded (fill ${show(e.tradeId)}) before it was triggered`, [
            stop.accepted,
            rec,
          ]);
        } else if (stop.state === 'triggered' && price !== undefined) {
          const px = ticks(stop.symbol, price);
          const rests = stop.type === 'stop_limit' && stop.tif === 'gtc';
          if (e.liquidity === 'maker' && !rests)
            find(
              STOPS_COUNTERPART,
              `${stop.label} filled as a maker (trade ${show(e.tradeId)}), but its ${stop.type === 'stop_market' ? 'market' : 'limit'} ${stop.tif} counterpart never rests on the book`,
              [stop.triggers[0], rec],
            );
          if (stop.limit !== null && (stop.buy ? px > stop.limit : px < stop.limit))
            find(
              STOPS_COUNTERPART,
              `${stop.label}, a stop_limit ${stop.buy ? 'buy' : 'sell'} at limit ${show(stop.limitPrice)}, filled at ${show(price)} (trade ${show(e.tradeId)}): its limit counterpart never trades past its limit`,
              [stop.triggers[0], rec],
            );
          else if (e.liquidity === 'maker' && rests && stop.limit !== null && px !== stop.limit)
            find(
              STOPS_COUNTERPART,
              `${stop.label} rests at its limit ${show(stop.limitPrice)} after its trigger, but filled at ${show(price)} as a maker`,
              [stop.triggers[0], rec],
            );
        }
        if (!((num(e.remainingQty) ?? 0) > 1e-12)) stop.state = 'ended';
        continue;
      }
      if (e.type === 'order_cancelled') {
        if (stop.state === 'waiting') {
          count(STOPS_COUNTERPART);
          const allowed =
            stop.type === 'stop_limit' ? ['user', 'cancel_all', 'band'] : ['user', 'cancel_all'];
          if (!allowed.includes(String(e.reason)))
            find(
              STOPS_COUNTERPART,
              `${stop.label} was cancelled with reason ${show(e.reason)} before it triggered (a waiting ${stop.type} is cancelled only by ${allowed.join(', ')})`,
              [stop.accepted, rec],
            );
        }
        stop.state = 'ended';
        continue;
      }
      if (e.type === 'order_expired') {
        count(STOPS_COUNTERPART);
        if (stop.state === 'waiting')
          find(STOPS_COUNTERPART, `${stop.label} expired before it was triggered`, [stop.accepted, rec]);
        else if (stop.state === 'triggered') {
          const reason = stop.tif === 'fok' ? 'fok' : stop.type === 'stop_market' ? 'market' : 'ioc';
          if (e.reason !== reason)
            find(
              STOPS_COUNTERPART,
              `${stop.label} expired with reason ${show(e.reason)}; its ${stop.type === 'stop_market' ? 'market' : 'limit'} ${stop.tif} counterpart expires with ${reason}`,
              [stop.triggers[0], rec],
            );
          if (stop.tif === 'fok' && stop.filled > 1e-12)
            find(
              STOPS_COUNTERPART,
              `${stop.label}, a fok, filled ${show(stop.filled)} and expired the rest: fill-or-kill fills all or nothing`,
              [stop.triggers[0], rec],
            );
        }
        stop.state = 'ended';
      }
    }
    endOfInput(txn, due, fired);
  }

  if (cut.txn === Number.POSITIVE_INFINITY) checkPriorities();
  else skipped.add('queue priority of triggered stop_limits: the record is incomplete');
  return { findings, checked, skipped: [...skipped] };

  function reaches(stop: Stop, tradeTicks: number): boolean {
    return stop.buy ? tradeTicks >= stop.stop : tradeTicks <= stop.stop;
  }

  /** A refusal stop_would_trigger: the last trade before it must have reached the stop price. */
  function judgeRefusal(op: Op): void {
    const a = op.action as { symbol?: unknown; side?: unknown; stopPrice?: unknown };
    const symbol = String(a.symbol);
    const stopPrice =
      num(a.stopPrice) ??
      (typeof a.stopPrice === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(a.stopPrice)
        ? Number(a.stopPrice)
        : undefined);
    if (stopPrice === undefined) {
      skipped.add('stop_would_trigger refusals of a stop price that is not a plain number');
      return;
    }
    count(STOPS_AFTER_ACCEPT);
    const last = lastTrade.get(symbol);
    const stop = ticks(symbol, stopPrice);
    const reached = last !== undefined && (a.side === 'buy' ? last.ticks >= stop : last.ticks <= stop);
    if (!reached)
      find(
        STOPS_AFTER_ACCEPT,
        `step ${op.step}: a ${String(a.side)} stop at ${show(stopPrice)} on ${symbol} was refused stop_would_trigger, but ${last === undefined ? 'no trade had printed since the start or the last reset' : `the last trade (${show(last.price)}) had not reached it`}`,
        [last?.rec],
        [op.step],
      );
  }

  /** order_triggered echoes the stop and says what it became. */
  function checkTriggerEvent(stop: Stop, rec: TradingRecord, e: Record<string, unknown>): void {
    count(STOPS_COUNTERPART);
    const wrong: string[] = [];
    const becomes = stop.type === 'stop_market' ? 'market' : 'limit';
    if (e.orderType !== becomes)
      wrong.push(`orderType ${show(e.orderType)} (a ${stop.type} becomes ${becomes})`);
    if (e.tif !== stop.tif) wrong.push(`tif ${show(e.tif)} (accepted ${stop.tif})`);
    const price = num(e.price) ?? null;
    if (
      (price === null) !== (stop.limitPrice === null) ||
      (price !== null && ticks(stop.symbol, price) !== stop.limit)
    )
      wrong.push(`price ${show(e.price)} (limit ${show(stop.limitPrice)})`);
    const stopPrice = num(e.stopPrice);
    if (stopPrice === undefined || ticks(stop.symbol, stopPrice) !== stop.stop)
      wrong.push(`stopPrice ${show(e.stopPrice)} (accepted ${show(stop.stopPrice)})`);
    if (e.symbol !== stop.symbol) wrong.push(`symbol ${show(e.symbol)}`);
    if (e.side !== (stop.buy ? 'buy' : 'sell')) wrong.push(`side ${show(e.side)}`);
    if (wrong.length > 0)
      find(STOPS_COUNTERPART, `the trigger of ${stop.label} says ${wrong.join(', ')}`, [stop.accepted, rec]);
  }

  function endOfInput(
    txn: number,
    due: Map<Stop, Trade>,
    fired: { stop: Stop; rec: TradingRecord; trade: Trade | undefined }[],
  ) {
    const firedStops = new Set(fired.map((f) => f.stop));
    for (const [stop, trade] of due) {
      const id = trade.rec.event.type === 'trade' ? trade.rec.event.tradeId : '?';
      if (!firedStops.has(stop)) {
        find(
          STOPS_ON_LAST_TRADE,
          `trade ${id} at ${show(trade.price)} (txn ${txn}) reached the stop price ${show(stop.stopPrice)} of ${stop.label}, a ${stop.buy ? 'buy' : 'sell'} stop accepted at txn ${stop.accepted.txn}, but it did not trigger`,
          [stop.accepted, trade.rec],
        );
        continue;
      }
      const f = fired.find((x) => x.stop === stop)!;
      const e = f.rec.event as unknown as Record<string, unknown>;
      if (
        f.trade !== trade ||
        num(e.triggerPrice) === undefined ||
        ticks(stop.symbol, num(e.triggerPrice)!) !== trade.ticks
      )
        find(
          STOPS_ON_LAST_TRADE,
          `${stop.label} was triggered by ${show(e.triggerTradeId)} at ${show(e.triggerPrice)}, but the first trade after its acceptance to reach its stop price ${show(stop.stopPrice)} was ${id} at ${show(trade.price)}`,
          [trade.rec, f.rec],
        );
    }
    for (const f of fired) {
      if (due.has(f.stop)) continue;
      const e = f.rec.event as unknown as Record<string, unknown>;
      find(
        STOPS_ON_LAST_TRADE,
        `${f.stop.label} (${f.stop.buy ? 'buy' : 'sell'} stop ${show(f.stop.stopPrice)}) was triggered at txn ${txn} (naming ${show(e.triggerTradeId)} at ${show(e.triggerPrice)}), but no trade after its acceptance had reached its stop price in that input`,
        [f.stop.accepted, f.rec],
      );
    }
    // Triggered this input: a market, ioc or fok counterpart never rests.
    for (const { stop, rec } of fired) {
      count(STOPS_COUNTERPART);
      if (stop.state === 'triggered' && (stop.type === 'stop_market' || stop.tif !== 'gtc'))
        find(
          STOPS_COUNTERPART,
          `${stop.label} is still open after the input that triggered it (txn ${txn}): its ${stop.type === 'stop_market' ? 'market' : 'limit'} ${stop.tif} counterpart never rests`,
          [rec],
        );
    }
    // Several triggered at once: in the order of their trades, then the declared order.
    for (let i = 1; i < fired.length; i++) {
      const a = fired[i - 1];
      const b = fired[i];
      if (a.trade === undefined || b.trade === undefined) continue;
      count(STOPS_ON_LAST_TRADE);
      let problem: string | undefined;
      if (b.trade.at < a.trade.at) problem = 'its trade printed earlier';
      else if (b.trade === a.trade && declaredOrder === 'accepted' && b.stop.acceptedAt < a.stop.acceptedAt)
        problem = 'the config declares stopTriggerOrder accepted and it was accepted earlier';
      else if (b.trade === a.trade && declaredOrder === 'stop_price') {
        const da = Math.abs(a.stop.stop - a.trade.ticks);
        const db = Math.abs(b.stop.stop - b.trade.ticks);
        if (db > da || (db === da && b.stop.acceptedAt < a.stop.acceptedAt))
          problem =
            'the config declares stopTriggerOrder stop_price and the market passed its stop price first';
      }
      if (problem !== undefined)
        find(
          STOPS_ON_LAST_TRADE,
          `at txn ${txn} ${b.stop.label} acted after ${a.stop.label}, although ${problem}`,
          [a.rec, b.rec],
        );
    }
  }

  /**
   * A triggered stop_limit that rests takes the priority of its trigger: in the final snapshot
   * it queues behind the open orders at its price that joined before its trigger input, and
   * ahead of those that joined after it.
   */
  function checkPriorities(): void {
    const orders = (evidence?.snapshot as { orders?: unknown } | undefined)?.orders;
    if (!Array.isArray(orders)) return;
    type Open = { orderId: string; symbol: string; side: string; price: number; priority: number };
    const open: Open[] = orders.filter(
      (o): o is Open =>
        typeof o?.orderId === 'string' &&
        typeof o.price === 'number' &&
        typeof o.priority === 'number' &&
        o.priority > 0 &&
        (o.status === 'open' || o.status === 'partially_filled'),
    );
    for (const o of open) {
      const stop = stops.get(o.orderId);
      if (stop?.state !== 'triggered' || stop.triggeredTxn === undefined) continue;
      const mine = joined.get(o.orderId);
      if (mine === undefined) continue;
      for (const other of open) {
        if (other === o || other.symbol !== o.symbol || other.side !== o.side || other.price !== o.price)
          continue;
        const theirs = joined.get(other.orderId);
        if (theirs === undefined || theirs === mine) continue;
        count(STOPS_COUNTERPART);
        if (theirs < mine !== other.priority < o.priority)
          find(
            STOPS_COUNTERPART,
            `${stop.label} rests at ${show(o.price)} with priority ${o.priority} from its trigger at txn ${mine}, but ${other.orderId}, which joined that queue at txn ${theirs}, has priority ${other.priority}: a triggered stop_limit queues by its trigger time`,
            [stop.triggers[0]],
          );
      }
    }
  }
}

/**
 * The first txn from which the admin's record may miss events: after the admin's first
 * disconnect (it then resumes), after a crash, from a gap in an account or market stream, or
 * past the last event of a stream the final snapshot shows more of.
 */
function knownUntil(
  evidence: TradingEvidence,
  groups: readonly (readonly TradingRecord[])[],
): { txn: number; why: string } {
  let cut = { txn: Number.POSITIVE_INFINITY, why: '' };
  const at = (txn: number, why: string) => {
    if (txn < cut.txn) cut = { txn, why };
  };
  let away = Number.POSITIVE_INFINITY;
  for (const rec of evidence?.events ?? [])
    if (rec?.client === ADMIN_CLIENT && is(rec, 'session_disconnected')) away = Math.min(away, rec.gseq);
  for (const crash of evidence?.extra?.crashes ?? [])
    at(typeof crash?.txnBefore === 'number' ? crash.txnBefore + 1 : 1, 'the venue crashed');
  // On a venue shared across runs (over a socket) the admin subscribes after the reset that
  // starts the run and before its first action, so its streams start past seq 1; what precedes
  // is earlier runs' and the reset's. Under faults a lost first event looks the same: not taken.
  const faulty =
    (evidence?.extra?.faults?.length ?? 0) > 0 ||
    (evidence?.history ?? []).some((op) => (op?.action as { kind?: unknown } | undefined)?.kind === 'fault');
  const last = new Map<string, { seq: number; txn: number }>();
  for (const group of groups) {
    const txn = group[0].txn as number;
    if (group.some((r) => r.gseq > away)) at(txn, "the admin's connection dropped");
    for (const rec of group) {
      if (!rec.stream.startsWith('account:') && !rec.stream.startsWith('market:')) continue;
      const prev = last.get(rec.stream);
      if (prev === undefined ? rec.seq !== 1 && !is(rec, 'reset') && faulty : rec.seq !== prev.seq + 1)
        at(prev === undefined ? txn : prev.txn + 1, `${rec.stream} skips to seq ${rec.seq}`);
      last.set(rec.stream, { seq: rec.seq, txn });
    }
  }
  const streams = (evidence?.snapshot as { streams?: unknown } | undefined)?.streams;
  if (typeof streams === 'object' && streams !== null) {
    for (const [stream, seq] of Object.entries(streams as Record<string, unknown>)) {
      if (typeof seq !== 'number' || (!stream.startsWith('account:') && !stream.startsWith('market:')))
        continue;
      const seen = last.get(stream);
      // A stream the admin does not follow (the live account's, say) tells nothing here.
      if (seen === undefined) {
        if (seq > 0 && faulty) at(1, `the record has nothing of ${stream}`);
      } else if (seen.seq < seq) at(seen.txn + 1, `the record ends ${stream} at seq ${seen.seq} of ${seq}`);
    }
  }
  return cut;
}

/** One stop rule as an invariant: its findings of the run's shared report, and what it examined. */
export function stopInvariant(name: string, description: string, needs: readonly string[]): ScopedInvariant {
  return {
    name,
    description,
    needs,
    counts: 'stop-order checks',
    check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
      const report = stopReport(evidence);
      tally?.count(report.checked.get(name) ?? 0);
      return report.findings
        .filter((f) => f.invariant === name)
        .map((f) => violation(name, f.message, f.events, f.steps));
    },
    scope(evidence: TradingEvidence): CheckScope {
      const report = stopReport(evidence);
      return { checked: report.checked.get(name) ?? 0, skipped: report.skipped };
    },
  };
}
