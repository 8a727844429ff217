import { describe, expect, it } from 'vitest';
import { invariantByName } from '../../invariants/trading/index.ts';
import type { ScopedInvariant } from '../../invariants/trading/support/scope.ts';
import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../../src/domains/trading/protocol/exchange-config.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import type { BugName } from '../../src/exchange/bugs/planted-bugs.ts';
import { check } from './check.ts';
import { Scenario } from './evidence-builder.ts';

const ON_LAST_TRADE = 'stops.trigger-on-last-trade';
const ONCE = 'stops.trigger-once';
const AFTER_ACCEPT = 'stops.trigger-after-accept';
const COUNTERPART = 'stops.act-as-counterpart';
const RULES = [ON_LAST_TRADE, ONCE, AFTER_ACCEPT, COUNTERPART];

const scope = (name: string, evidence: TradingEvidence) =>
  (invariantByName.get(name) as ScopedInvariant).scope(evidence);
const messages = (name: string, evidence: TradingEvidence) => check(name, evidence).map((v) => v.message);

/** A stop on BTC: stop_market, or stop_limit with a limit price. */
function stop(
  s: Scenario,
  client: 'maker' | 'taker' | 'bystander',
  id: string,
  side: 'buy' | 'sell',
  at: number,
  qty: number,
  limit?: number,
) {
  return s.place(client, id, side, limit, qty, {
    orderType: limit === undefined ? 'stop_market' : 'stop_limit',
    stopPrice: at,
  });
}

/** A trade of `qty` at `price`: the bystander rests, the taker takes it. */
function trade(s: Scenario, id: string, price: number, qty = 0.01, takerSide: 'buy' | 'sell' = 'buy') {
  s.place('bystander', `m-${id}`, takerSide === 'buy' ? 'sell' : 'buy', price, qty);
  return s.place('taker', `t-${id}`, takerSide, price, qty, { tif: 'ioc' });
}

/** The evidence with some of the admin's events left out, its streams numbered as a venue that never sent them would. */
function renumbered(evidence: TradingEvidence, keep: (rec: TradingEvidence['events'][number]) => boolean) {
  const copy = structuredClone(evidence);
  copy.events = copy.events.filter((r) => r.client !== 'admin' || keep(r));
  const last = new Map<string, number>();
  for (const rec of copy.events) {
    if (rec.client !== 'admin' || rec.stream.startsWith('session:')) continue;
    rec.seq = (last.get(rec.stream) ?? 0) + 1;
    last.set(rec.stream, rec.seq);
  }
  copy.snapshot.streams = Object.fromEntries(last);
  return copy;
}

function scenario(bugs: BugName[] = [], edit?: (c: ExchangeConfig) => void) {
  const config = defaultExchangeConfig();
  edit?.(config);
  return new Scenario({ bugs, config });
}

/** Stops triggered exactly, by a gap, cascading, resting, cancelled, and one refused. */
function cleanStops(bugs: BugName[] = []) {
  const s = scenario(bugs);
  stop(s, 'maker', 'exact', 'buy', 20000, 0.02);
  stop(s, 'maker', 'gap', 'buy', 20000.5, 0.01, 20001);
  stop(s, 'maker', 'gone', 'sell', 19000, 0.01, 19000);
  s.place('bystander', 'ask2', 'sell', 20001, 0.01);
  trade(s, 'a', 20000);
  s.cancel('maker', 'gone');
  trade(s, 'b', 20005);
  stop(s, 'taker', 'late', 'buy', 20005, 0.01);
  stop(s, 'maker', 'rest', 'sell', 19990, 0.01, 19990);
  trade(s, 'c', 19990, 0.01, 'sell');
  s.place('bystander', 'hit', 'buy', 19990, 0.01);
  return s;
}

describe('stop rules on a clean venue', () => {
  it('pass, and have something to check', () => {
    const evidence = cleanStops().evidence();
    for (const rule of RULES) {
      expect(check(rule, evidence), rule).toEqual([]);
      expect(scope(rule, evidence).checked, rule).toBeGreaterThan(0);
      expect(scope(rule, evidence).skipped, rule).toEqual([]);
    }
    const refused = evidence.history.filter((op) => op.reply?.status === 'fail');
    expect(refused.map((op) => (op.reply as { code: string }).code)).toEqual(['stop_would_trigger']);
  });

  it('judge the declared order of the stops one trade triggers', () => {
    const build = (order: 'accepted' | 'stop_price') => {
      const s = scenario([], (c) => (c.stopTriggerOrder = order));
      stop(s, 'taker', 'near', 'buy', 20005, 0.01);
      stop(s, 'maker', 'far', 'buy', 20000, 0.01);
      trade(s, 'x', 20005);
      return s.evidence();
    };
    /** The record of a venue that ran them the other way, with the config that declares this way. */
    const declaring = (evidence: TradingEvidence, order: 'accepted' | 'stop_price') => {
      const copy = structuredClone(evidence);
      copy.extra.config.stopTriggerOrder = order;
      return copy;
    };
    for (const order of ['accepted', 'stop_price'] as const)
      expect(check(ON_LAST_TRADE, build(order))).toEqual([]);
    expect(messages(ON_LAST_TRADE, declaring(build('stop_price'), 'accepted'))).toEqual([
      expect.stringMatching(/acted after .*far.*declares stopTriggerOrder accepted/),
    ]);
    expect(messages(ON_LAST_TRADE, declaring(build('accepted'), 'stop_price'))).toEqual([
      expect.stringMatching(/acted after .*near.*declares stopTriggerOrder stop_price/),
    ]);
    // A venue that declares no order is held to the order of the trades only.
    const undeclared = structuredClone(build('stop_price'));
    delete undeclared.extra.config.stopTriggerOrder;
    expect(check(ON_LAST_TRADE, undeclared)).toEqual([]);
  });
});

