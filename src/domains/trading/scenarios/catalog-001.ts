import type { ScenarioScript } from './scenario-script.ts';
import { scenario, type TradingScenario } from './trading-scenario.ts';

/** Two-sided liquidity from the maker, so the taker can enter (buy) and exit (sell) at once. */
function liquidity(s: ScenarioScript, qty = 0.05): void {
  s.place('maker', { side: 'sell', price: 20000.5, qty });
  s.place('maker', { side: 'buy', price: 19999.5, qty });
}

const enter = (s: ScenarioScript, qty: number) =>
  s.placeAction('taker', { side: 'buy', price: 20000.5, qty, tif: 'ioc' });
const exit = (s: ScenarioScript, qty: number) =>
  s.placeAction('taker', { side: 'sell', price: 19999.5, qty, tif: 'ioc' });

/** From the execution-kernel chaos orchestrator (001): adversarial entries and exits. */
export const CATALOG_001: readonly TradingScenario[] = [
  scenario(
    {
      name: 'rapid_entry_exit',
      source: '001',
      description: 'an entry and its exit sent in the same instant: both fill, the position ends flat',
      tags: ['place', 'fill', 'ioc', 'position'],
    },
    (s) => {
      liquidity(s);
      s.race(enter(s, 0.01), exit(s, 0.01));
      s.waitFor('taker', 'position', (e) => e.qty === 0);
      s.expectPosition('taker', 0);
    },
  ),
  scenario(
    {
      name: 'two_leg_rapid',
      source: '001',
      description:
        'an entry, then two half exits racing each other: partial then full close, flat at the end',
      tags: ['place', 'fill', 'position'],
    },
    (s) => {
      liquidity(s);
      s.send(enter(s, 0.01));
      s.waitFor('taker', 'position', (e) => e.qty === 0.01);
      s.race(exit(s, 0.005), exit(s, 0.005));
      s.waitFor('taker', 'position', (e) => e.qty === 0);
      s.expectPosition('taker', 0);
    },
  ),
  scenario(
    {
      name: 'competing_cancel',
      source: '001',
      description: 'a cancel and a fill race for one resting order: exactly one wins, never both',
      tags: ['cancel', 'fill', 'order_not_open', 'open->cancelled', 'open->filled'],
    },
    (s) => {
      const rest = s.place('maker', { side: 'buy', price: 20000, qty: 0.002 });
      s.race(
        s.cancelAction('maker', rest),
        s.placeAction('taker', { side: 'sell', price: 20000, qty: 0.002, tif: 'ioc' }),
      );
      s.expectNoEventFor('maker', 'fill', 200, (e) => e.remainingQty < 0);
      s.expect('the order was either cancelled unfilled or filled and not cancelled', (context) => {
        const id = s.clientOrderIdOf(rest);
        const order = Object.values(context.view('maker').orders).find((o) => o.clientOrderId === id);
        if (!order) return `maker knows no order ${id}`;
        if (order.status === 'cancelled' && order.filledQty === 0) return undefined;
        if (order.status === 'filled' && order.filledQty === 0.002) return undefined;
        return `order ${id} ended ${order.status} with ${order.filledQty} filled`;
      });
    },
  ),
  scenario(
    {
      name: 'cancel_after_fill',
      source: '001',
      description:
        'cancelling an order that already filled is refused and changes nothing; the exit still works',
      tags: ['cancel', 'order_not_open', 'open->filled'],
    },
    (s) => {
      liquidity(s);
      const entry = s.send(s.placeAction('taker', { side: 'buy', price: 20000.5, qty: 0.01 }));
      s.waitFor('taker', 'fill', (e) => e.clientOrderId === s.clientOrderIdOf(entry) && e.remainingQty === 0);
      s.expectOrder('taker', entry, 'filled', 0.01);
      s.cancel('taker', entry, 'fail', 'order_not_open');
      s.send(exit(s, 0.01));
      s.waitFor('taker', 'position', (e) => e.qty === 0);
    },
  ),
  scenario(
    {
      name: 'entry_then_mark',
      source: '001',
      description: 'after an entry the mark moves: the position is marked to it and equity follows',
      tags: ['set_mark', 'mark_price', 'position', 'balance'],
      invariants: ['ledger.equity', 'funds.conservation', 'orders.quantities'],
    },
    (s) => {
      liquidity(s);
      s.send(enter(s, 0.01));
      s.waitFor('taker', 'position', (e) => e.qty === 0.01);
      s.setMark(19900);
      s.waitFor('taker', 'mark_price', (e) => e.price === 19900);
      s.waitFor('taker', 'position', (e) => e.markPrice === 19900);
      s.expect('unrealized pnl follows the mark', (context) => {
        const last = [...context.events]
          .reverse()
          .find((rec) => rec.client === 'taker' && rec.event.type === 'position');
        const pnl = last?.event.type === 'position' ? last.event.unrealizedPnl : undefined;
        return pnl !== undefined && pnl < 0 ? undefined : `taker's unrealized pnl is ${pnl}, expected a loss`;
      });
    },
  ),
  scenario(
    {
      name: 'entry_reconcile_exit',
      source: '001',
      description:
        'entry, then the client reconciles (resync from a snapshot), then exits: nothing lost or doubled',
      tags: ['reconnect', 'resync', 'session_resynced'],
      invariants: ['projection.converges', 'orders.lifecycle', 'funds.conservation', 'fills.no-duplicates'],
    },
    (s) => {
      liquidity(s);
      s.send(enter(s, 0.01));
      s.waitFor('taker', 'position', (e) => e.qty === 0.01);
      s.reconnect('taker', 'resync');
      s.waitFor('taker', 'session_resynced');
      s.expectPosition('taker', 0.01);
      s.send(exit(s, 0.01));
      s.waitFor('taker', 'position', (e) => e.qty === 0);
    },
  ),
  scenario(
    {
      name: 'size_at_lot_boundary',
      source: '001',
      description:
        'one lot is accepted; half a lot, and more than the maximum, are refused with their reasons',
      tags: ['qty_not_lot_multiple', 'qty_above_max', 'order_rejected'],
    },
    (s) => {
      liquidity(s);
      s.send(enter(s, 0.001));
      s.waitFor('taker', 'position', (e) => e.qty === 0.001);
      s.reject('taker', { side: 'sell', price: 19999.5, qty: 0.0015, tif: 'ioc' }, 'qty_not_lot_multiple');
      s.reject('taker', { side: 'sell', price: 19999.5, qty: 6, tif: 'ioc' }, 'qty_above_max');
      s.send(exit(s, 0.001));
      s.waitFor('taker', 'position', (e) => e.qty === 0);
    },
  ),
  scenario(
    {
      name: 'zero_size_entry',
      source: '001',
      description: 'an entry of size zero is refused and leaves no order behind',
      tags: ['qty_zero', 'order_rejected', 'new->rejected'],
    },
    (s) => {
      s.reject('taker', { side: 'buy', price: 20000, qty: 0 }, 'qty_zero');
      s.waitFor('taker', 'order_rejected', (e) => e.reason === 'qty_zero');
      s.expectNoEventFor('taker', 'order_accepted', 200);
    },
  ),
  scenario(
    {
      name: 'negative_price_entry',
      source: '001',
      description: 'an entry at a negative price is refused and leaves no order behind',
      tags: ['price_not_positive', 'order_rejected'],
    },
    (s) => {
      s.reject('taker', { side: 'buy', price: -1, qty: 0.001 }, 'price_not_positive');
      s.waitFor('taker', 'order_rejected', (e) => e.reason === 'price_not_positive');
      s.expectNoEventFor('taker', 'order_accepted', 200);
    },
  ),
  scenario(
    {
      name: 'entry_exit_10x',
      source: '001',
      description: 'ten entry/exit cycles back to back: no state left behind, flat at the end, 20 fills',
      tags: ['place', 'fill', 'position'],
    },
    (s) => {
      liquidity(s, 0.2);
      for (let i = 0; i < 10; i++) {
        s.send(enter(s, 0.01));
        s.send(exit(s, 0.01));
      }
      s.waitFor('taker', 'position', (e) => e.qty === 0);
      s.expect('twenty fills for the taker', (context) => {
        const fills = context.events.filter(
          (rec) => rec.client === 'taker' && rec.event.type === 'fill',
        ).length;
        return fills === 20 ? undefined : `taker got ${fills} fills, expected 20`;
      });
      s.expectPosition('taker', 0);
    },
  ),
];
