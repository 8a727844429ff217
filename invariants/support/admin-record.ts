import { ADMIN_CLIENT, isSessionStream, type TradingRecord } from './events.ts';

/**
 * The admin is subscribed to every account, market and book stream, so its events are the
 * complete record. Ordered by txn (the engine's total order of inputs), then by arrival, which
 * keeps the engine's order within one input and puts a re-sent event back in its own input.
 */
export function adminRecord(events: readonly TradingRecord[]): TradingRecord[] {
  // Eighteen invariants ask for the same record of the same run: build it once per events array.
  const cached = events ? adminRecords.get(events) : undefined;
  if (cached) return cached.slice();
  const built = buildAdminRecord(events);
  if (events) adminRecords.set(events, built);
  return built.slice();
}

const adminRecords = new WeakMap<readonly TradingRecord[], TradingRecord[]>();

function buildAdminRecord(events: readonly TradingRecord[]): TradingRecord[] {
  const own = (events ?? []).filter(
    (rec) =>
      rec?.client === ADMIN_CLIENT &&
      typeof rec.txn === 'number' &&
      typeof rec.stream === 'string' &&
      typeof rec.event === 'object' &&
      rec.event !== null &&
      !isSessionStream(rec.stream),
  );
  return own.sort((a, b) => (a.txn as number) - (b.txn as number) || a.gseq - b.gseq);
}

/** The record cut into inputs: consecutive events of one txn. */
export function groupByTxn(record: readonly TradingRecord[]): TradingRecord[][] {
  const groups: TradingRecord[][] = [];
  let current: TradingRecord[] = [];
  for (const rec of record) {
    if (current.length > 0 && current[0].txn !== rec.txn) {
      groups.push(current);
      current = [];
    }
    current.push(rec);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Which account owns each order: the account stream its first order_accepted came on. */
export function orderOwners(record: readonly TradingRecord[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const rec of record) {
    const e = rec.event;
    if (e?.type !== 'order_accepted' || owners.has(e.orderId)) continue;
    if (rec.stream.startsWith('account:')) owners.set(e.orderId, rec.stream.slice(8));
  }
  return owners;
}
