import { fromAtoms } from '../../domains/trading/protocol/decimal-codec.ts';
import type { BalanceEvent } from '../../domains/trading/protocol/exchange-event.ts';
import type {
  AccountSnapshot,
  BookSnapshot,
  OrderSnapshot,
  PositionSnapshot,
} from '../../domains/trading/protocol/exchange-snapshot.ts';
import type { AccountState, InstrumentState, OrderState } from './engine-state.ts';
import type { BookSide } from './order-book.ts';
import { hasLimit } from './stop-book.ts';

/** Plain-data views of the engine's runtime records, in decimals. */
export function buildOrderSnapshot(order: OrderState): OrderSnapshot {
  const inst = order.instrument;
  const snapshot: OrderSnapshot = {
    orderId: order.id,
    clientOrderId: order.clientOrderId,
    account: order.account.id,
    symbol: inst.symbol,
    side: order.isBuy ? 'buy' : 'sell',
    type: order.type,
    tif: order.tif,
    price: hasLimit(order.type) ? fromAtoms(order.price, inst.priceScale) : null,
    qty: fromAtoms(order.qty, inst.qtyScale),
    filledQty: fromAtoms(order.filled, inst.qtyScale),
    remainingQty: fromAtoms(order.qty - order.filled, inst.qtyScale),
    status: order.status,
    priority: order.priority,
  };
  if (order.stopPrice > 0) {
    snapshot.stopPrice = fromAtoms(order.stopPrice, inst.priceScale);
    snapshot.triggered = !order.pending;
  }
  return snapshot;
}

/** Best first; the ladder keeps the best last and may hold emptied levels. */
function levels(side: BookSide, inst: InstrumentState): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = side.ladder.length - 1; i >= 0; i--) {
    const level = side.ladder[i];
    if (level.count === 0) continue;
    out.push([fromAtoms(level.price, inst.priceScale), fromAtoms(level.total, inst.qtyScale), level.count]);
  }
  return out;
}

export function buildBookSnapshot(inst: InstrumentState): BookSnapshot {
  return { symbol: inst.symbol, bids: levels(inst.bids, inst), asks: levels(inst.asks, inst) };
}

export function buildAccountSnapshot(
  acct: AccountState,
  balance: Omit<BalanceEvent, 'type'>,
  positions: PositionSnapshot[],
): AccountSnapshot {
  return {
    id: acct.id,
    leverage: acct.leverage,
    sandbox: acct.sandbox,
    cash: balance.cash,
    reserved: balance.reserved,
    positionMargin: balance.positionMargin,
    equity: balance.equity,
    available: balance.available,
    positions,
  };
}
