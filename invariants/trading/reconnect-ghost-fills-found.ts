import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import {
  ADMIN_CLIENT,
  accountOfClient,
  eventsByClient,
  is,
  type RecordOf,
  type TradingRecord,
  traderClients,
} from './support/events.ts';
import { EPSILON } from './support/numbers.ts';
import { violation } from './support/violation.ts';

const NAME = 'reconnect.ghost-fills-found';

/** From a disconnect to the catch-up (resync or resume) that ends it; open if none came. */
interface Outage {
  from: TradingRecord;
  to?: TradingRecord;
}

function outagesOf(events: readonly TradingRecord[]): Outage[] {
  const outages: Outage[] = [];
  let open: Outage | undefined;
  for (const rec of events) {
    // A second disconnect before the catch-up (a failed redial) is the same outage.
    if (is(rec, 'session_disconnected')) open ??= { from: rec };
    else if ((is(rec, 'session_resynced') || is(rec, 'session_resumed')) && open !== undefined) {
      open.to = rec;
      outages.push(open);
      open = undefined;
    }
  }
  if (open !== undefined) outages.push(open);
  return outages;
}

/** Whether a resync after the fill shows its effect: the order filled at least that far, or closed. */
function reflects(resync: RecordOf<'session_resynced'>, fill: RecordOf<'fill'>, account: string): boolean {
  const seq = resync.event.seqs?.[fill.stream];
  if (typeof seq === 'number' && seq < fill.seq) return false;
  const entry = resync.event.snapshot?.accounts?.find((a) => a?.account?.id === account);
  if (entry === undefined) return false;
  const order = (entry.openOrders ?? []).find((o) => o?.orderId === fill.event.orderId);
  return order === undefined || order.filledQty >= fill.event.filledQty - EPSILON;
}

const describeFill = (fill: RecordOf<'fill'>): string =>
  `${fill.event.tradeId} of ${fill.event.orderId} (seq ${fill.seq})`;

/**
 * A fill made while a trader was away is still news to it: every fill on the trader's account
 * stream in the admin's record (the venue's truth) that came between the trader's
 * session_disconnected and the resync or resume that ended that outage must be known to the
 * trader by the end of the run: received (same stream, orderId and tradeId), or shown by a
 * later resync snapshot (the order filled at least that far, or no longer open). A trader that
 * never caught up after a disconnect misses every fill made since.
 */
export const reconnectGhostFillsFound: Invariant<TradingEvidence> = {
  name: NAME,
  description: 'every fill made while a trader was disconnected reaches it, or a later resync reflects it',
  needs: [CAP.reconnect],
  counts: 'outages',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const byClient = eventsByClient(evidence.events);
    const adminFills = (byClient.get(ADMIN_CLIENT) ?? []).filter(
      (rec): rec is RecordOf<'fill'> => is(rec, 'fill') && rec.stream.startsWith('account:'),
    );
    for (const client of traderClients(evidence.events, evidence.projections)) {
      const events = byClient.get(client) ?? [];
      const outages = outagesOf(events);
      if (outages.length === 0) continue;
      tally?.count(outages.length);
      const account = accountOfClient(client, evidence.events);
      const stream = `account:${account}`;
      const fills = adminFills.filter((rec) => rec.stream === stream);
      const received = new Set<string>();
      const resyncs: RecordOf<'session_resynced'>[] = [];
      for (const rec of events) {
        if (is(rec, 'fill') && rec.stream === stream)
          received.add(`${rec.event.orderId}|${rec.event.tradeId}`);
        else if (is(rec, 'session_resynced')) resyncs.push(rec);
      }
      const known = (fill: RecordOf<'fill'>): boolean =>
        received.has(`${fill.event.orderId}|${fill.event.tradeId}`) ||
        resyncs.some((r) => r.gseq > fill.gseq && reflects(r, fill, account));

      for (const { from, to } of outages) {
        const missed = fills.filter(
          (f) => f.gseq > from.gseq && (to === undefined || f.gseq < to.gseq) && !known(f),
        );
        if (missed.length === 0) continue;
        const list = missed.map(describeFill).join(', ');
        const message =
          to === undefined
            ? `${client} (account ${account}) never caught up after its disconnect at gseq ${from.gseq} (no resync or resume after it) and missed fills made meanwhile: ${list}`
            : `${client} (account ${account}) never learned of fills made while it was disconnected (gseq ${from.gseq} to its ${to.event.type} at gseq ${to.gseq}), neither received nor shown by a later resync: ${list}`;
        out.push(violation(NAME, message, [from, ...missed, to]));
      }
    }
    return out;
  },
};
