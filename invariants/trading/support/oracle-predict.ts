import type { AccountRules } from './oracle-config.ts';
import { type ModelOrder, remaining, type Side, type VenueState } from './oracle-state.ts';
import { type AmountCheck, markCheck, priceCheck, qtyCheck } from './oracle-values.ts';

/**
 * What the venue's declared rules (docs/exchange.md) say about one request in one state: which
 * checks fail and with which reasons, and, for an accepted order, what matching must do. All of
 * it from the documentation and the config, none of it from the venue's code.
 */

/** One failing check: its name (see REJECT_CHECKS in the config) and the reasons it may give. */
export interface FailedCheck {
  check: string;
  reasons: string[];
}

export interface Verdict {
  failed: FailedCheck[];
  /** Why the rules cannot settle this request in this state (then nothing is judged). */
  unclear?: string;
}

const MAX_CLIENT_ORDER_ID = 64;
const KNOWN_TIFS: ReadonlySet<string> = new Set(['gtc', 'ioc', 'fok', 'post_only']);
const KNOWN_STP_MODES: ReadonlySet<string> = new Set(['cancel_newest', 'cancel_oldest', 'cancel_both']);

function amount(failed: FailedCheck[], check: string, result: AmountCheck): string | undefined {
  if (result.reasons.size > 0) failed.push({ check, reasons: [...result.reasons] });
  return result.unclear ? `its ${check} cannot be settled exactly` : undefined;
}

const sideOf = (x: unknown): Side | undefined => (x === 'buy' || x === 'sell' ? x : undefined);

/** The request fields a place carries, as sent. */
export interface PlaceRequest {
  symbol: unknown;
  side: unknown;
  orderType: unknown;
  tif?: unknown;
  price?: unknown;
  qty: unknown;
  clientOrderId: unknown;
  stp?: unknown;
}

export interface PlaceVerdict extends Verdict {
  /** Set when the request is valid: the order it must create. */
  order?: {
    side: Side;
    orderType: 'limit' | 'market';
    tif: string;
    price: number | null;
    qty: number;
    stp?: string;
  };
}

/** The place rules (docs/exchange.md, "Validation order" and "Accounts and margin"). */
export function judgePlace(state: VenueState, account: AccountRules, req: PlaceRequest): PlaceVerdict {
  // Stop orders (and any other type but limit and market) follow rules the oracle leaves out.
  if (
    (req.orderType !== 'limit' && req.orderType !== 'market') ||
    (req as { stopPrice?: unknown }).stopPrice !== undefined
  )
    return { failed: [], unclear: `${String(req.orderType)} orders are not modelled by the oracle` };
  const failed: FailedCheck[] = [];
  const unclear: string[] = [];
  const note = (u: string | undefined) => u !== undefined && unclear.push(u);
  const rules = state.rules;
  const cid = req.clientOrderId;
  if (typeof cid !== 'string' || cid.length < 1 || cid.length > MAX_CLIENT_ORDER_ID)
    failed.push({ check: 'client_order_id', reasons: ['invalid_request'] });
  const inst = state.instrument(req.symbol);
  if (inst === undefined) failed.push({ check: 'unknown_symbol', reasons: ['unknown_symbol'] });
  else {
    const isolated = rules.sandboxIsolation && account.sandbox !== inst.sandbox;
    if (isolated || account.forbidden.has(inst.symbol))
      failed.push({ check: 'forbidden_symbol', reasons: ['forbidden_symbol'] });
    if (state.halted.has(inst.symbol)) failed.push({ check: 'halted', reasons: ['halted'] });
  }
  if (typeof cid === 'string') {
    const taken = state.byClientId(account.id, cid);
    if (taken === 'unclear') note('whether its client order id is still remembered is unclear');
    else if (taken !== 'unknown')
      failed.push({ check: 'duplicate_client_order_id', reasons: ['duplicate_client_order_id'] });
  }
  const side = sideOf(req.side);
  const type = req.orderType === 'limit' || req.orderType === 'market' ? req.orderType : undefined;
  const tif = req.tif === undefined ? (type === 'market' ? 'ioc' : 'gtc') : req.tif;
  const stp = req.stp === undefined ? rules.defaultStp : req.stp;
  const tifOk = typeof tif === 'string' && KNOWN_TIFS.has(tif);
  const stpOk = req.stp === undefined || (typeof stp === 'string' && KNOWN_STP_MODES.has(stp));
  if (
    side === undefined ||
    type === undefined ||
    !tifOk ||
    (type === 'market' && (tif === 'gtc' || tif === 'post_only')) ||
    !stpOk
  )
    failed.push({ check: 'order_fields', reasons: ['invalid_request'] });
  const qty = qtyCheck(req.qty, inst);
  note(amount(failed, 'qty', qty));
  let price: number | null = null;
  if (type === 'limit') {
    const p = priceCheck(req.price, inst, inst === undefined ? undefined : state.band(inst.symbol));
    note(amount(failed, 'price', p));
    price = p.atoms ?? null;
    if (inst !== undefined && side !== undefined && tif === 'post_only' && p.atoms !== undefined) {
      const best = state.best(inst.symbol, side === 'buy' ? 'sell' : 'buy');
      if (best !== undefined && (side === 'buy' ? p.atoms >= best : p.atoms <= best))
        failed.push({ check: 'post_only_would_cross', reasons: ['post_only_would_cross'] });
    }
  }
  if (inst !== undefined && side !== undefined && qty.atoms !== undefined) {
    const risk = state.risk(account.id, inst.symbol, side, qty.atoms);
    note(risk.unclear);
    if (risk.maxPosition) failed.push({ check: 'max_position', reasons: ['max_position'] });
    if (risk.funds)
      failed.push({
        check: 'funds',
        reasons: [account.leverage > 1 ? 'insufficient_margin' : 'insufficient_funds'],
      });
    const modes = rules.venueModes;
    if (modes.rejectEntries || modes.rejectExits) {
      const pos = state.position(account.id, inst.symbol);
      const faces = side === 'buy' ? pos < 0 : pos > 0;
      const exit = faces;
      const entry = !faces || qty.atoms > Math.abs(pos);
      if ((exit && modes.rejectExits) || (entry && modes.rejectEntries))
        failed.push({ check: 'venue_rejected', reasons: ['venue_rejected'] });
    }
  } else if (rules.venueModes.rejectEntries || rules.venueModes.rejectExits) {
    if (failed.length === 0) note('the venue modes cannot be settled without a valid side and quantity');
  }
  const verdict: PlaceVerdict = { failed };
  if (unclear.length > 0) verdict.unclear = unclear[0];
  if (
    failed.length === 0 &&
    unclear.length === 0 &&
    side &&
    type &&
    typeof tif === 'string' &&
    qty.atoms !== undefined
  ) {
    verdict.order = {
      side,
      orderType: type,
      tif,
      price: type === 'limit' ? price : null,
      qty: qty.atoms,
      ...(typeof stp === 'string' ? { stp } : {}),
    };
  }
  return verdict;
}

