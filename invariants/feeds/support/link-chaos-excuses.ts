import { type FaultRecord, faultRecordsOf } from '../../../src/core/faults/fault-record.ts';
import type { FeedsEvidence } from '../../../src/domains/feeds/feeds-evidence.ts';

/**
 * What the chaos on one client's link, not the proxy, did to what it received: frames it
 * destroyed (by label: `sub:<id>#<number>`, `sub:<id>#log:<key>`), and how many pushes it
 * doubled or reordered on the way to the client. An invariant excuses exactly that much.
 */
export class LinkExcuses {
  private readonly lost = new Map<string, number>();
  private duplicates = 0;
  private reorders = 0;
  private doubledRequests = 0;
  /** Whether any fault at all acted on this client's link. */
  readonly touched: boolean;

  constructor(records: readonly FaultRecord[]) {
    this.touched = records.length > 0;
    for (const record of records) {
      for (const label of record.lost ?? []) this.lost.set(label, (this.lost.get(label) ?? 0) + 1);
      const direction = (record.detail as { direction?: unknown } | undefined)?.direction;
      if (direction === 'to_target') {
        if (record.kind === 'frame.duplicate') this.doubledRequests += record.hits;
        continue;
      }
      if (record.kind === 'frame.duplicate') this.duplicates += record.hits;
      if (record.kind === 'frame.reorder') this.reorders += record.hits;
    }
  }

  /** Whether the frame so labelled was destroyed on the link (uses the excuse up). */
  destroyed(label: string): boolean {
    const n = this.lost.get(label) ?? 0;
    if (n <= 0) return false;
    this.lost.set(label, n - 1);
    return true;
  }

  /** Whether a push seen twice can be the link's doing (uses one excuse up). */
  doubled(): boolean {
    if (this.duplicates <= 0) return false;
    this.duplicates--;
    return true;
  }

  /** Whether a second answer can be the link's doing: a doubled answer or a doubled request. */
  answeredTwice(): boolean {
    if (this.doubledRequests > 0) {
      this.doubledRequests--;
      return true;
    }
    return this.doubled();
  }

  /** Whether a push out of order can be the link's doing (uses one excuse up). */
  reordered(): boolean {
    if (this.reorders <= 0) return false;
    this.reorders--;
    return true;
  }
}

/** Each client's excuses, from the run's fault records. */
export function linkExcuses(evidence: FeedsEvidence): (client: string) => LinkExcuses {
  const records = faultRecordsOf(evidence.extra ?? {});
  const cache = new Map<string, LinkExcuses>();
  return (client) => {
    let excuses = cache.get(client);
    if (excuses === undefined) {
      excuses = new LinkExcuses(records.filter((r) => r.client === client));
      cache.set(client, excuses);
    }
    return excuses;
  };
}

/** Whether any fault action was sent in the run (link faults), and when the first went out. */
export function firstFaultAt(evidence: FeedsEvidence): number {
  let first = Number.POSITIVE_INFINITY;
  for (const op of evidence.history ?? [])
    if ((op.action as { kind?: string } | undefined)?.kind === 'fault') first = Math.min(first, op.invokedAt);
  return first;
}
