import type { NormalizeOptions } from '../../../core/diff/normalized-timeline.ts';

/**
 * What two trading venues must agree on: every venue stream (account, market, book) as each
 * client received it, every reply, and the final state. The client's own `session:` stream
 * (connects, resyncs, retries) is its view of the transport, not the venue's output.
 *
 * What differs between two correct venues, found by running the same sequences in process
 * and over WebSocket: the embedded WebSocket venue serves every run of a campaign (reset
 * between runs), so it goes on counting order and trade ids, queue priorities, stream seqs
 * and txns across runs, and its clock is the wall clock. Event payloads carry none of these
 * except the ids.
 */
export const TRADING_DIFF_NORMALIZER: NormalizeOptions = {
  isSessionStream: (stream) => stream.startsWith('session:'),
  // A resync answer says where each stream stood (absolute seqs) and each order's queue
  // priority (a venue-wide counter). The rest must match.
  normalizeResult: (result) => withoutKeys(result, RESULT_VOLATILE),
  // The venue's clock and its counters (txn, last seq per stream: a reset venue lists streams
  // it served before too) differ; balances, positions, open orders and books must match.
  normalizeSnapshot: (snapshot) =>
    withoutKeys(snapshot, SNAPSHOT_VOLATILE, (key, depth) => depth > 0 || !SNAPSHOT_TOP_VOLATILE.has(key)),
  // Order and trade ids: renamed by first appearance.
  volatileIds: /[OT]\d+/,
};

const RESULT_VOLATILE = new Set(['seqs', 'priority']);
const SNAPSHOT_VOLATILE = new Set(['priority']);
const SNAPSHOT_TOP_VOLATILE = new Set(['txn', 'time', 'streams']);

/** A copy without the named keys at any depth (and without what `keep` refuses). */
function withoutKeys(
  value: unknown,
  keys: ReadonlySet<string>,
  keep: (key: string, depth: number) => boolean = () => true,
  depth = 0,
): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutKeys(item, keys, keep, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    if (!keys.has(key) && keep(key, depth)) out[key] = withoutKeys(item, keys, keep, depth + 1);
  return out;
}
