import type { NormalizeOptions } from '../../../core/diff/normalized-timeline.ts';

/**
 * What two trading venues must agree on: every venue stream (account, market, book) as each
 * client received it, and every reply. The client's own `session:` stream (connects,
 * resyncs, retries) is its view of the transport, not the venue's output.
 */
export const TRADING_DIFF_NORMALIZER: NormalizeOptions = {
  isSessionStream: (stream) => stream.startsWith('session:'),
  // A resync answer says where each stream stood (absolute seqs) and each order's queue
  // priority (a venue-wide counter): a shared venue counts both across runs. The rest must match.
  normalizeResult: (result) => withoutKeys(result, VOLATILE_KEYS),
  // Order and trade ids: the embedded ws venue serves many runs and goes on numbering them.
  volatileIds: /"[OT]\d+"/g,
};

const VOLATILE_KEYS = new Set(['seqs', 'priority']);

function withoutKeys(value: unknown, keys: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutKeys(item, keys));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (!keys.has(key)) out[key] = withoutKeys(item, keys);
  return out;
}