/** How a cancel or replace names its order. */
export type OrderRef = { orderId: string } | { clientOrderId: string } | { none: true };

export function describeRef(ref: OrderRef): string {
  if ('orderId' in ref) return `order id ${ref.orderId}`;
  if ('clientOrderId' in ref) return `client order id ${ref.clientOrderId}`;
  return 'no order';
}

/** The order lookup of cancel and replace: the order, or the check that fails. */
export function lookup(
  state: VenueState,
  account: string,
  ref: OrderRef,
): { order: ModelOrder } | { failed: FailedCheck } | { unclear: string } {
  if ('orderId' in ref) {
    const found = state.byId(ref.orderId);
    if (found === 'unclear') return { unclear: `whether ${ref.orderId} is still remembered is unclear` };
    if (found === 'unknown') return { failed: { check: 'order_lookup', reasons: ['unknown_order'] } };
    if (found.account !== account) return { failed: { check: 'order_lookup', reasons: ['not_order_owner'] } };
    return { order: found };
  }
  if ('clientOrderId' in ref) {
    const found = state.byClientId(account, ref.clientOrderId);
    if (found === 'unclear')
      return { unclear: `whether ${ref.clientOrderId} is still remembered is unclear` };
    if (found === 'unknown') return { failed: { check: 'order_lookup', reasons: ['unknown_order'] } };
    return { order: found };
  }
  return { failed: { check: 'order_lookup', reasons: ['invalid_request'] } };
}

export interface OrderVerdict extends Verdict {
  order?: ModelOrder;
}

export function judgeCancel(state: VenueState, account: AccountRules, ref: OrderRef): OrderVerdict {
  const found = lookup(state, account.id, ref);
  if ('unclear' in found) return { failed: [], unclear: found.unclear };
  if ('failed' in found) return { failed: [found.failed] };
  const failed: FailedCheck[] = [];
  if (!found.order.open) failed.push({ check: 'order_not_open', reasons: ['order_not_open'] });
  else if (state.rules.venueModes.rejectCancels)
    failed.push({ check: 'venue_rejected', reasons: ['venue_rejected'] });
  return { failed, order: found.order };
}

export interface ReplaceVerdict extends OrderVerdict {
  /** For a valid replace: the new price and quantity, and whether the order keeps its place. */
  change?: { price: number; qty: number; priceChanged: boolean; growth: number; priorityKept: boolean };
}

