import { ADMIN_CLIENT, inOrder, is, isSessionStream, type TradingRecord } from './events.ts';

/**
 * The admin is subscribed to every account, market and book stream, so its events are the
 * complete record. Ordered by txn (the engine's total order of inputs), then by arrival, which
 * keeps the engine's order within one input and puts a re-sent event back in its own input.
 */
export function adminRecord(events: readonly TradingRecord[]): readonly TradingRecord[] {
  // Eighteen invariants ask for the same record of the same run: build it once per events array
  // and share it (read it, never change it).
  const cached = events ? adminRecords.get(events) : undefined;
  if (cached) return cached;
  const built = buildAdminRecord(events);
  if (events) adminRecords.set(events, built);
  shared.add(built);
  return built;
}

/** Records handed out to be shared (never changed): their inputs can be cut once and shared too. */
const shared = new WeakSet<readonly TradingRecord[]>();
const sharedGroups = new WeakMap<readonly TradingRecord[], readonly (readonly TradingRecord[])[]>();

const adminRecords = new WeakMap<readonly TradingRecord[], readonly TradingRecord[]>();

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
  const byInput = (a: TradingRecord, b: TradingRecord) =>
    (a.txn as number) - (b.txn as number) || a.gseq - b.gseq;
  if (!inOrder(own, byInput)) own.sort(byInput);
  // Before its first disconnect the admin got every input live, in the engine's order.
  let away = Number.POSITIVE_INFINITY;
  for (const rec of events ?? []) {
    if (rec?.client === ADMIN_CLIENT && is(rec, 'session_disconnected')) away = Math.min(away, rec.gseq);
  }
  if (away === Number.POSITIVE_INFINITY) return own;
  return cutByTxn(own).flatMap((group) => (group[0].gseq > away ? inTradeOrder(group) : group));
}

/**
 * The events of one input in the order its trades happened. Live, the admin gets them in the
 * engine's order; a resume (the admin's way back after a crash killed frames in flight)
 * replays them stream by stream, so one account's fill of the second trade can come before
 * another's fill of the first. Such an input (after the admin's first disconnect, with fills
 * out of trade order) is reordered by the rank of the trade each event follows in its own
 * stream (trades ranked as the market stream, or else the taker's fills, tell them), keeping
 * each stream's own order.
 */
function inTradeOrder(group: TradingRecord[]): TradingRecord[] {
  const tradeOf = (rec: TradingRecord): string | undefined =>
    rec.event?.type === 'fill' || rec.event?.type === 'trade' ? rec.event.tradeId : undefined;
  const rank = new Map<string, number>();
  for (const rec of group)
    if (is(rec, 'trade') && !rank.has(rec.event.tradeId)) rank.set(rec.event.tradeId, rank.size);
  for (const rec of group) {
    if (is(rec, 'fill') && rec.event.liquidity === 'taker' && !rank.has(rec.event.tradeId))
      rank.set(rec.event.tradeId, rank.size);
  }
  if (rank.size < 2) return group;
  let last = -1;
  let inOrder = true;
  for (const rec of group) {
    const trade = tradeOf(rec);
    const r = trade === undefined ? undefined : rank.get(trade);
    if (r === undefined || !is(rec, 'fill')) continue;
    if (r < last) inOrder = false;
    last = Math.max(last, r);
  }
  if (inOrder) return group;
  const followed = new Map<string, number>();
  const keyed = group.map((rec, i) => {
    const trade = tradeOf(rec);
    const r = trade === undefined ? undefined : rank.get(trade);
    if (r !== undefined) followed.set(rec.stream, Math.max(followed.get(rec.stream) ?? -1, r));
    return { rec, i, r: followed.get(rec.stream) ?? -1 };
  });
  return keyed.sort((a, b) => a.r - b.r || a.i - b.i).map((k) => k.rec);
}

/**
 * The record cut into inputs: consecutive events of one txn. The admin record (shared, never
 * changed) is cut once and its inputs shared: read them, never change them.
 */
export function groupByTxn(record: readonly TradingRecord[]): readonly (readonly TradingRecord[])[] {
  if (!shared.has(record)) return cutByTxn(record);
  let groups = sharedGroups.get(record);
  if (groups === undefined) {
    groups = cutByTxn(record);
    sharedGroups.set(record, groups);
  }
  return groups;
}

function cutByTxn(record: readonly TradingRecord[]): TradingRecord[][] {
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

/**
 * Which account owns each order: the account stream its first order_accepted came on. Seven
 * invariants ask it of the same shared admin record: built once per record handed out by
 * adminRecord (read it, never change it), for any other record on every call.
 */
export function orderOwners(record: readonly TradingRecord[]): ReadonlyMap<string, string> {
  if (!shared.has(record)) return buildOrderOwners(record);
  let owners = sharedOwners.get(record);
  if (owners === undefined) {
    owners = buildOrderOwners(record);
    sharedOwners.set(record, owners);
  }
  return owners;
}

const sharedOwners = new WeakMap<readonly TradingRecord[], ReadonlyMap<string, string>>();

function buildOrderOwners(record: readonly TradingRecord[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const rec of record) {
    const e = rec.event;
    if (e?.type !== 'order_accepted' || owners.has(e.orderId)) continue;
    if (rec.stream.startsWith('account:')) owners.set(e.orderId, rec.stream.slice(8));
  }
  return owners;
}
