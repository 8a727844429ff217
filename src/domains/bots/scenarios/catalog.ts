import type { ScenarioContext } from '../../../core/scenario/scenario.ts';
import type { BotAction, IntentAction } from '../bot-action.ts';
import type { BotEvent } from '../bot-event.ts';
import type { BotsView } from '../bots-projection.ts';
import type { SubjectIntent } from '../subject.ts';
import type { BotsScenario } from './bots-scenario.ts';

const CENTER = 20000;
const intent = (i: SubjectIntent, gapMs = 0): IntentAction => ({
  kind: 'intent',
  client: 'subject',
  gapMs,
  intent: i,
});
const send = (action: BotAction) => ({ kind: 'send' as const, action, expect: 'any' as const });
const grid = intent({ type: 'set_grid', id: 'g1', center: CENTER, step: 50, levels: 1, qty: 0.01 });
const placed = (event: BotEvent): boolean =>
  (event.type === 'sent' && event.request.type === 'place') ||
  (event.type === 'mode_refused' && event.request.type === 'place');
const accepted = (event: BotEvent): boolean =>
  event.type === 'received' &&
  event.message.type === 'event' &&
  event.message.event.type === 'order_accepted';
const booted =
  (boot: number) =>
  (event: BotEvent): boolean =>
    event.type === 'state' && event.why === 'booted' && event.boot === boot;

/** The subject's last reported state in the scenario so far. */
function lastState(context: ScenarioContext<BotAction, BotEvent, BotsView>) {
  for (let i = context.events.length - 1; i >= 0; i--) {
    const event = context.events[i].event;
    if (event.type === 'state') return event;
  }
  return undefined;
}

/**
 * The scenarios of seeds 001 and 002 that concern a client, played against a subject: the
 * same names as the trading catalog's, so `run --subject ./bot.ts --scenario NAME` finds them.
 */