/** The replace rules (docs/exchange.md, "Cancel-replace" and "Validation order"). */
export function judgeReplace(
  state: VenueState,
  account: AccountRules,
  ref: OrderRef,
  req: { price?: unknown; qty?: unknown },
): ReplaceVerdict {
  const found = lookup(state, account.id, ref);
  if ('unclear' in found) return { failed: [], unclear: found.unclear };
  if ('failed' in found) return { failed: [found.failed] };
  const order = found.order;
  if (!order.open) return { failed: [{ check: 'order_not_open', reasons: ['order_not_open'] }], order };
  if (order.pending)
    return { failed: [], unclear: `${order.id} is a stop order waiting for its trigger`, order };
  if (order.price === null)
    return { failed: [], unclear: `${order.id} is open without a limit price`, order };
  const inst = state.instrument(order.symbol);
  if (inst === undefined) return { failed: [], unclear: `${order.id} is on an unknown symbol`, order };
  const failed: FailedCheck[] = [];
  const unclear: string[] = [];
  if (state.halted.has(order.symbol)) failed.push({ check: 'halted', reasons: ['halted'] });
  let price: number | undefined = order.price;
  if (req.price !== undefined) {
    const p = priceCheck(req.price, inst, state.band(order.symbol));
    const u = amount(failed, 'price', p);
    if (u) unclear.push(u);
    price = p.atoms;
  }
  let qty: number | undefined = order.qty;
  if (req.qty !== undefined) {
    const q = qtyCheck(req.qty, inst);
    const u = amount(failed, 'qty', q);
    if (u) unclear.push(u);
    qty = q.atoms;
  }
  if (qty !== undefined && qty <= order.filled)
    failed.push({ check: 'replace_qty_not_above_filled', reasons: ['replace_qty_not_above_filled'] });
  if (price !== undefined && qty !== undefined && price === order.price && qty === order.qty)
    failed.push({ check: 'replace_no_change', reasons: ['replace_no_change'] });
  const priceChanged = price !== undefined && price !== order.price;
  if (priceChanged && order.tif === 'post_only' && price !== undefined) {
    const best = state.best(order.symbol, order.side === 'buy' ? 'sell' : 'buy');
    if (best !== undefined && (order.side === 'buy' ? price >= best : price <= best))
      failed.push({ check: 'post_only_would_cross', reasons: ['post_only_would_cross'] });
  }
  const growth = qty === undefined ? 0 : qty - order.qty;
  if (growth > 0) {
    const risk = state.risk(account.id, order.symbol, order.side, growth);
    if (risk.unclear) unclear.push(risk.unclear);
    if (risk.maxPosition) failed.push({ check: 'max_position', reasons: ['max_position'] });
    if (risk.funds)
      failed.push({
        check: 'funds',
        reasons: [account.leverage > 1 ? 'insufficient_margin' : 'insufficient_funds'],
      });
  }
  const verdict: ReplaceVerdict = { failed, order };
  if (unclear.length > 0) verdict.unclear = unclear[0];
  if (failed.length === 0 && unclear.length === 0 && price !== undefined && qty !== undefined) {
    verdict.change = { price, qty, priceChanged, growth, priorityKept: !priceChanged && growth <= 0 };
  }
  return verdict;
}

/** set_mark: a known symbol and a mark the rules allow; nothing of the state matters. */
export function judgeSetMark(
  state: VenueState,
  symbol: unknown,
  price: unknown,
): Verdict & { mark?: number } {
  const inst = state.instrument(symbol);
  if (inst === undefined) return { failed: [{ check: 'unknown_symbol', reasons: ['unknown_symbol'] }] };
  const failed: FailedCheck[] = [];
  const check = markCheck(price, inst);
  const u = amount(failed, 'price', check);
  const verdict: Verdict & { mark?: number } = { failed };
  if (u) verdict.unclear = u;
  if (failed.length === 0 && check.atoms !== undefined) verdict.mark = check.atoms;
  return verdict;
}

/**
 * Whether a refusal is one the rules allow: its reason must belong to a failing check, and,
 * when the venue declares the order of its checks for this request, to the first failing one.
 * Returns undefined when it is, else why not.
 */
export function refusalProblem(
  request: string,
  reason: string,
  failed: FailedCheck[],
  precedence: ReadonlyMap<string, readonly string[]>,
): string | undefined {
  // What applies, written only into a problem found.
  const all = () => [...new Set(failed.flatMap((f) => f.reasons))].join(', ');
  if (!failed.some((f) => f.reasons.includes(reason)))
    return `no rule makes ${reason} apply (what applies: ${all()})`;
  const order = precedence.get(request);
  if (order === undefined || order.length === 0) return undefined;
  // Only a fully declared order ranks the checks; one it does not list leaves any reason fine.
  if (!failed.every((f) => order.includes(f.check))) return undefined;
  const first = [...failed].sort((a, b) => order.indexOf(a.check) - order.indexOf(b.check))[0];
  if (first.reasons.includes(reason)) return undefined;
  return `the declared check order puts ${first.check} first, so the reason is ${first.reasons.join(' or ')} (what applies: ${all()})`;
}

