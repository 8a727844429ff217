import { groupByTxn, orderOwners } from './admin-record.ts';
import {
  accountOfStream,
  type EventOf,
  is,
  isOrderEvent,
  type RecordOf,
  type TradingRecord,
} from './events.ts';
import { type InstrumentGrid, lotsOf, qtyOfLots } from './instrument-grid.ts';
import { show } from './numbers.ts';
import { worstCase } from './oracle-formulas.ts';
import { orderLabel } from './order-label.ts';

/** An order accepted although it added exposure the account could not fund. */
export interface UnfundedAcceptance {
  message: string;
  events: TradingRecord[];
}

interface Exposure {
  position: number;
  openBuy: number;
  openSell: number;
}

interface OpenOrder {
  account: string;
  symbol: string;
  buy: boolean;
  remaining: number;
  /** The exposure of its account and symbol (an entry made once, then only changed in place). */
  exposure: Exposure;
}

/**
 * The venue accepts an order that makes an account's worst case larger only if `available`
 * stays >= 0 afterwards. When nothing of the account traded in that input, the balance sent at
 * its end shows exactly that state, so its `available` must not be negative. (An input that
 * traded is skipped: a fill away from the mark moves cash by more than the margin check saw.)
 * Quantities are tracked in lots from the admin's record.
 */
export function unfundedAcceptances(
  record: readonly TradingRecord[],
  grids: ReadonlyMap<string, Readonly<InstrumentGrid>>,
): UnfundedAcceptance[] {
  const found: UnfundedAcceptance[] = [];
  const owners = orderOwners(record);
  const exposure = new Map<string, Exposure>();
  const orders = new Map<string, OpenOrder>();
  const exposureOf = (account: string, symbol: string): Exposure => {
    const key = `${account}|${symbol}`;
    let e = exposure.get(key);
    if (e === undefined) {
      e = { position: 0, openBuy: 0, openSell: 0 };
      exposure.set(key, e);
    }
    return e;
  };
  const adjust = (order: OpenOrder, remaining: number): void => {
    const e = order.exposure;
    if (order.buy) e.openBuy += remaining - order.remaining;
    else e.openSell += remaining - order.remaining;
    order.remaining = remaining;
  };

  for (const group of groupByTxn(record)) {
    // Made on first use: most inputs grow no worst case.
    let grew:
      | Map<
          string,
          { accepted: TradingRecord; event: EventOf<'order_accepted'>; before: number; after: number }
        >
      | undefined;
    let traded: Set<string> | undefined;
    let lastBalance: Map<string, RecordOf<'balance'>> | undefined;
    for (const rec of group) {
      const account = accountOfStream(rec.stream);
      if (account === undefined) continue;
      if (is(rec, 'reset')) {
        for (const [key, e] of exposure)
          if (key.startsWith(`${account}|`)) Object.assign(e, { position: 0, openBuy: 0, openSell: 0 });
        for (const [id, o] of orders) if (o.account === account) orders.delete(id);
      } else if (is(rec, 'position')) {
        exposureOf(account, rec.event.symbol).position = lotsOf(grids, rec.event.symbol, rec.event.qty);
      } else if (is(rec, 'balance')) {
        lastBalance ??= new Map();
        lastBalance.set(account, rec);
      } else if (isOrderEvent(rec) && owners.get(rec.event.orderId) === account) {
        const e = rec.event;
        if (e.type === 'order_accepted') {
          if (orders.has(e.orderId)) continue;
          const x = exposureOf(account, e.symbol);
          const before = worstCase(x.position, x.openBuy, x.openSell);
          const order: OpenOrder = {
            account,
            symbol: e.symbol,
            buy: e.side === 'buy',
            remaining: 0,
            exposure: x,
          };
          orders.set(e.orderId, order);
          adjust(order, lotsOf(grids, e.symbol, e.qty));
          const after = worstCase(x.position, x.openBuy, x.openSell);
          if (after > before) {
            grew ??= new Map();
            grew.set(account, { accepted: rec, event: e, before, after });
          }
          continue;
        }
        const order = orders.get(e.orderId);
        if (order === undefined) continue;
        if (e.type === 'fill') {
          traded ??= new Set();
          traded.add(account);
          adjust(order, order.remaining - lotsOf(grids, order.symbol, e.qty));
        } else if (e.type === 'order_replaced') {
          adjust(order, lotsOf(grids, order.symbol, e.remainingQty));
        } else {
          adjust(order, 0);
          orders.delete(e.orderId);
        }
      }
    }
    if (grew === undefined) continue;
    for (const [account, { accepted, event: e, before, after }] of grew) {
      const balance = lastBalance?.get(account);
      if (traded?.has(account) || balance === undefined || !(balance.event.available < -1e-9)) continue;
      const worst = `${show(qtyOfLots(grids, e.symbol, before))} -> ${show(qtyOfLots(grids, e.symbol, after))}`;
      found.push({
        message: `${orderLabel(e.orderId, account, e.clientOrderId)} was accepted although it raised the worst-case position (${worst}) and left available ${show(balance.event.available)} < 0`,
        events: [accepted, balance],
      });
    }
  }
  return found;
}
