import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import type { FeedsClientEvent } from '../../../src/domains/feeds/feeds-client-event.ts';
import type { FeedsEvidence } from '../../../src/domains/feeds/feeds-evidence.ts';
import type { Head, Log } from '../../../src/domains/feeds/protocol/chain-types.ts';
import type { FeedsSnapshot } from '../../../src/domains/feeds/protocol/feeds-snapshot.ts';
import { fromHexQuantity } from '../../../src/domains/feeds/protocol/hex-quantity.ts';

export type FeedsRecord = RecordedEvent<FeedsClientEvent>;
export type HeadRecord = RecordedEvent<Extract<FeedsClientEvent, { type: 'head' }>>;
export type LogRecord = RecordedEvent<Extract<FeedsClientEvent, { type: 'log' }>>;

export function isHead(rec: FeedsRecord): rec is HeadRecord {
  return rec.event?.type === 'head';
}

export function isLog(rec: FeedsRecord): rec is LogRecord {
  return rec.event?.type === 'log';
}

/** One subscription as one client received it: its pushes in arrival order. */
export interface Feed<R> {
  client: string;
  subscription: string;
  /** The subscribe step that made it (-1: unknown). */
  step: number;
  records: R[];
}

/** Every newHeads feed of the run, per client and subscription id, pushes in arrival order. */
export function headFeeds(evidence: FeedsEvidence): Feed<HeadRecord>[] {
  return feedsOf(evidence, isHead);
}

export function logFeeds(evidence: FeedsEvidence): Feed<LogRecord>[] {
  return feedsOf(evidence, isLog);
}

function feedsOf<R extends HeadRecord | LogRecord>(
  evidence: FeedsEvidence,
  keep: (rec: FeedsRecord) => rec is R,
): Feed<R>[] {
  const feeds = new Map<string, Feed<R>>();
  for (const rec of (evidence.events ?? []) as FeedsRecord[]) {
    if (!keep(rec)) continue;
    const key = `${rec.client}/${rec.event.subscription}`;
    let feed = feeds.get(key);
    if (feed === undefined) {
      feed = { client: rec.client, subscription: rec.event.subscription, step: rec.event.step, records: [] };
      feeds.set(key, feed);
    }
    feed.records.push(rec);
  }
  return [...feeds.values()];
}

export function headNumber(head: Head | undefined): number | undefined {
  return fromHexQuantity(head?.number);
}

export function logBlock(log: Log | undefined): number | undefined {
  return fromHexQuantity(log?.blockNumber);
}

/** The system's truth, when the target read one (a ws target without admin methods has none). */
export function truthOf(evidence: FeedsEvidence): FeedsSnapshot | undefined {
  const snapshot = evidence.snapshot as FeedsSnapshot | undefined;
  return snapshot !== undefined && snapshot !== null && typeof snapshot === 'object' && 'network' in snapshot
    ? snapshot
    : undefined;
}

/** Every block hash any chain of the system ever had (canonical or orphaned, network or upstream), by hash. */
export function knownBlocks(
  snapshot: FeedsSnapshot,
): Map<string, { number: number; head: Head; logs: Log[] }> {
  const out = new Map<string, { number: number; head: Head; logs: Log[] }>();
  const chains = [snapshot.network, ...snapshot.upstreams];
  for (const chain of chains) {
    for (const block of [...chain.canonical, ...chain.orphaned])
      if (!out.has(block.head.hash))
        out.set(block.head.hash, { number: block.number, head: block.head, logs: block.logs });
  }
  return out;
}
