import { defaultExchangeConfig } from '../../../../src/domains/trading/protocol/exchange-config.ts';
import type { ExchangeInput, OrderRef } from '../../../../src/domains/trading/protocol/exchange-input.ts';
import type { OrderTarget, TradingAction } from '../../../../src/domains/trading/trading-action.ts';
import { Engine } from '../../../../src/exchange/engine/engine.ts';

/**
 * What a sequence must do for each planted bug to have a chance to show (see planted-bugs.ts),
 * as seen on the reference engine.
 */
export const BUG_TRIGGERS = [
  'partial_fill', // overfill, float_dust: a maker left partly filled
  'cancel_partly_filled', // reserve_leak_on_cancel
  'replace_onto_occupied_level', // replace_keeps_priority
  'self_trade_prevented', // self_trade
  'duplicate_id_refused', // duplicate_client_order_id
  'invalid_replace_of_open_order', // rejected_replace_drops_order
  'market_after_mark_move', // market_walks_band
  'fok_expired', // fok_partial_fill
  'post_only_refused', // post_only_crosses
  'maker_fill', // private_event_leak
  'mark_move_with_position', // stale_equity
  'cancel_all_with_orders', // journal_skips_cancel_all
  'reconnect_after_fills', // seq_gap_after_resync, duplicate_fill_on_resync
] as const;
export type BugTrigger = (typeof BUG_TRIGGERS)[number];

/** What sequences did to the reference engine: requests answered ok, trades, bug triggers reached. */
export interface ReplayStats {
  sequences: number;
  places: number;
  placesAccepted: number;
  cancels: number;
  cancelsAccepted: number;
  replaces: number;
  replacesAccepted: number;
  trades: number;
  /** In how many sequences each trigger happened at least once. */
  triggers: Record<BugTrigger, number>;
}

export function emptyStats(): ReplayStats {
  return {
    sequences: 0,
    places: 0,
    placesAccepted: 0,
    cancels: 0,
    cancelsAccepted: 0,
    replaces: 0,
    replacesAccepted: 0,
    trades: 0,
    triggers: Object.fromEntries(BUG_TRIGGERS.map((t) => [t, 0])) as Record<BugTrigger, number>,
  };
}

function toInput(action: TradingAction, ref: (target: OrderTarget) => OrderRef): ExchangeInput | undefined {
  switch (action.kind) {
    case 'place':
      return {
        op: 'place',
        account: action.client,
        symbol: action.symbol,
        side: action.side,
        type: action.orderType,
        ...(action.tif ? { tif: action.tif } : {}),
        ...('price' in action ? { price: action.price } : {}),
        qty: action.qty,
        clientOrderId: action.clientOrderId,
        ...(action.stp ? { stp: action.stp } : {}),
      };
    case 'cancel':
      return { op: 'cancel', account: action.client, ...ref(action.target) };
    case 'replace':
      return {
        op: 'replace',
        account: action.client,
        ...ref(action.target),
        ...('price' in action ? { price: action.price } : {}),
        ...('qty' in action ? { qty: action.qty } : {}),
      };
    case 'cancel_all':
      return {
        op: 'cancel_all',
        account: action.client,
        ...(action.symbol ? { symbol: action.symbol } : {}),
      };
    case 'set_mark':
      return { op: 'set_mark', symbol: action.symbol, price: action.price };
    case 'reconnect':
      return undefined;
  }
}

/**
 * Sends each action straight to a fresh engine (account = client, time = step). A target named
 * by order id uses the id the engine gave that step, as a client would once the reply arrived;
 * without one it falls back to the client order id. Reconnects have nothing to do here.
 */
