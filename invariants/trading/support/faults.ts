import type { FaultRecord } from '../../../src/core/faults/fault-record.ts';
import type { TradingEvidence } from '../../../src/domains/trading/trading-evidence.ts';

/** The fault records of a run, without malformed entries. */
export function faultRecords(evidence: TradingEvidence): FaultRecord[] {
  const faults = evidence.extra?.faults;
  if (!Array.isArray(faults)) return [];
  return faults.filter(
    (f): f is FaultRecord => typeof f === 'object' && f !== null && typeof f.client === 'string',
  );
}

/**
 * Per client, the frames the chaos destroyed on its link (`stream#seq`, `response#id`), each
 * with how many times (a frame lost live and again in a replay counts twice).
 */
export function lostByClient(faults: readonly FaultRecord[]): Map<string, Map<string, number>> {
  const lost = new Map<string, Map<string, number>>();
  for (const record of faults) {
    if (!Array.isArray(record.lost)) continue;
    let labels = lost.get(record.client);
    if (labels === undefined) {
      labels = new Map();
      lost.set(record.client, labels);
    }
    for (const label of record.lost)
      if (typeof label === 'string') labels.set(label, (labels.get(label) ?? 0) + 1);
  }
  return lost;
}

/**
 * Frames held back by a reorder fault on the way to a client, one entry per hit with the time
 * of the fault's first effect. A held frame that arrives after a later one is stale, and the
 * client drops it: its seq then looks missing although nothing was lost.
 */
export function reorderedToClient(faults: readonly FaultRecord[], client: string): number[] {
  const times: number[] = [];
  for (const record of faults) {
    if (record.client !== client || record.kind !== 'frame.reorder') continue;
    if (record.detail?.direction !== undefined && record.detail.direction !== 'from_target') continue;
    const hits = Number.isSafeInteger(record.hits) && record.hits > 0 ? record.hits : 1;
    for (let i = 0; i < hits; i++) times.push(typeof record.time === 'number' ? record.time : 0);
  }
  return times.sort((a, b) => a - b);
}
