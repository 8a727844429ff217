import type { LogRangeFilter } from '../../domains/feeds/protocol/chain-types.ts';
import { isHexData, isHexQuantity } from '../../domains/feeds/protocol/hex-quantity.ts';

/**
 * Why a log filter is malformed, or undefined when it is fine: address one 20-byte hex string
 * or a list of them; topics a list (at most 4) of null, a 32-byte hex string or a list of
 * them; with `withRange`, fromBlock/toBlock a quantity or a tag and blockHash 32 bytes.
 */
export function validateLogFilter(filter: unknown, withRange: boolean): string | undefined {
  if (filter === undefined) return withRange ? 'a filter object is required' : undefined;
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter))
    return 'filter must be an object';
  const f = filter as Record<string, unknown>;
  const allowed = withRange
    ? ['address', 'topics', 'fromBlock', 'toBlock', 'blockHash']
    : ['address', 'topics'];
  for (const key of Object.keys(f)) if (!allowed.includes(key)) return `unknown filter field ${key}`;
  if (f.address !== undefined) {
    const list = Array.isArray(f.address) ? f.address : [f.address];
    if (!list.every((a) => isHexData(a, 20))) return 'address must be 20-byte hex';
  }
  if (f.topics !== undefined) {
    if (!Array.isArray(f.topics) || f.topics.length > 4) return 'topics must be a list of at most 4';
    for (const topic of f.topics) {
      if (topic === null) continue;
      const list = Array.isArray(topic) ? topic : [topic];
      if (!list.every((t) => isHexData(t, 32)))
        return 'each topic must be 32-byte hex, a list of them or null';
    }
  }
  if (withRange) {
    const range = f as LogRangeFilter;
    for (const end of ['fromBlock', 'toBlock'] as const) {
      const value = range[end];
      if (value !== undefined && value !== 'latest' && value !== 'earliest' && !isHexQuantity(value))
        return `${end} must be a quantity, latest or earliest`;
    }
    if (range.blockHash !== undefined) return 'blockHash is not supported';
  }
  return undefined;
}

/** A block tag for eth_getBlockByNumber: a quantity, latest, pending or earliest. */
export function isBlockTag(value: unknown): boolean {
  return value === 'latest' || value === 'pending' || value === 'earliest' || isHexQuantity(value);
}
