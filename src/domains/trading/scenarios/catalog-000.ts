import { SCENARIO_INVARIANTS, scenario, type TradingScenario } from './trading-scenario.ts';

/** From the WebSocket test-battery RFC (000): maker and taker against the public API. */
export const CATALOG_000: readonly TradingScenario[] = [
  scenario(
    {
      name: 'order_lifecycle',
      source: '000',
      description:
        'a resting buy is accepted, partly filled, then cancelled: every state change is told, in order',
      tags: [
        'place',
        'cancel',
        'order_accepted',
        'fill',
        'order_cancelled',
        'open->partially_filled',
        'partially_filled->cancelled',
      ],
      invariants: [...SCENARIO_INVARIANTS, 'funds.reserves'],
    },
    (s) => {
      const buy = s.place('maker', { side: 'buy', price: 20000, qty: 0.005 });
      s.waitFor('maker', 'order_accepted', (e) => e.clientOrderId === s.clientOrderIdOf(buy));
      s.place('taker', { side: 'sell', price: 20000, qty: 0.002, tif: 'ioc' });
      s.waitFor('maker', 'fill', (e) => e.clientOrderId === s.clientOrderIdOf(buy) && e.remainingQty > 0);
      s.expectOrder('maker', buy, 'partially_filled', 0.002);
      s.cancel('maker', buy);
      s.waitFor('maker', 'order_cancelled', (e) => e.clientOrderId === s.clientOrderIdOf(buy));
      s.expectOrder('maker', buy, 'cancelled', 0.002);
      s.expectNoEventFor('maker', 'fill', 500);
    },
  ),
  scenario(
    {
      name: 'cancel_replace',
      source: '000',
      description:
        'a resting order is replaced (new price and size), keeps its identity, and fills at the new price',
      tags: ['replace', 'order_replaced', 'open->replaced', 'replace_no_change'],
      invariants: [...SCENARIO_INVARIANTS, 'projection.converges'],
    },
    (s) => {
      const buy = s.place('maker', { side: 'buy', price: 19900, qty: 0.003 });
      s.replace('maker', buy, { price: 20000, qty: 0.004 });
      s.waitFor('maker', 'order_replaced', (e) => e.price === 20000 && e.qty === 0.004);
      s.replace('maker', buy, { price: 20000, qty: 0.004 }, 'fail', 'replace_no_change');
      s.place('taker', { side: 'sell', price: 20000, qty: 0.004, tif: 'ioc' });
      s.waitFor('maker', 'fill', (e) => e.price === 20000 && e.remainingQty === 0);
      s.expectOrder('maker', buy, 'filled', 0.004);
    },
  ),
  scenario(
    {
      name: 'self_trade_prevention',
      source: '000',
      description:
        'an account crossing its own resting order trades nothing: the newest order is cancelled as a self-trade',
      tags: ['cancel_newest', 'self_trade', 'order_cancelled'],
      invariants: ['trades.no-self-trade', 'orders.lifecycle', 'book.not-crossed'],
    },
    (s) => {
      const rest = s.place('maker', { side: 'buy', price: 20000, qty: 0.002 });
      const cross = s.place('maker', { side: 'sell', price: 20000, qty: 0.002, stp: 'cancel_newest' });
      s.waitFor(
        'maker',
        'order_cancelled',
        (e) => e.clientOrderId === s.clientOrderIdOf(cross) && e.reason === 'self_trade',
      );
      s.expectNoEventFor('maker', 'fill', 300);
      s.expectOrder('maker', rest, 'open', 0);
    },
  ),
  scenario(
    {
      name: 'margin_rejects',
      source: '000',
      description:
        'an order beyond what the account can back is refused; cancelling frees the reserve for the next one',
      tags: ['insufficient_funds', 'order_rejected', 'new->rejected', 'balance'],
      invariants: ['funds.reserves', 'funds.conservation', 'orders.lifecycle'],
    },
    (s) => {
      // bystander: 100,000 cash, no leverage.
      const big = s.place('bystander', { side: 'buy', price: 20000, qty: 4 });
      s.reject('bystander', { side: 'buy', price: 20000, qty: 2 }, 'insufficient_funds');
      s.waitFor('bystander', 'order_rejected', (e) => e.reason === 'insufficient_funds');
      s.cancel('bystander', big);
      s.waitFor('bystander', 'order_cancelled');
      s.place('bystander', { side: 'buy', price: 20000, qty: 2 });
      s.expect('the reserve is back to one order', (context) => {
        const reserved = context.view('bystander').balance?.reserved;
        return reserved === 40000 ? undefined : `bystander has ${reserved} reserved, expected 40000`;
      });
    },
  ),
  scenario(
    {
      name: 'order_flags',
      source: '000',
      description: 'post-only never takes, ioc leaves nothing resting, fok fills fully or not at all',
      tags: ['post_only_would_cross', 'ioc', 'fok', 'order_expired', 'open->expired'],
      invariants: ['orders.flags', 'orders.lifecycle', 'orders.quantities', 'book.not-crossed'],
    },
    (s) => {
      s.place('maker', { side: 'sell', price: 20000, qty: 0.002 });
      s.reject('taker', { side: 'buy', price: 20000, qty: 0.001, tif: 'post_only' }, 'post_only_would_cross');
      const ioc = s.place('taker', { side: 'buy', price: 20000, qty: 0.003, tif: 'ioc' });
      s.waitFor(
        'taker',
        'order_expired',
        (e) => e.clientOrderId === s.clientOrderIdOf(ioc) && e.reason === 'ioc',
      );
      s.expectOrder('taker', ioc, 'expired', 0.002);
      s.place('maker', { side: 'sell', price: 20000, qty: 0.001 });
      const fok = s.place('taker', { side: 'buy', price: 20000, qty: 0.002, tif: 'fok' });
      s.waitFor(
        'taker',
        'order_expired',
        (e) => e.clientOrderId === s.clientOrderIdOf(fok) && e.reason === 'fok',
      );
      s.expectOrder('taker', fok, 'expired', 0);
    },
  ),
  scenario(
    {
      name: 'book_priority',
      source: '000',
      description: 'at one price the first order in fills first; a better price fills before both',
      tags: ['fill', 'book_delta', 'trade'],
      invariants: ['book.price-time-priority', 'book.not-crossed', 'orders.quantities'],
    },
    (s) => {
      const first = s.place('maker', { side: 'buy', price: 20000, qty: 0.002 });
      const second = s.place('bystander', { side: 'buy', price: 20000, qty: 0.002 });
      const better = s.place('bystander', { side: 'buy', price: 20000.5, qty: 0.001 });
      s.place('taker', { side: 'sell', price: 20000, qty: 0.002, tif: 'ioc' });
      s.waitFor('maker', 'fill', (e) => e.clientOrderId === s.clientOrderIdOf(first));
      s.expectFills('bystander', better, [0.001]);
      s.expectFills('maker', first, [0.001]);
      s.expectFills('bystander', second, []);
    },
  ),
  scenario(
    {
      name: 'reconnect_resume',
      source: '000',
      description:
        'a client that reconnects and resumes from its last seq misses nothing filled while it was away',
      tags: ['reconnect', 'resume', 'session_resumed'],
      invariants: ['streams.gapless', 'projection.converges', 'orders.lifecycle'],
    },
    (s) => {
      const buy = s.place('maker', { side: 'buy', price: 20000, qty: 0.002 });
      s.reconnect('maker', 'resume');
      s.waitFor('maker', 'session_resumed');
      s.place('taker', { side: 'sell', price: 20000, qty: 0.002, tif: 'ioc' });
      s.waitFor('maker', 'fill', (e) => e.clientOrderId === s.clientOrderIdOf(buy));
      s.expectOrder('maker', buy, 'filled', 0.002);
    },
  ),
  scenario(
    {
      name: 'drop_copy_parity',
      source: '000',
      description: "the drop copy (admin) gets exactly the account's own private events, in the same order",
      tags: ['fill', 'balance', 'position'],
      invariants: ['isolation.private-streams', 'fills.no-duplicates', 'trades.both-sides'],
    },
    (s) => {
      s.place('maker', { side: 'buy', price: 20000, qty: 0.003 });
      s.place('taker', { side: 'sell', price: 20000, qty: 0.003, tif: 'ioc' });
      s.waitFor('maker', 'position');
      s.waitFor('admin', 'position');
      s.expectNoEventFor('maker', 'fill', 200);
      s.expect('admin and maker saw the same account:maker events', (context) => {
        const of = (client: string) =>
          context.events
            .filter((rec) => rec.client === client && rec.stream === 'account:maker')
            .map((rec) => `${rec.seq}:${JSON.stringify(rec.event)}`);
        const own = of('maker');
        const copy = of('admin');
        if (own.length === 0) return 'maker received no private events';
        return own.join('\n') === copy.join('\n')
          ? undefined
          : `maker saw ${own.length} events on account:maker, the drop copy ${copy.length}; first difference at ${own.findIndex((e, i) => e !== copy[i])}`;
      });
    },
  ),
];
