import { isShakedownError } from '../../../core/shakedown-error.ts';
import { encodeJournalLine, parseJournal } from '../../../exchange/index.ts';
import type { ExchangeInput } from '../protocol/exchange-input.ts';
import { BTC } from './scenario-script.ts';
import { scenario, type TradingScenario } from './trading-scenario.ts';

const place = (n: number, clientOrderId: string): ExchangeInput => ({
  op: 'place',
  account: 'maker',
  symbol: BTC,
  side: 'buy',
  type: 'limit',
  tif: 'gtc',
  price: 20000 - n,
  qty: 0.001,
  clientOrderId,
});

/** From the grid-trading bot test plan (002): crash, ghost fills, rate limits, damaged state. */
export const CATALOG_002: readonly TradingScenario[] = [
  scenario(
    {
      name: 'crash_offline_fill_restart',
      source: '002',
      description:
        "the maker's connection dies, its resting order fills while it is away (the ghost fill), and on its return it reconciles: the fill, the position and the cash are all found",
      tags: ['connection.close', 'reconnect', 'resync', 'session_resynced', 'fill', 'position'],
      invariants: [
        'reconnect.ghost-fills-found',
        'projection.converges',
        'orders.lifecycle',
        'funds.conservation',
      ],
    },
    (s) => {
      const rest = s.place('maker', { side: 'buy', price: 20000, qty: 0.004 });
      s.fault('maker', { type: 'connection', effect: 'close', downMs: 400 });
      s.waitFor('maker', 'session_disconnected');
      s.place('taker', { side: 'sell', price: 20000, qty: 0.004, tif: 'ioc' });
      s.waitFor('taker', 'fill');
      s.waitFor('maker', 'session_resynced', () => true, 5000);
      s.expect('reconciliation found the ghost fill', (context) => {
        const view = context.view('maker');
        const id = s.clientOrderIdOf(rest);
        const order = Object.values(view.orders).find((o) => o.clientOrderId === id);
        // A resync snapshot lists open orders only: the filled one is gone or shown filled.
        if (order && order.status !== 'filled')
          return `after reconnecting, maker thinks ${id} is ${order.status}`;
        const position = view.positions[BTC] ?? 0;
        return Math.abs(position - 0.004) < 1e-9
          ? undefined
          : `maker's position is ${position}, expected 0.004`;
      });
    },
  ),
  scenario(
    {
      name: 'rate_limit_every_3rd',
      source: '002',
      description:
        'every third request is answered 429 with a retry-after: the client waits it out, retries under the same id, and every order lands exactly once',
      tags: ['response.reject_429', 'retry:rate_limited', 'session_retry'],
      invariants: [
        'retries.execute-once',
        'idempotency.client-order-id',
        'client.backoff',
        'orders.lifecycle',
      ],
    },
    (s) => {
      s.fault('maker', {
        type: 'response',
        effect: 'reject_429',
        nth: 3,
        every: 3,
        count: 3,
        retryAfterMs: 100,
      });
      const steps: number[] = [];
      for (let i = 0; i < 8; i++) steps.push(s.place('maker', { side: 'buy', price: 19990 - i, qty: 0.001 }));
      s.expect('each order is open exactly once, and the client retried after 429s', (context) => {
        const view = context.view('maker');
        for (const step of steps) {
          const id = s.clientOrderIdOf(step);
          const orders = Object.values(view.orders).filter((o) => o.clientOrderId === id);
          if (orders.length !== 1) return `order ${id} exists ${orders.length} times`;
          if (orders[0]?.status !== 'open') return `order ${id} is ${orders[0]?.status}`;
        }
        const retries = context.events.filter(
          (rec) => rec.event.type === 'session_retry' && rec.event.reason === 'rate_limited',
        ).length;
        return retries >= 2
          ? undefined
          : `the client retried after a 429 ${retries} times, expected at least 2`;
      });
    },
  ),
  scenario(
    {
      name: 'corrupted_state_refuses_start',
      source: '002',
      description:
        'the reference venue refuses to start from a damaged journal (naming the line) but recovers from a write cut short at the end',
      tags: ['place', 'order_accepted'],
    },
    (s) => {
      s.place('maker', { side: 'buy', price: 19990, qty: 0.001 });
      s.expect('a damaged line stops the start, a torn tail does not', () => {
        const lines = [1, 2, 3].map((n) =>
          encodeJournalLine({ n, time: n, input: place(n, `journal-${n}`) }),
        );
        const damaged = [lines[0], (lines[1] as string).replace('"qty":0.001', '"qty":0.002'), lines[2]].join(
          '',
        );
        try {
          parseJournal(damaged, 'journal');
          return 'a journal with a damaged line 2 was accepted';
        } catch (error) {
          if (!isShakedownError(error) || error.code !== 'SHK_JOURNAL_CORRUPT')
            return `a damaged journal failed with ${String(error)}, not SHK_JOURNAL_CORRUPT`;
          if (!error.message.includes('journal:2'))
            return `the refusal does not name line 2: ${error.message}`;
        }
        const torn = lines.join('').slice(0, -10);
        const recovered = parseJournal(torn, 'journal');
        return recovered.entries.length === 2 && recovered.tornTail?.line === 3
          ? undefined
          : `a torn last line recovered ${recovered.entries.length} entries`;
      });
    },
  ),
  scenario(
    {
      name: 'deterministic_client_order_ids',
      source: '002',
      description:
        'client order ids come from the scenario and step, never the clock: the venue echoes each one back as sent, so a rerun sends the same bytes',
      tags: ['place', 'order_accepted', 'duplicate_client_order_id'],
      invariants: ['idempotency.client-order-id', 'orders.lifecycle'],
    },
    (s) => {
      const steps = [0, 1, 2].map((i) => s.place('maker', { side: 'buy', price: 19990 - i, qty: 0.001 }));
      s.send(
        s.placeAction('maker', {
          side: 'buy',
          price: 19980,
          qty: 0.001,
          id: s.clientOrderIdOf(steps[0] as number),
        }),
        'fail',
        'duplicate_client_order_id',
      );
      s.expect('every accepted id is the one the scenario derived', (context) => {
        const accepted = context.events
          .filter((rec) => rec.client === 'maker' && rec.event.type === 'order_accepted')
          .map((rec) => (rec.event.type === 'order_accepted' ? rec.event.clientOrderId : ''));
        const expected = steps.map((step) => s.clientOrderIdOf(step));
        return accepted.join() === expected.join()
          ? undefined
          : `accepted ids [${accepted}] but sent [${expected}]`;
      });
    },
  ),
];
