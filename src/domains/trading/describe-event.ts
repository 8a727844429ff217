import type { TradingClientEvent } from './trading-client-event.ts';

/** Order ids with the client's own id beside them: the id people wrote in the action. */
const order = (orderId: string | undefined, clientOrderId: string | undefined): string =>
  `${orderId ?? '?'}${clientOrderId ? ` (${clientOrderId})` : ''}`;

const seqs = (byStream: Record<string, number>): string =>
  Object.entries(byStream)
    .map(([stream, seq]) => `${stream}@${seq}`)
    .join(', ') || 'no streams';

/**
 * One short line per event, for reports and counterexamples: the type first, then who and
 * what, with the numbers an invariant reasons about (filled, left, expected/got).
 */
export function describeEvent(event: TradingClientEvent): string {
  switch (event.type) {
    case 'order_accepted':
      return `order_accepted ${order(event.orderId, event.clientOrderId)} ${event.symbol} ${event.side} ${event.orderType}/${event.tif} ${event.qty}@${event.price ?? 'market'}${event.stopPrice === undefined ? '' : ` stop ${event.stopPrice}`}`;
    case 'order_triggered':
      return `order_triggered ${order(event.orderId, event.clientOrderId)} ${event.side} stop ${event.stopPrice} by ${event.triggerTradeId}@${event.triggerPrice}, now ${event.orderType}/${event.tif} ${event.qty}@${event.price ?? 'market'}`;
    case 'order_rejected': {
      const who = [event.clientOrderId, event.orderId, event.symbol].filter((part) => part !== undefined);
      return `order_rejected ${event.request} ${event.reason}${who.length ? ` ${who.join(' ')}` : ''}`;
    }
    case 'fill':
      return `fill ${order(event.orderId, event.clientOrderId)} ${event.side} ${event.qty}@${event.price} ${event.liquidity}, filled ${event.filledQty} left ${event.remainingQty}`;
    case 'order_cancelled':
      return `order_cancelled ${order(event.orderId, event.clientOrderId)} ${event.reason}, filled ${event.filledQty} cancelled ${event.cancelledQty}`;
    case 'order_replaced':
      return `order_replaced ${order(event.orderId, event.clientOrderId)} ${event.qty}@${event.price}, filled ${event.filledQty} left ${event.remainingQty}, priority ${event.priorityKept ? 'kept' : 'lost'}`;
    case 'order_expired':
      return `order_expired ${order(event.orderId, event.clientOrderId)} ${event.reason}, filled ${event.filledQty} expired ${event.expiredQty}`;
    case 'balance':
      return `balance cash ${event.cash} reserved ${event.reserved} margin ${event.positionMargin} equity ${event.equity} available ${event.available}`;
    case 'position':
      return `position ${event.symbol} ${event.qty} mark ${event.markPrice} upnl ${event.unrealizedPnl}`;
    case 'trade':
      return `trade ${event.tradeId} ${event.symbol} ${event.qty}@${event.price} taker ${event.takerSide}`;
    case 'mark_price':
      return `mark_price ${event.symbol} ${event.price} band ${event.bandLow}..${event.bandHigh}`;
    case 'instrument_status':
      return `instrument_status ${event.symbol} ${event.halted ? 'halted' : 'trading'}`;
    case 'book_delta':
      return `book_delta ${event.symbol} ${event.side} ${event.price} now ${event.qty}`;
    case 'reset':
      return 'reset';
    case 'session_connected':
      return `session_connected ${event.account ?? 'no account'}`;
    case 'session_disconnected':
      return `session_disconnected${event.reason ? ` ${event.reason}` : ''}`;
    case 'session_resynced': {
      const orders = event.snapshot.accounts.reduce((n, a) => n + a.openOrders.length, 0);
      return `session_resynced ${orders} open orders, ${seqs(event.seqs)}`;
    }
    case 'session_resumed':
      return `session_resumed from ${seqs(event.from)}`;
    case 'session_reconnect_attempt':
      return `session_reconnect_attempt ${event.attempt} after ${event.backoffMs}ms`;
    case 'session_retry': {
      const asked = event.retryAfterMs !== undefined ? ` (asked ${event.retryAfterMs}ms)` : '';
      return `session_retry step ${event.step} attempt ${event.attempt} ${event.reason} after ${event.afterMs}ms${asked}${event.clientOrderId ? ` ${event.clientOrderId}` : ''}`;
    }
    case 'session_gap':
      return `session_gap ${event.stream} expected ${event.expected} got ${event.got}`;
    case 'session_bad_frame':
      return `session_bad_frame ${event.reason}`;
    default:
      return unknownEvent(event);
  }
}

/**
 * Compiling this call proves the switch above names every event type; at run time a replay
 * file edited by hand may still hold one it does not, which is shown as it is.
 */
function unknownEvent(event: never): string {
  return JSON.stringify(event) ?? String(event);
}
