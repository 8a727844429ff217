import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { adminRecord, orderOwners } from './support/admin-record.ts';
import {
  accountOfClient,
  accountOfStream,
  eventsByClient,
  is,
  isOrderEvent,
  type TradingRecord,
  traderClients,
} from './support/events.ts';
import { violation } from './support/violation.ts';

const NAME = 'isolation.private-streams';

/** What a trader itself knows it placed: client order ids it sent, order ids it was given. */
function ownOrders(evidence: TradingEvidence, client: string, events: readonly TradingRecord[]) {
  const clientOrderIds = new Set<string>();
  const orderIds = new Set<string>();
  for (const op of evidence.history ?? []) {
    if (op.client !== client) continue;
    if (op.action?.kind === 'place') clientOrderIds.add(op.action.clientOrderId);
    const order = (op.reply?.status === 'ok' ? op.reply.result : undefined) as
      | { order?: { orderId?: unknown } }
      | undefined;
    if (typeof order?.order?.orderId === 'string') orderIds.add(order.order.orderId);
  }
  for (const rec of events) {
    if (is(rec, 'session_resynced')) {
      for (const a of rec.event.snapshot?.accounts ?? [])
        for (const o of a.openOrders ?? []) orderIds.add(o.orderId);
    }
  }
  return { clientOrderIds, orderIds };
}

/**
 * A trader sees only its own private data: no event on another account's stream, nothing of
 * another account in a resync snapshot, and every order event on its own stream is about an
 * order its account placed (by the admin's record of which stream accepted the order, or, when
 * the record does not know the order, by what the client itself sent and was told).
 */
export const isolationPrivateStreams: Invariant<TradingEvidence> = {
  name: NAME,
  description: "no trader receives another account's private events or data",
  counts: 'private events',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const owners = orderOwners(adminRecord(evidence.events));
    const byClient = eventsByClient(evidence.events);
    for (const client of traderClients(evidence.events, evidence.projections)) {
      const events = byClient.get(client) ?? [];
      const account = accountOfClient(client, evidence.events);
      const own = ownOrders(evidence, client, events);
      for (const rec of events) {
        if (is(rec, 'session_resynced')) {
          tally?.count();
          for (const a of rec.event.snapshot?.accounts ?? []) {
            const foreign =
              a.account?.id !== account
                ? a.account?.id
                : a.openOrders?.find((o) => o.account !== account)?.account;
            if (foreign !== undefined) {
              out.push(
                violation(
                  NAME,
                  `${client} (account ${account}): resync snapshot holds data of account ${foreign}`,
                  [rec],
                ),
              );
            }
          }
          continue;
        }
        const streamAccount = accountOfStream(rec.stream);
        if (streamAccount === undefined) continue;
        tally?.count();
        if (streamAccount !== account) {
          out.push(
            violation(
              NAME,
              `${client} (account ${account}) received ${rec.event?.type} on ${rec.stream}, another account's stream`,
              [rec],
            ),
          );
          continue;
        }
        if (!isOrderEvent(rec)) continue;
        const e = rec.event;
        const owner = owners.get(e.orderId);
        const mine =
          owner !== undefined
            ? owner === account
            : own.orderIds.has(e.orderId) || own.clientOrderIds.has(e.clientOrderId);
        if (!mine) {
          const whose = owner === undefined ? 'an order it never placed' : `an order of account ${owner}`;
          const detail = e.type === 'fill' ? `fill ${e.tradeId}` : e.type;
          out.push(
            violation(
              NAME,
              `${client} (account ${account}) received ${detail} of ${e.orderId} (${e.clientOrderId}) on ${rec.stream}: ${whose}`,
              [rec],
            ),
          );
        }
      }
    }
    return out;
  },
};