export function replayOnEngine(
  actions: readonly TradingAction[],
  stats: ReplayStats = emptyStats(),
): ReplayStats {
  const engine = new Engine({ config: defaultExchangeConfig() });
  const orderIdOfStep = new Map<number, string>();
  const ref = (target: OrderTarget): OrderRef => {
    const orderId = target.byOrderId ? orderIdOfStep.get(target.step) : undefined;
    return orderId ? { orderId } : { clientOrderId: target.clientOrderId };
  };
  const seen = new Set<BugTrigger>();
  const markMoved = new Set<string>();
  let trades = 0;
  actions.forEach((action, step) => {
    const input = toInput(action, ref);
    if (!input) {
      if (trades > 0) seen.add('reconnect_after_fills');
      return;
    }
    const before = noteBefore(engine, action, input);
    const out = engine.apply(input, step);
    const response = out.response;
    const order = response.ok && response.result.kind === 'order' ? response.result.order : undefined;
    if (order && action.kind === 'place') orderIdOfStep.set(step, order.orderId);
    for (const { event } of out.events) {
      if (event.type === 'trade') trades += 1;
      if (event.type === 'fill' && event.liquidity === 'maker') {
        seen.add('maker_fill');
        if (event.remainingQty > 0) seen.add('partial_fill');
      }
      if (event.type === 'order_cancelled' && event.reason === 'self_trade') seen.add('self_trade_prevented');
      if (event.type === 'order_expired' && event.reason === 'fok') seen.add('fok_expired');
    }
    if (!response.ok && response.reason === 'duplicate_client_order_id') seen.add('duplicate_id_refused');
    if (!response.ok && response.reason === 'post_only_would_cross') seen.add('post_only_refused');
    if (action.kind === 'place') {
      stats.places += 1;
      if (response.ok) stats.placesAccepted += 1;
      if (action.orderType === 'market' && markMoved.has(action.symbol)) seen.add('market_after_mark_move');
    } else if (action.kind === 'cancel') {
      stats.cancels += 1;
      if (response.ok) stats.cancelsAccepted += 1;
      if (order && order.filledQty > 0) seen.add('cancel_partly_filled');
    } else if (action.kind === 'replace') {
      stats.replaces += 1;
      if (response.ok) stats.replacesAccepted += 1;
      if (response.ok && before.occupiedLevel) seen.add('replace_onto_occupied_level');
      if (!response.ok && before.openTarget && /^(price|qty)_/.test(response.reason)) {
        seen.add('invalid_replace_of_open_order');
      }
    } else if (action.kind === 'cancel_all') {
      if (response.ok && response.result.kind === 'cancel_all' && response.result.cancelled > 0) {
        seen.add('cancel_all_with_orders');
      }
    } else if (action.kind === 'set_mark' && response.ok) {
      markMoved.add(action.symbol);
      if (before.positionOpen) seen.add('mark_move_with_position');
    }
  });
  stats.sequences += 1;
  stats.trades += trades;
  for (const t of seen) stats.triggers[t] += 1;
  return stats;
}

/** The state a trigger depends on, read before the input is applied. */
function noteBefore(
  engine: Engine,
  action: TradingAction,
  input: ExchangeInput,
): { openTarget: boolean; occupiedLevel: boolean; positionOpen: boolean } {
  const note = { openTarget: false, occupiedLevel: false, positionOpen: false };
  if (input.op === 'replace') {
    const status = engine.orderStatus(input.account, input);
    const current = status.ok && status.result.kind === 'order' ? status.result.order : undefined;
    note.openTarget = current?.status === 'open' || current?.status === 'partially_filled';
    const mine = engine.openOrders(input.account).find((o) => o.orderId === current?.orderId);
    if (mine && typeof input.price === 'number' && input.price !== mine.price) {
      const book = engine.book(mine.symbol);
      const levels = mine.side === 'buy' ? book?.bids : book?.asks;
      note.occupiedLevel = levels?.some(([price]) => price === input.price) ?? false;
    }
  }
  if (action.kind === 'set_mark') {
    note.positionOpen = ['maker', 'taker', 'bystander'].some((id) =>
      engine.accountSnapshot(id)?.positions.some((p) => p.symbol === action.symbol && p.qty !== 0),
    );
  }
  return note;
}