describe('each planted stop bug is caught by the rule that names it', () => {
  it('stop_triggers_early: a mark move triggers a stop no trade reached', () => {
    const s = scenario(['stop_triggers_early']);
    stop(s, 'maker', 's', 'buy', 20100, 0.01);
    s.setMark('SANDBOX.BTC-USD', 20100);
    expect(messages(ON_LAST_TRADE, s.evidence())).toEqual([
      expect.stringMatching(
        /was triggered at txn 2 .* but no trade after its acceptance had reached its stop price/,
      ),
    ]);
  });

  it('stop_never_triggers_on_gap: silence after a trade past the stop price fails', () => {
    const s = scenario(['stop_never_triggers_on_gap']);
    stop(s, 'maker', 's', 'buy', 20000, 0.01);
    trade(s, 'a', 20000.5);
    expect(messages(ON_LAST_TRADE, s.evidence())).toEqual([
      'trade T1 at 20000.5 (txn 3) reached the stop price 20000 of order O1 (maker, s), a buy stop accepted at txn 1, but it did not trigger',
    ]);
  });

  it('stop_triggers_twice: a second trigger', () => {
    const s = scenario(['stop_triggers_twice']);
    stop(s, 'maker', 's', 'buy', 20000, 0.01, 19000);
    trade(s, 'a', 20000);
    trade(s, 'b', 20001);
    expect(messages(ONCE, s.evidence())).toEqual([
      expect.stringMatching(/order O1 \(maker, s\) was triggered 2 times: at txn 3 and again at txn 5/),
    ]);
  });

  it('stop_triggers_before_accept: a trigger by a trade printed before the stop', () => {
    const s = scenario(['stop_triggers_before_accept']);
    trade(s, 'a', 20000);
    stop(s, 'maker', 's', 'buy', 19990, 0.01);
    expect(messages(AFTER_ACCEPT, s.evidence())).toEqual([
      expect.stringMatching(/was triggered by trade T1 at 20000, which printed before it was accepted/),
    ]);
  });

  it('stop_limit_trades_through_limit: a triggered stop_limit past its limit', () => {
    const s = scenario(['stop_limit_trades_through_limit']);
    stop(s, 'maker', 's', 'buy', 20000, 0.01, 20000);
    s.place('bystander', 'high', 'sell', 20050, 0.01);
    trade(s, 'a', 20000);
    expect(messages(COUNTERPART, s.evidence())).toEqual([
      expect.stringMatching(/a stop_limit buy at limit 20000, filled at 20050/),
    ]);
  });
});

describe('stop rules on corrupted records', () => {
  it('a refusal stop_would_trigger the last trade does not justify', () => {
    const s = scenario();
    trade(s, 'a', 20000);
    stop(s, 'maker', 's', 'buy', 19990, 0.01);
    const evidence = s.evidence();
    const op = evidence.history.find((o) => (o.action as { clientOrderId?: string }).clientOrderId === 's')!;
    (op.action as { stopPrice?: unknown }).stopPrice = 20000.5;
    expect(messages(AFTER_ACCEPT, evidence)).toEqual([
      expect.stringMatching(/refused stop_would_trigger, but the last trade \(20000\) had not reached it/),
    ]);
  });

  it('a waiting stop that trades, and a triggered market stop that rests', () => {
    const s = scenario();
    stop(s, 'maker', 's', 'buy', 20000, 0.02);
    trade(s, 'a', 20000);
    // Drop the trigger: the stop's fills now come while it waits, and nothing triggered it.
    const evidence = renumbered(s.evidence(), (r) => r.event.type !== 'order_triggered');
    expect(messages(COUNTERPART, evidence)).toEqual(
      expect.arrayContaining([expect.stringMatching(/before it was triggered/)]),
    );
    expect(messages(ON_LAST_TRADE, evidence)).toEqual([expect.stringMatching(/but it did not trigger/)]);
  });

  it('a triggered stop_limit queued ahead of an order that rested at its price before the trigger', () => {
    const s = scenario();
    s.place('bystander', 'early', 'buy', 19990, 0.01);
    stop(s, 'maker', 's', 'buy', 20000, 0.01, 19990);
    trade(s, 'a', 20000);
    expect(check(COUNTERPART, s.evidence())).toEqual([]);
    const evidence = structuredClone(s.evidence());
    const orders = evidence.snapshot.orders;
    const mine = orders.find((o) => o.clientOrderId === 's')!;
    const early = orders.find((o) => o.clientOrderId === 'early')!;
    [mine.priority, early.priority] = [early.priority, mine.priority];
    expect(messages(COUNTERPART, evidence)).toEqual([
      expect.stringMatching(
        /rests at 19990 with priority 1 from its trigger .* a triggered stop_limit queues by its trigger time/,
      ),
    ]);
  });

  it('an order that is not a stop does not trigger', () => {
    const evidence = cleanStops().evidence();
    const trigger = evidence.events.find((r) => r.client === 'admin' && r.event.type === 'order_triggered')!;
    (trigger.event as { orderId: string }).orderId = 'O4';
    expect(messages(ONCE, evidence)).toEqual([
      expect.stringMatching(/order O4 \(maker\) is not a stop order/),
    ]);
  });
});