export const BOTS_CATALOG: readonly BotsScenario[] = [
  {
    name: 'crash_offline_fill_restart',
    source: '002',
    description:
      'the subject lays a grid, is killed, its buy order fills while it is down (the ghost fill), and once restarted its explicit reconciliation has found the fill: the position, and no zombie order',
    tags: ['restart', 'ghost_fill', 'reconcile'],
    invariants: ['bots.reconciliation', 'bots.no-duplicate-execution'],
    steps: [
      send(grid),
      { kind: 'wait_for', client: 'subject', what: 'its buy order accepted', match: accepted },
      { kind: 'wait_for', client: 'subject', what: 'its sell order accepted', match: accepted },
      send({ kind: 'restart', client: 'subject', gapMs: 100, downMs: 300 }),
      send({
        kind: 'market_place',
        client: 'market',
        gapMs: 20,
        account: 'taker',
        side: 'sell',
        price: CENTER - 50,
        qty: 0.01,
        tif: 'ioc',
        clientOrderId: 'ghost-1',
      }),
      {
        kind: 'wait_for',
        client: 'subject',
        what: 'the restarted subject to boot',
        match: booted(1),
        timeoutMs: 5000,
      },
      {
        kind: 'expect',
        what: 'the ghost fill is in the booted state',
        check: (context) => {
          const state = lastState(context);
          if (state === undefined) return 'the subject reported no state';
          const position = Object.values(state.state.positions).reduce((a, b) => a + b, 0);
          if (Math.abs(position - 0.01) > 1e-9)
            return `after the restart the subject believes a position of ${position}, not 0.01`;
          const zombie = Object.values(state.state.openOrders).find(
            (o) => o.side === 'buy' && o.price === CENTER - 50,
          );
          return zombie ? `the filled order ${zombie.clientOrderId} is still open in its belief` : undefined;
        },
      },
    ],
  },
  {
    name: 'rate_limit_every_3rd',
    source: '002',
    description:
      'every third request of the subject is answered 429: it waits each retry-after and every order lands once',
    tags: ['response.reject_429', 'retry'],
    invariants: ['bots.backoff-after-429', 'bots.no-duplicate-execution', 'bots.reconciliation'],
    steps: [
      send({
        kind: 'fault',
        client: 'subject',
        gapMs: 0,
        fault: { type: 'response', effect: 'reject_429', nth: 3, every: 3, count: 4, retryAfterMs: 150 },
      }),
      send(grid),
      send(intent({ type: 'enter', id: 'e1', side: 'buy', qty: 0.007, price: CENTER - 100 }, 5)),
      send(intent({ type: 'enter', id: 'e2', side: 'sell', qty: 0.007, price: CENTER + 100 }, 5)),
      send(intent({ type: 'enter', id: 'e3', side: 'buy', qty: 0.014, price: CENTER - 150 }, 5)),
      {
        kind: 'wait_for',
        client: 'subject',
        what: 'a 429',
        match: (e) =>
          e.type === 'received' &&
          e.message.type === 'response' &&
          !e.message.ok &&
          e.message.error.code === 'rate_limited',
      },
    ],
  },
  {
    name: 'corrupted_state_refuses_start',
    source: '002',
    description:
      'the state file is damaged while the subject is down: it refuses to start trading (halted, or it exits)',
    tags: ['corrupted_start', 'restart'],
    invariants: ['bots.fail-closed'],
    steps: [
      send(grid),
      { kind: 'wait_for', client: 'subject', what: 'the grid orders', match: placed },
      send({ kind: 'restart', client: 'subject', gapMs: 50, downMs: 50, corrupt: 'flip_digit', seed: 7 }),
      {
        kind: 'wait_for',
        client: 'subject',
        what: 'the restarted subject to report or exit',
        match: (e) => booted(1)(e) || (e.type === 'killed' && e.exited === true),
        timeoutMs: 5000,
      },
      {
        kind: 'expect',
        what: 'the subject is halted or gone',
        check: (context) => {
          const state = lastState(context);
          return state !== undefined && state.boot === 1 && !state.state.halted
            ? 'the subject restarted on a corrupted state file and reports it is trading'
            : undefined;
        },
      },
    ],
  },
  {
    name: 'deterministic_client_order_ids',
    source: '002',
    description:
      'an entry is placed but answered 5xx (the order exists), the subject retries it and is killed, and the same intent is sent again after the restart: one order at the venue, under the same client order id',
    tags: ['restart', 'retry', 'idempotency', 'response.error_5xx'],
    invariants: ['bots.no-duplicate-execution', 'bots.reconciliation'],
    steps: [
      { kind: 'wait_for', client: 'subject', what: 'the subject to boot', match: booted(0), timeoutMs: 5000 },
      // Its first order is placed, and answered 5xx: the retry must carry the same id.
      send({
        kind: 'fault',
        client: 'subject',
        gapMs: 0,
        fault: { type: 'response', effect: 'error_5xx', afterEffect: true, nth: 1, count: 1 },
      }),
      send(intent({ type: 'enter', id: 'e1', side: 'buy', qty: 0.007, price: CENTER - 100 })),
      {
        kind: 'wait_for',
        client: 'subject',
        what: 'a 5xx answer to its order',
        match: (e) =>
          e.type === 'received' &&
          e.message.type === 'response' &&
          !e.message.ok &&
          e.message.error.code === 'unavailable',
        timeoutMs: 5000,
      },
      send({ kind: 'restart', client: 'subject', gapMs: 0, downMs: 100 }),
      {
        kind: 'wait_for',
        client: 'subject',
        what: 'the restarted subject to boot',
        match: booted(1),
        timeoutMs: 5000,
      },
      send(intent({ type: 'enter', id: 'e1', side: 'buy', qty: 0.007, price: CENTER - 100 }, 10)),
      {
        kind: 'expect',
        what: 'one order for the intent',
        check: (context) => {
          const ids = new Set<string>();
          for (const r of context.events) {
            const e = r.event;
            if (
              e.type === 'venue' &&
              e.message.event.type === 'order_accepted' &&
              e.message.stream === 'account:bot'
            )
              ids.add(e.message.event.clientOrderId);
          }
          return ids.size > 1
            ? `the venue accepted ${ids.size} orders for one intent: ${[...ids].join(', ')}`
            : undefined;
        },
      },
    ],
  },
  {
    name: 'entry_reconcile_exit',
    source: '001',
    description: 'an entry that fills, a reconcile (as after a crash), then an exit of the position',
    tags: ['enter', 'reconcile', 'exit'],
    invariants: ['bots.reconciliation', 'bots.intent-leads-to-order'],
    steps: [
      send(intent({ type: 'enter', id: 'e1', side: 'buy', qty: 0.007, price: CENTER })),
      { kind: 'wait_for', client: 'subject', what: 'the entry order', match: placed },
      send({
        kind: 'market_place',
        client: 'market',
        gapMs: 20,
        account: 'maker',
        side: 'sell',
        price: CENTER,
        qty: 0.007,
        tif: 'ioc',
        clientOrderId: 'x-1',
      }),
      send(intent({ type: 'reconcile', id: 'r1' }, 20)),
      send(intent({ type: 'exit', id: 'x1', price: CENTER }, 50)),
    ],
  },
];
