import type { ClientRequest } from '../protocol/protocol-messages.ts';
import type { OrderTarget, TradingAction } from '../trading-action.ts';

/**
 * The protocol request for a trading action sent at `step`. Its id is `s<step>`, so the reply
 * ties back to the step. An order named by the step that placed it goes by exchange order id
 * when that step's reply has arrived and the action asks for it, else by client order id.
 */
export function tradingRequest(
  action: Exclude<TradingAction, { kind: 'reconnect' } | { kind: 'fault' }>,
  step: number,
  orderIds: ReadonlyMap<number, string>,
): ClientRequest {
  const id = `s${step}`;
  switch (action.kind) {
    case 'place':
      return {
        id,
        type: 'place',
        symbol: action.symbol,
        side: action.side,
        orderType: action.orderType,
        ...(action.tif === undefined ? {} : { tif: action.tif }),
        ...(action.price === undefined ? {} : { price: action.price }),
        ...(action.stopPrice === undefined ? {} : { stopPrice: action.stopPrice }),
        qty: action.qty,
        clientOrderId: action.clientOrderId,
        ...(action.stp === undefined ? {} : { stp: action.stp }),
      };
    case 'cancel':
      return { id, type: 'cancel', ...orderRef(action.target, orderIds) };
    case 'replace':
      return {
        id,
        type: 'replace',
        ...orderRef(action.target, orderIds),
        ...(action.price === undefined ? {} : { price: action.price }),
        ...(action.qty === undefined ? {} : { qty: action.qty }),
      };
    case 'cancel_all':
      return { id, type: 'cancel_all', ...(action.symbol === undefined ? {} : { symbol: action.symbol }) };
    case 'set_mark':
      return { id, type: 'set_mark', symbol: action.symbol, price: action.price };
    case 'halt':
      return { id, type: 'halt', ...(action.symbol === undefined ? {} : { symbol: action.symbol }) };
    case 'resume_trading':
      return {
        id,
        type: 'resume_trading',
        ...(action.symbol === undefined ? {} : { symbol: action.symbol }),
      };
    case 'reset':
      return { id, type: 'reset' };
    case 'status':
      return { id, type: 'status', ...orderRef(action.target, orderIds) };
    case 'configure':
      // No request of the protocol: the venue was built from it (the reference client answers it
      // itself); where a frame must go out, it is a ping.
      return { id, type: 'ping' };
    case 'malformed':
      // As it is: the venue must refuse what is wrong with it. Only the id is the client's.
      return { ...action.request, id } as unknown as ClientRequest;
  }
}

function orderRef(
  target: OrderTarget,
  orderIds: ReadonlyMap<number, string>,
): { orderId?: string; clientOrderId?: string } {
  const orderId = target.byOrderId ? orderIds.get(target.step) : undefined;
  return orderId === undefined ? { clientOrderId: target.clientOrderId } : { orderId };
}
