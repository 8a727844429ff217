import type { SubjectOrder } from '../../src/domains/bots/subject.ts';
import type { EventMessage } from '../../src/domains/trading/protocol/protocol-messages.ts';
import type { ResyncSnapshot } from '../../src/domains/trading/protocol/resync-snapshot.ts';

/** What the bot knows of one of its orders, from whatever it heard first. */
export interface OrderRecord {
  symbol: string;
  side: 'buy' | 'sell';
  price: number | null;
  qty: number;
  filledQty: number;
  /** order_accepted seen (or the order was in a resync snapshot). */
  accepted: boolean;
  /** Finished: filled, cancelled, expired or rejected. */
  done: boolean;
}

/**
 * The grid bot's belief about its account, folded from the venue's events so that the order
 * they come in does not matter (a fresh instance fed them shuffled ends in the same place):
 * fills are counted once by trade, an order once finished stays finished, the cash is the
 * balance with the highest seq.
 */
export interface Belief {
  account: string;
  orders: Record<string, OrderRecord>;
  /** Fills counted, by `tradeId/orderId`. */
  fills: Record<string, true>;
  positions: Record<string, number>;
  cash: number | null;
  cashSeq: number;
}

export function emptyBelief(account: string): Belief {
  return { account, orders: {}, fills: {}, positions: {}, cash: null, cashSeq: 0 };
}

const EPS = 1e-9;

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

function recordOf(belief: Belief, clientOrderId: string, symbol: string, side: 'buy' | 'sell'): OrderRecord {
  let record = belief.orders[clientOrderId];
  if (record === undefined) {
    record = { symbol, side, price: null, qty: 0, filledQty: 0, accepted: false, done: false };
    belief.orders[clientOrderId] = record;
  }
  return record;
}

/**
 * Folds one event of the bot's account stream into the belief. Returns the signed quantity a
 * fill added to the position (0 for anything else), so the caller can react to it.
 */
export function applyEvent(belief: Belief, message: EventMessage): number {
  if (message.stream !== `account:${belief.account}`) return 0;
  const event = message.event;
  switch (event.type) {
    case 'order_accepted': {
      const record = recordOf(belief, event.clientOrderId, event.symbol, event.side);
      record.accepted = true;
      record.symbol = event.symbol;
      record.side = event.side;
      record.price = event.price;
      record.qty = event.qty;
      return 0;
    }
    case 'fill': {
      const record = recordOf(belief, event.clientOrderId, event.symbol, event.side);
      record.filledQty = Math.max(record.filledQty, event.filledQty);
      if (record.qty === 0) record.qty = round(event.filledQty + event.remainingQty);
      if (event.remainingQty <= EPS) record.done = true;
      const key = `${event.tradeId}/${event.orderId}`;
      if (belief.fills[key]) return 0;
      belief.fills[key] = true;
      const signed = event.side === 'buy' ? event.qty : -event.qty;
      belief.positions[event.symbol] = round((belief.positions[event.symbol] ?? 0) + signed);
      return signed;
    }
    case 'order_cancelled':
    case 'order_expired': {
      const record = belief.orders[event.clientOrderId];
      if (record === undefined) {
        belief.orders[event.clientOrderId] = {
          symbol: event.symbol,
          side: 'buy',
          price: null,
          qty: 0,
          filledQty: event.filledQty,
          accepted: false,
          done: true,
        };
      } else {
        record.done = true;
        record.filledQty = Math.max(record.filledQty, event.filledQty);
      }
      return 0;
    }
    case 'order_replaced': {
      const record = belief.orders[event.clientOrderId];
      if (record !== undefined) {
        record.price = event.price;
        record.qty = event.qty;
        record.filledQty = Math.max(record.filledQty, event.filledQty);
      }
      return 0;
    }
    case 'order_rejected': {
      if (event.request === 'place' && event.clientOrderId !== undefined) {
        const record = belief.orders[event.clientOrderId];
        // A duplicate id is refused without touching the order that has it.
        if (event.reason !== 'duplicate_client_order_id') {
          if (record === undefined)
            belief.orders[event.clientOrderId] = {
              symbol: event.symbol ?? '',
              side: 'buy',
              price: null,
              qty: 0,
              filledQty: 0,
              accepted: false,
              done: true,
            };
          else if (!record.accepted) record.done = true;
        }
      }
      return 0;
    }
    case 'balance':
      if (message.seq > belief.cashSeq) {
        belief.cash = event.cash;
        belief.cashSeq = message.seq;
      }
      return 0;
    default:
      return 0;
  }
}

/**
 * Adopts what a resync says about the account: its open orders, positions and cash are the
 * truth from here on. Returns the orders it believed open that the venue no longer has (ghost
 * fills or cancels that happened while it was not looking).
 */
export function adoptSnapshot(
  belief: Belief,
  snapshot: ResyncSnapshot,
  accountSeq: number,
): { vanished: string[]; positionsBefore: Record<string, number> } {
  const entry = snapshot.accounts.find((a) => a.account.id === belief.account);
  const positionsBefore = { ...belief.positions };
  if (entry === undefined) return { vanished: [], positionsBefore };
  const open = new Map(entry.openOrders.map((o) => [o.clientOrderId, o]));
  const vanished: string[] = [];
  for (const [clientOrderId, record] of Object.entries(belief.orders)) {
    if (record.done || open.has(clientOrderId)) continue;
    if (record.accepted) vanished.push(clientOrderId);
    record.done = true;
  }
  for (const order of entry.openOrders) {
    const record = recordOf(belief, order.clientOrderId, order.symbol, order.side);
    record.accepted = true;
    record.done = false;
    record.price = order.price;
    record.qty = order.qty;
    record.filledQty = order.filledQty;
  }
  belief.positions = {};
  for (const position of entry.account.positions) {
    if (Math.abs(position.qty) > EPS) belief.positions[position.symbol] = position.qty;
  }
  belief.cash = entry.account.cash;
  belief.cashSeq = Math.max(belief.cashSeq, accountSeq);
  return { vanished, positionsBefore };
}

/** The orders it believes open, by client order id. */
export function openOrders(belief: Belief): Record<string, SubjectOrder> {
  const out: Record<string, SubjectOrder> = {};
  for (const [clientOrderId, r] of Object.entries(belief.orders)) {
    if (!r.accepted || r.done) continue;
    out[clientOrderId] = {
      clientOrderId,
      symbol: r.symbol,
      side: r.side,
      price: r.price,
      qty: r.qty,
      filledQty: r.filledQty,
    };
  }
  return out;
}
