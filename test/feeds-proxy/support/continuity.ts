import type { Head, Log } from '../../../src/domains/feeds/protocol/chain-types.ts';
import { fromHexQuantity } from '../../../src/domains/feeds/protocol/hex-quantity.ts';

/** What a subscriber's head stream broke, by the announcement rules of docs/feeds.md. */
export interface HeadProblems {
  /** Heads whose number skipped ahead (n > last + 1). */
  gaps: number[];
  /** Heads received while the subscriber already had that same head at that number. */
  duplicates: number[];
  /** Heads whose parent is not the subscriber's head one below (an unannounced reorg). */
  unlinked: number[];
}

/** Reads a newHeads stream as a subscriber would. */
export function headProblems(heads: readonly Head[]): HeadProblems {
  const view = new Map<number, string>();
  let last: number | undefined;
  const problems: HeadProblems = { gaps: [], duplicates: [], unlinked: [] };
  for (const head of heads) {
    const n = fromHexQuantity(head.number) as number;
    if (view.get(n) === head.hash) problems.duplicates.push(n);
    else if (last !== undefined && n > last + 1) problems.gaps.push(n);
    else if (last !== undefined && view.has(n - 1) && view.get(n - 1) !== head.parentHash)
      problems.unlinked.push(n);
    for (const k of [...view.keys()]) if (k > n) view.delete(k);
    view.set(n, head.hash);
    last = n;
  }
  return problems;
}

/** Logs delivered twice in the same state (same block hash, index and removed flag, back to back). */
export function duplicateLogs(logs: readonly Log[]): string[] {
  const state = new Map<string, boolean>();
  const dups: string[] = [];
  for (const log of logs) {
    const id = `${log.blockHash}:${log.logIndex}`;
    if (state.get(id) === log.removed) dups.push(id);
    state.set(id, log.removed);
  }
  return dups;
}
