import { BTC, LIVE_BTC } from './scenario-script.ts';
import { scenario, type TradingScenario } from './trading-scenario.ts';

/** From the multi-user trading engine test plan (003), by its ids, where they apply to a venue. */
export const CATALOG_003: readonly TradingScenario[] = [
  scenario(
    {
      name: 'OR-01',
      source: '003',
      description: 'a market buy fills against resting asks and leaves nothing resting',
      tags: ['market', 'fill', 'open->filled'],
    },
    (s) => {
      s.place('maker', { side: 'sell', price: 20000, qty: 0.003 });
      const buy = s.place('taker', { side: 'buy', type: 'market', qty: 0.002 });
      s.waitFor('taker', 'fill', (e) => e.clientOrderId === s.clientOrderIdOf(buy) && e.remainingQty === 0);
      s.expectOrder('taker', buy, 'filled', 0.002);
      s.expectPosition('taker', 0.002);
    },
  ),
  scenario(
    {
      name: 'OR-02',
      source: '003',
      description: 'an order for zero quantity is rejected',
      tags: ['qty_zero', 'order_rejected'],
    },
    (s) => {
      s.reject('taker', { side: 'buy', price: 20000, qty: 0 }, 'qty_zero');
      s.waitFor('taker', 'order_rejected', (e) => e.reason === 'qty_zero');
    },
  ),
  scenario(
    {
      name: 'OR-03',
      source: '003',
      description: 'an order for a negative quantity is rejected',
      tags: ['qty_negative', 'order_rejected'],
    },
    (s) => {
      s.reject('taker', { side: 'buy', price: 20000, qty: -0.001 }, 'qty_negative');
      s.waitFor('taker', 'order_rejected', (e) => e.reason === 'qty_negative');
    },
  ),
  scenario(
    {
      name: 'OR-04',
      source: '003',
      description: 'a buy the cash cannot pay for is rejected, and no cash moves',
      tags: ['insufficient_funds', 'order_rejected'],
      invariants: ['funds.conservation', 'funds.reserves', 'orders.lifecycle'],
    },
    (s) => {
      // The bystander (100,000 cash, no leverage) holds 1 BTC: 80,000 is left to back orders.
      s.place('maker', { side: 'sell', price: 20000, qty: 1 });
      s.place('bystander', { side: 'buy', price: 20000, qty: 1, tif: 'ioc' });
      s.waitFor('bystander', 'position', (e) => e.qty === 1);
      s.reject('bystander', { side: 'buy', price: 20000, qty: 4.5 }, 'insufficient_funds');
      s.expect('no cash was reserved for the rejected order', (context) => {
        const reserved = context.view('bystander').balance?.reserved ?? 0;
        return reserved === 0 ? undefined : `bystander has ${reserved} reserved after a rejected order`;
      });
    },
  ),
  scenario(
    {
      name: 'RK-01',
      source: '003',
      description:
        'the risk check counts open orders: a second order that the remaining cash cannot back is rejected',
      tags: ['insufficient_funds', 'balance'],
      invariants: ['funds.reserves', 'funds.conservation'],
    },
    (s) => {
      s.place('bystander', { side: 'buy', price: 20000, qty: 3 });
      s.reject('bystander', { side: 'buy', price: 20000, qty: 3 }, 'insufficient_funds');
    },
  ),
  scenario(
    {
      name: 'RK-02',
      source: '003',
      description: 'orders that would take the position past the instrument maximum are rejected',
      tags: ['max_position', 'order_rejected'],
    },
    (s) => {
      s.place('maker', { side: 'sell', price: 20000, qty: 5 });
      s.place('maker', { side: 'sell', price: 20000, qty: 5 });
      s.place('taker', { side: 'buy', price: 20000, qty: 5, tif: 'ioc' });
      s.place('taker', { side: 'buy', price: 20000, qty: 5, tif: 'ioc' });
      s.waitFor('taker', 'position', (e) => e.qty === 10);
      s.reject('taker', { side: 'buy', price: 20000, qty: 0.001 }, 'max_position');
    },
  ),
  scenario(
    {
      name: 'RK-03',
      source: '003',
      description: 'a sandbox account may not trade a live symbol: forbidden_symbol',
      tags: ['forbidden_symbol', 'order_rejected'],
    },
    (s) => {
      s.reject('maker', { symbol: LIVE_BTC, side: 'buy', price: 20000, qty: 0.001 }, 'forbidden_symbol');
      s.expectNoEventFor('maker', 'order_accepted', 200);
    },
  ),
  scenario(
    {
      name: 'IR-01',
      source: '003',
      description: 'the same place sent twice (same client order id) has exactly one effect',
      tags: ['duplicate_client_order_id', 'order_rejected'],
      invariants: ['idempotency.client-order-id', 'orders.lifecycle'],
    },
    (s) => {
      const first = s.place('maker', { side: 'buy', price: 19990, qty: 0.001 });
      const again = s.placeAction('maker', {
        side: 'buy',
        price: 19990,
        qty: 0.001,
        id: s.clientOrderIdOf(first),
      });
      s.send(again, 'fail', 'duplicate_client_order_id');
      s.expect('one order for the id', (context) => {
        const id = s.clientOrderIdOf(first);
        const n = Object.values(context.view('maker').orders).filter((o) => o.clientOrderId === id).length;
        return n === 1 ? undefined : `${n} orders carry ${id}`;
      });
    },
  ),
  scenario(
    {
      name: 'IR-03',
      source: '003',
      description: 'the same cancel sent twice cancels once; the second is refused as not open',
      tags: ['cancel', 'order_not_open'],
      invariants: ['orders.lifecycle', 'requests.one-response'],
    },
    (s) => {
      const order = s.place('maker', { side: 'buy', price: 19990, qty: 0.001 });
      s.cancel('maker', order);
      s.cancel('maker', order, 'fail', 'order_not_open');
      s.expect('one cancellation', (context) => {
        const n = context.events.filter(
          (rec) => rec.client === 'maker' && rec.event.type === 'order_cancelled',
        ).length;
        return n === 1 ? undefined : `${n} order_cancelled events`;
      });
    },
  ),
  scenario(
    {
      name: 'LG-01',
      source: '003',
      description:
        'order, trade and position agree: the fills add up to the trade and to the position on both sides',
      tags: ['fill', 'trade', 'position'],
      invariants: ['trades.both-sides', 'orders.quantities', 'funds.conservation', 'fills.no-duplicates'],
    },
    (s) => {
      s.place('maker', { side: 'sell', price: 20000, qty: 0.002 });
      s.place('maker', { side: 'sell', price: 20000.5, qty: 0.002 });
      s.place('taker', { side: 'buy', price: 20000.5, qty: 0.003, tif: 'ioc' });
      s.waitFor('taker', 'position', (e) => e.qty === 0.003);
      s.waitFor('maker', 'position', (e) => e.qty === -0.003);
      s.expect('trades equal fills', (context) => {
        const trades = context.events.filter((rec) => rec.client === 'taker' && rec.event.type === 'trade');
        const traded = trades.reduce((n, rec) => n + (rec.event.type === 'trade' ? rec.event.qty : 0), 0);
        return Math.abs(traded - 0.003) < 1e-9 ? undefined : `trades add up to ${traded}, fills to 0.003`;
      });
    },
  ),
  scenario(
    {
      name: 'LG-02',
      source: '003',
      description: 'equity is cash plus the positions marked to market, before and after the mark moves',
      tags: ['balance', 'mark_price', 'set_mark'],
      invariants: ['ledger.equity', 'funds.conservation'],
    },
    (s) => {
      s.place('maker', { side: 'sell', price: 20000, qty: 0.01 });
      s.place('taker', { side: 'buy', price: 20000, qty: 0.01, tif: 'ioc' });
      s.waitFor('taker', 'position', (e) => e.qty === 0.01);
      s.setMark(20500);
      s.waitFor('taker', 'balance', (e) => e.equity > 1_000_000);
      s.expect('equity = cash + position x mark', (context) => {
        const view = context.view('taker');
        const b = view.balance;
        if (!b) return 'taker has no balance';
        const mtm = (view.positions[BTC] ?? 0) * (view.marks[BTC] ?? 0);
        return Math.abs(b.equity - (b.cash + mtm)) < 1e-6
          ? undefined
          : `equity ${b.equity} != cash ${b.cash} + ${mtm}`;
      });
    },
  ),
  scenario(
    {
      name: 'MU-01',
      source: '003',
      description: "one account's private events never reach another account",
      tags: ['fill', 'position', 'balance'],
      invariants: ['isolation.private-streams'],
    },
    (s) => {
      s.place('maker', { side: 'buy', price: 20000, qty: 0.002 });
      s.place('taker', { side: 'sell', price: 20000, qty: 0.002, tif: 'ioc' });
      s.waitFor('taker', 'position');
      s.expect("no trader received another's account stream", (context) => {
        const leak = context.events.find(
          (rec) =>
            rec.client !== 'admin' &&
            rec.stream.startsWith('account:') &&
            rec.stream !== `account:${rec.client}`,
        );
        return leak ? `${leak.client} received ${leak.stream}#${leak.seq}` : undefined;
      });
    },
  ),
  scenario(
    {
      name: 'MU-02',
      source: '003',
      description: "an account cannot cancel or replace another account's order",
      tags: ['not_order_owner', 'unknown_order'],
      invariants: ['isolation.private-streams', 'orders.lifecycle'],
    },
    (s) => {
      const order = s.place('maker', { side: 'buy', price: 19990, qty: 0.001 });
      s.send(s.cancelAction('taker', order, false), 'fail');
      s.expectOrder('maker', order, 'open', 0);
      s.expectNoEventFor('maker', 'order_cancelled', 200);
    },
  ),
  scenario(
    {
      name: 'DR-01',
      source: '003',
      description: 'replaying the venue journal rebuilds exactly the state the live venue reached',
      tags: ['fill', 'order_cancelled', 'order_replaced', 'cancel_all'],
      invariants: ['durability.journal-replay', 'projection.converges'],
    },
    (s) => {
      const a = s.place('maker', { side: 'buy', price: 20000, qty: 0.004 });
      s.place('taker', { side: 'sell', price: 20000, qty: 0.001, tif: 'ioc' });
      s.replace('maker', a, { qty: 0.006 });
      s.place('taker', { side: 'sell', price: 20000, qty: 0.002, tif: 'ioc' });
      s.cancel('maker', a);
      s.waitFor('maker', 'order_cancelled');
      s.place('maker', { side: 'buy', price: 19990, qty: 0.001 });
      s.place('maker', { side: 'sell', price: 20010, qty: 0.001 });
      s.cancelAll('maker');
      s.waitFor('maker', 'order_cancelled', (e) => e.reason === 'cancel_all');
    },
  ),
  scenario(
    {
      name: 'CC-01',
      source: '003',
      description: 'two takers race for the same resting liquidity: together they get exactly what rested',
      tags: ['fill', 'ioc'],
      invariants: ['orders.quantities', 'trades.both-sides', 'book.not-crossed'],
    },
    (s) => {
      const rest = s.place('maker', { side: 'sell', price: 20000, qty: 0.003 });
      s.race(
        s.placeAction('taker', { side: 'buy', price: 20000, qty: 0.002, tif: 'ioc' }),
        s.placeAction('bystander', { side: 'buy', price: 20000, qty: 0.002, tif: 'ioc' }),
      );
      s.waitFor('maker', 'fill', (e) => e.remainingQty === 0);
      s.expectOrder('maker', rest, 'filled', 0.003);
    },
  ),
  scenario(
    {
      name: 'CC-02',
      source: '003',
      description: 'a cancel and a replace of one order race: the order ends cancelled, whichever came first',
      tags: ['cancel', 'replace', 'order_not_open'],
      invariants: ['orders.lifecycle', 'orders.quantities', 'requests.one-response'],
    },
    (s) => {
      const order = s.place('maker', { side: 'buy', price: 19990, qty: 0.002 });
      s.race(s.cancelAction('maker', order), {
        kind: 'replace',
        client: 'maker',
        gapMs: 0,
        target: { step: order, clientOrderId: s.clientOrderIdOf(order), byOrderId: false },
        qty: 0.003,
      });
      s.waitFor('maker', 'order_cancelled');
      s.expectOrder('maker', order, 'cancelled');
    },
  ),
  scenario(
    {
      name: 'FI-01',
      source: '003',
      description:
        'a request that fails with a 5xx before taking effect leaves nothing half done: the retry places it exactly once',
      tags: ['response.error_5xx', 'retry:unavailable'],
      invariants: ['retries.execute-once', 'idempotency.client-order-id', 'orders.lifecycle'],
    },
    (s) => {
      s.fault('maker', { type: 'response', effect: 'error_5xx', nth: 1, count: 1 });
      const order = s.place('maker', { side: 'buy', price: 19990, qty: 0.001 });
      s.expectOrder('maker', order, 'open', 0);
      s.expect('exactly one order for the id', (context) => {
        const id = s.clientOrderIdOf(order);
        const accepted = context.events.filter(
          (rec) =>
            rec.client === 'maker' && rec.event.type === 'order_accepted' && rec.event.clientOrderId === id,
        ).length;
        return accepted === 1 ? undefined : `${accepted} order_accepted events for ${id}`;
      });
    },
  ),
];
