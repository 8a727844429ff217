import type { Head, Log } from './chain-types.ts';

/**
 * How a reorg reaches a subscriber (the contract both the proxy and the domain's invariants
 * hold to; docs/feeds.md "Reorgs").
 *
 * newHeads: the heads of the new branch are sent again from the fork point up, in ascending
 * number: the first one's parentHash is the hash of a head the subscriber already received
 * (the common ancestor), each next one links to the one before. A subscriber thus sees the
 * number go down once (to fork point + 1) and climb again; nothing else may make it go down.
 * A head the subscriber already has (same number and hash) is never sent twice.
 *
 * logs: each log the subscriber received from a block that left the canonical chain is sent
 * again with `removed: true` (before any log of the new branch at that height), then the new
 * branch's matching logs follow with `removed: false`.
 *
 * The same holds whether the reorg happened on the upstream that serves the subscription or
 * shows up only because a failover moved the subscription to an upstream on another branch:
 * the proxy finds the fork point itself (within `maxReorgDepth` blocks) and announces it.
 */
export interface ReorgAnnouncement {
  /** The highest block both branches share. */
  forkPoint: number;
  /** Heads of the new branch, fork point + 1 upward. */
  newHeads: Head[];
  /** Logs taken back (removed: true), for logs subscriptions. */
  removedLogs: Log[];
}

/** The depth of a reorg: how many blocks of the old branch it replaced. */
export function reorgDepth(oldTip: number, forkPoint: number): number {
  return Math.max(0, oldTip - forkPoint);
}
