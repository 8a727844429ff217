import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import type { TradingClientEvent } from '../../../src/domains/trading/trading-client-event.ts';

export type TradingRecord = RecordedEvent<TradingClientEvent>;
export type EventOf<T extends TradingClientEvent['type']> = Extract<TradingClientEvent, { type: T }>;
export type RecordOf<T extends TradingClientEvent['type']> = RecordedEvent<EventOf<T>>;

export const ADMIN_CLIENT = 'admin';

export function is<T extends TradingClientEvent['type']>(rec: TradingRecord, type: T): rec is RecordOf<T> {
  return rec?.event?.type === type;
}

/** Events that name one order on an account stream (rejections excluded: they echo a request). */
export const ORDER_EVENT_TYPES = new Set<string>([
  'order_accepted',
  'fill',
  'order_cancelled',
  'order_replaced',
  'order_expired',
]);

export type OrderEventRecord = RecordOf<
  'order_accepted' | 'fill' | 'order_cancelled' | 'order_replaced' | 'order_expired'
>;

export function isOrderEvent(rec: TradingRecord): rec is OrderEventRecord {
  // The types of ORDER_EVENT_TYPES, spelled out: this runs on every event of every invariant.
  switch (rec?.event?.type) {
    case 'order_accepted':
    case 'fill':
    case 'order_cancelled':
    case 'order_replaced':
    case 'order_expired':
      return typeof (rec.event as { orderId?: unknown }).orderId === 'string';
    default:
      return false;
  }
}

/** `account:maker` -> `maker`; undefined for any other stream. */
export function accountOfStream(stream: string): string | undefined {
  if (typeof stream !== 'string' || !stream.startsWith('account:')) return undefined;
  // Asked for every event by several invariants, of a run's few streams: each name cut once.
  let account = accountNames.get(stream);
  if (account === undefined) {
    if (accountNames.size >= NAME_LIMIT) accountNames.clear();
    account = stream.slice(8);
    accountNames.set(stream, account);
  }
  return account;
}

/** Account names by stream (a pure function of the text; emptied past NAME_LIMIT names). */
const accountNames = new Map<string, string>();
const NAME_LIMIT = 10_000;

/** `market:X` or `book:X` -> `X`; undefined for any other stream. */
export function symbolOfStream(stream: string): string | undefined {
  if (typeof stream !== 'string') return undefined;
  if (stream.startsWith('market:')) return stream.slice(7);
  if (stream.startsWith('book:')) return stream.slice(5);
  return undefined;
}

export function isSessionStream(stream: string): boolean {
  return typeof stream === 'string' && stream.startsWith('session:');
}

/**
 * Events one client received, in arrival (gseq) order. Built once per run's events and shared
 * by every caller: read it, never change it (copy what you need to change).
 */
export function eventsByClient(
  events: readonly TradingRecord[],
): ReadonlyMap<string, readonly TradingRecord[]> {
  let byClient = events ? clientRecords.get(events) : undefined;
  if (!byClient) {
    byClient = buildEventsByClient(events);
    if (events) clientRecords.set(events, byClient);
  }
  return byClient;
}

const clientRecords = new WeakMap<readonly TradingRecord[], Map<string, TradingRecord[]>>();

function buildEventsByClient(events: readonly TradingRecord[]): Map<string, TradingRecord[]> {
  const out = new Map<string, TradingRecord[]>();
  const usable = (events ?? []).filter(
    (rec) => typeof rec?.stream === 'string' && typeof rec.event === 'object' && rec.event !== null,
  );
  // Recorded in gseq order already, as a rule: sorted only when they are not.
  if (!inOrder(usable, (a, b) => a.gseq - b.gseq)) usable.sort((a, b) => a.gseq - b.gseq);
  for (const rec of usable) {
    let list = out.get(rec.client);
    if (list === undefined) {
      list = [];
      out.set(rec.client, list);
    }
    list.push(rec);
  }
  return out;
}

/**
 * Whether sorting `list` with `compare` (a stable sort) would leave it as it is: every
 * neighbour compares as a number at or below zero. A comparison that is not a number (NaN)
 * says no, so the list is sorted as before.
 */
export function inOrder<T>(list: readonly T[], compare: (a: T, b: T) => number): boolean {
  for (let i = 1; i < list.length; i++) if (!(compare(list[i - 1], list[i]) <= 0)) return false;
  return true;
}

/** Every client that is not the venue's admin: the traders, each logged in as its own account. */
export function traderClients(
  events: readonly TradingRecord[],
  projections: Record<string, unknown>,
): string[] {
  // Several invariants ask for the same run's traders: scan its events once per projections.
  const cached = events ? traderNames.get(events) : undefined;
  if (cached && cached.projections === projections) return cached.names.slice();
  const names = new Set<string>(Object.keys(projections ?? {}));
  for (const rec of events ?? []) if (typeof rec?.client === 'string') names.add(rec.client);
  names.delete(ADMIN_CLIENT);
  const sorted = [...names].sort();
  if (events) traderNames.set(events, { projections, names: sorted });
  return sorted.slice();
}

const traderNames = new WeakMap<
  readonly TradingRecord[],
  { projections: Record<string, unknown>; names: string[] }
>();

/** The account a trader client acts for: the one its session reported, else its own name. */
export function accountOfClient(client: string, events: readonly TradingRecord[]): string {
  if (!events) return client;
  // Asked per operation by several invariants: one pass per run instead of a scan per call.
  let accounts = clientAccounts.get(events);
  if (accounts === undefined) {
    accounts = new Map();
    for (const rec of events) {
      if (
        typeof rec?.client === 'string' &&
        !accounts.has(rec.client) &&
        is(rec, 'session_connected') &&
        typeof rec.event.account === 'string'
      )
        accounts.set(rec.client, rec.event.account);
    }
    clientAccounts.set(events, accounts);
  }
  return accounts.get(client) ?? client;
}

/** The first account each client's session reported, per run's events. */
const clientAccounts = new WeakMap<readonly TradingRecord[], Map<string, string>>();

/** Whether an order event leaves its order closed: a cancel, an expiry, or the fill that leaves nothing. */
export function endsOrder(rec: OrderEventRecord): boolean {
  const e = rec.event;
  return (
    e.type === 'order_cancelled' ||
    e.type === 'order_expired' ||
    (e.type === 'fill' && !(e.remainingQty > 1e-12))
  );
}
