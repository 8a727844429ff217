import type { HexData, HexQuantity } from './hex-quantity.ts';

/**
 * A block header as newHeads pushes it and eth_getBlockByNumber returns it. Only the fields a
 * feed needs: a head links to its parent by `parentHash`, which is how a client follows the
 * chain and sees a reorg.
 */
export interface Head {
  number: HexQuantity;
  /** 32 bytes. */
  hash: HexData;
  parentHash: HexData;
  /** Seconds. */
  timestamp: HexQuantity;
}

/**
 * An event log as the logs subscription pushes it and eth_getLogs returns it. `removed: true`
 * takes back a log delivered earlier whose block left the canonical chain in a reorg.
 */
export interface Log {
  blockNumber: HexQuantity;
  blockHash: HexData;
  /** The log's position in its block. */
  logIndex: HexQuantity;
  /** 20 bytes: the emitting contract. */
  address: HexData;
  /** 32 bytes each; the first is the event signature. */
  topics: HexData[];
  data: HexData;
  removed: boolean;
}

/**
 * Which logs a subscription or eth_getLogs wants. `address`: one or any of several (absent:
 * any). `topics[i]`: the log's topic i must equal it, or be one of a list; null or absent
 * matches anything at that position (Ethereum's rules).
 */
export interface LogFilter {
  address?: HexData | HexData[];
  topics?: (HexData | HexData[] | null)[];
}

/** eth_getLogs adds a block range to the filter (tags or numbers; default latest..latest). */
export interface LogRangeFilter extends LogFilter {
  fromBlock?: HexQuantity | 'latest' | 'earliest';
  toBlock?: HexQuantity | 'latest' | 'earliest';
  /** Logs of exactly this block; excludes fromBlock/toBlock. */
  blockHash?: HexData;
}

/** Whether a log passes a filter, by Ethereum's matching rules (case-insensitive hex). */
export function logMatchesFilter(log: Pick<Log, 'address' | 'topics'>, filter: LogFilter): boolean {
  if (filter.address !== undefined) {
    const wanted = (Array.isArray(filter.address) ? filter.address : [filter.address]).map(lower);
    if (wanted.length > 0 && !wanted.includes(lower(log.address))) return false;
  }
  const topics = filter.topics ?? [];
  for (let i = 0; i < topics.length; i++) {
    const want = topics[i];
    if (want === null || want === undefined) continue;
    const options = (Array.isArray(want) ? want : [want]).map(lower);
    if (options.length === 0) continue;
    const actual = log.topics[i];
    if (actual === undefined || !options.includes(lower(actual))) return false;
  }
  return true;
}

/** A log's identity: the same log re-sent has the same key; its removal differs by `removed`. */
export function logKey(log: Pick<Log, 'blockHash' | 'logIndex' | 'removed'>): string {
  return `${log.blockHash}:${log.logIndex}${log.removed ? ':removed' : ''}`;
}

function lower(text: string): string {
  return text.toLowerCase();
}