// ------------------------------------------------------------------ matching

/** A taker about to meet the book: a new order, or a replaced one that now crosses. */
export interface Taker {
  id: string;
  account: string;
  symbol: string;
  side: Side;
  orderType: string;
  tif: string;
  /** Limit price in atoms; null for a market order (it stops at the band edge). */
  price: number | null;
  qty: number;
  stp: string | undefined;
}

export type Step =
  | { kind: 'trade'; maker: string; qty: number; price: number }
  | { kind: 'stp'; order: string };

export type End = 'filled' | 'rest' | 'expired' | 'cancelled';

export interface Outcome {
  steps: Step[];
  filled: number;
  end: End;
  /** The taker reached an order of its own account. */
  stp: boolean;
  unclear?: string;
}

/**
 * What matching must do (docs/exchange.md, "Matching" and "Self-trade prevention"): price-time
 * priority through the book up to the taker's limit (the band edge for a market order), each
 * trade at the resting price for min(taker left, maker left); an own resting order triggers the
 * taker's stp; a fok first counts what it could take (own orders skipped under cancel_oldest,
 * ending the count otherwise) and expires untouched if that is short; what is left rests (gtc
 * limit) or expires (ioc, fok, market).
 */
export function predictTake(state: VenueState, taker: Taker, filledBefore = 0): Outcome {
  const band = state.band(taker.symbol);
  const limit = taker.price ?? (taker.side === 'buy' ? band?.high : band?.low);
  const out: Outcome = { steps: [], filled: 0, end: 'rest', stp: false };
  if (limit === undefined || Number.isNaN(limit))
    return { ...out, unclear: 'no band to stop a market order' };
  const buy = taker.side === 'buy';
  const makers = state
    .resting(taker.symbol, buy ? 'sell' : 'buy')
    .filter((m) => m.id !== taker.id && (buy ? (m.price as number) <= limit : (m.price as number) >= limit));
  if (makers.some((m) => m.rankUnsure))
    return { ...out, unclear: 'the queue order of orders that rested together' };
  const own = (m: ModelOrder) => m.account === taker.account;
  const mode = taker.stp;
  const modeKnown = mode === 'cancel_newest' || mode === 'cancel_oldest' || mode === 'cancel_both';
  let left = taker.qty - filledBefore;
  if (taker.tif === 'fok') {
    let total = 0;
    for (const m of makers) {
      if (own(m)) {
        out.stp = true;
        if (!modeKnown) return { ...out, unclear: 'the self-trade prevention of the order is not known' };
        if (mode === 'cancel_oldest') continue;
        break;
      }
      total += remaining(m);
    }
    if (total < left) return { steps: [], filled: 0, end: 'expired', stp: false };
  }
  for (const m of makers) {
    if (left <= 0) break;
    if (own(m)) {
      out.stp = true;
      if (!modeKnown) return { ...out, unclear: 'the self-trade prevention of the order is not known' };
      if (mode === 'cancel_oldest' || mode === 'cancel_both') out.steps.push({ kind: 'stp', order: m.id });
      if (mode === 'cancel_newest' || mode === 'cancel_both') {
        out.steps.push({ kind: 'stp', order: taker.id });
        out.end = 'cancelled';
        return out;
      }
      continue;
    }
    const qty = Math.min(left, remaining(m));
    out.steps.push({ kind: 'trade', maker: m.id, qty, price: m.price as number });
    out.filled += qty;
    left -= qty;
  }
  if (left <= 0) out.end = 'filled';
  else if (taker.orderType === 'limit' && (taker.tif === 'gtc' || taker.tif === 'post_only'))
    out.end = 'rest';
  else out.end = 'expired';
  return out;
}

/** The expiry reason the rules give an order that may not rest. */
export function expiryReason(orderType: string, tif: string): string {
  return tif === 'fok' ? 'fok' : orderType === 'market' ? 'market' : 'ioc';
}

/** set_mark's cancels: resting orders of the symbol outside the new band, in creation order. */
export function outsideBand(
  state: VenueState,
  symbol: string,
  band: { low: number; high: number },
): ModelOrder[] {
  return state
    .openOrders(undefined, symbol)
    .filter((o) => o.price !== null && (o.price < band.low || o.price > band.high));
}
