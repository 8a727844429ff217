import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import {
  type NormalizedTradingView,
  normalizeView,
  tradingProjection,
} from '../../src/domains/trading/trading-projection.ts';
import type { TradingView } from '../../src/domains/trading/trading-view.ts';
import { viewFromSnapshot } from '../../src/domains/trading/view-from-snapshot.ts';
import { accountOfClient, eventsByClient, type TradingRecord, traderClients } from './support/events.ts';
import { brief, firstDifference } from './support/first-difference.ts';
import { orderLabel } from './support/order-label.ts';
import { violation } from './support/violation.ts';

const NAME = 'projection.converges';

interface Finding {
  message: string;
  /** Picks the client's events that explain the difference. */
  related: (rec: TradingRecord) => boolean;
}

function fold(client: string, events: readonly TradingRecord[]): TradingView {
  let view = tradingProjection.init(client);
  for (const rec of events) view = tradingProjection.apply(view, rec);
  return view;
}

const has = (rec: TradingRecord, key: string, value: string): boolean =>
  (rec.event as unknown as Record<string, unknown>)[key] === value;

/** The first field where a client's view and the venue disagree, or undefined. */
function compare(
  mine: NormalizedTradingView,
  venue: NormalizedTradingView,
  view: TradingView,
): Finding | undefined {
  const account = view.account ?? view.client;
  const venueOrders = new Map<string, (typeof venue.orders)[number]>();
  for (const o of venue.orders) venueOrders.set(o.orderId, o);
  const myOrders = new Map<string, (typeof mine.orders)[number]>();
  for (const o of mine.orders) myOrders.set(o.orderId, o);
  const ids = new Set(myOrders.keys());
  for (const id of venueOrders.keys()) ids.add(id);
  for (const id of ids) {
    const a = myOrders.get(id);
    const b = venueOrders.get(id);
    const d = a === undefined || b === undefined ? undefined : firstDifference(a, b);
    if (a !== undefined && b !== undefined && d === undefined) continue;
    const cid = (a ?? b)?.clientOrderId ?? '';
    const label = orderLabel(id, account, cid);
    // Requests may name the order by client id only (a rejected replace, say).
    const related = (rec: TradingRecord): boolean =>
      has(rec, 'orderId', id) || (rec.stream === `account:${account}` && has(rec, 'clientOrderId', cid));
    if (b === undefined) return { message: `${label} is open in the view but not at the venue`, related };
    if (a === undefined) return { message: `${label} is open at the venue but not in the view`, related };
    if (d !== undefined)
      return { message: `${label} ${d.path}: view ${brief(d.left)}, venue ${brief(d.right)}`, related };
  }
  const balance = firstDifference(mine.balance, venue.balance);
  if (balance !== undefined) {
    const path = balance.path === '' ? 'balance' : `balance.${balance.path}`;
    return {
      message: `${path}: view ${brief(balance.left)}, venue ${brief(balance.right)}`,
      related: (rec) => rec.event?.type === 'balance',
    };
  }
  for (const symbol of new Set([...Object.keys(mine.positions), ...Object.keys(venue.positions)])) {
    const d = firstDifference(mine.positions[symbol] ?? 0, venue.positions[symbol] ?? 0);
    if (d !== undefined)
      return {
        message: `position ${symbol}: view ${brief(d.left)}, venue ${brief(d.right)}`,
        related: (rec) => rec.event?.type === 'position' && has(rec, 'symbol', symbol),
      };
  }
  // A client only learns a mark when it changes, so only the marks it holds are compared.
  for (const symbol of Object.keys(mine.marks)) {
    const d = firstDifference(mine.marks[symbol], venue.marks[symbol]);
    if (d !== undefined)
      return {
        message: `mark ${symbol}: view ${brief(d.left)}, venue ${brief(d.right)}`,
        related: (rec) => rec.event?.type === 'mark_price' && has(rec, 'symbol', symbol),
      };
  }
  // Books only where the client follows the book stream.
  const followed = new Set(Object.keys(mine.books));
  for (const stream of Object.keys(view.seqs)) if (stream.startsWith('book:')) followed.add(stream.slice(5));
  for (const symbol of followed) {
    const empty = { bids: [], asks: [] };
    const d = firstDifference(mine.books[symbol] ?? empty, venue.books[symbol] ?? empty);
    if (d !== undefined)
      return {
        message: `book ${symbol} ${d.path}: view ${brief(d.left)}, venue ${brief(d.right)}`,
        related: (rec) => rec.stream === `book:${symbol}`,
      };
  }
  return undefined;
}

/**
 * Each trader's projection, folded from its own events, ends equal to the venue's final
 * snapshot of its account: open orders, balance and positions, and the marks and books it
 * follows. A client that never got a balance holds the configured start. The first differing
 * field is reported.
 */
export const projectionConverges: Invariant<TradingEvidence> = {
  name: NAME,
  description: "each trader's folded view equals the final snapshot of its account",
  needs: [CAP.snapshot, CAP.accounts],
  counts: 'clients',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    if (evidence.snapshot === undefined) return out;
    const byClient = eventsByClient(evidence.events);
    for (const client of traderClients(evidence.events, evidence.projections)) {
      const events = byClient.get(client) ?? [];
      const view = evidence.projections?.[client] ?? fold(client, events);
      const account = view.account ?? accountOfClient(client, evidence.events);
      const mine = normalizeView(view);
      // A client learns its balance from its first balance event; before any, it is the configured start.
      const start = evidence.extra?.config?.accounts?.find((a) => a.id === account);
      if (mine.balance === null && start !== undefined) {
        const cash = start.cash;
        mine.balance = { cash, reserved: 0, positionMargin: 0, equity: cash, available: cash };
      }
      tally?.count();
      const finding = compare(mine, viewFromSnapshot(evidence.snapshot, account), { ...view, account });
      if (finding === undefined) continue;
      const related = events.filter(finding.related).slice(-4);
      out.push(violation(NAME, `${client}: ${finding.message}`, related));
    }
    return out;
  },
};
