import type { FaultKind } from './fault.ts';

/**
 * What the chaos layer really did: one record per fault that acted at least once. A fault
 * that was armed but met no frame, request or process leaves no record, so counting records
 * tells armed faults from fired ones (chaos that silently never fires gives false comfort).
 */
export interface FaultRecord {
  /** The step of the fault action that armed it. */
  step: number;
  client: string;
  kind: FaultKind;
  /** Scheduler time of the first effect. */
  time: number;
  /** How many frames, requests or cuts it acted on. */
  hits: number;
  /**
   * Frames it destroyed (dropped, cut, garbled, swallowed by a half-open link), by their
   * domain label (trading: `stream#seq` for events, `response#id` for answers), so an
   * invariant can tell a gap the chaos made from one the target made.
   */
  lost?: string[];
  detail?: Record<string, unknown>;
}

export type FaultCounts = Partial<Record<FaultKind, number>>;

/** How many faults of each kind fired. */
export function countFaults(records: readonly FaultRecord[]): FaultCounts {
  const counts: FaultCounts = {};
  for (const record of records) counts[record.kind] = (counts[record.kind] ?? 0) + 1;
  return counts;
}

export function addFaultCounts(into: FaultCounts, more: FaultCounts): FaultCounts {
  for (const [kind, n] of Object.entries(more) as [FaultKind, number][]) into[kind] = (into[kind] ?? 0) + n;
  return into;
}

/**
 * Keeps the records of one run. Hits on the same fault (same step and kind) add to one
 * record, so the log stays as long as the fault list, not as long as the frame count.
 */
export class FaultLog {
  private readonly records: FaultRecord[] = [];
  private readonly byKey = new Map<string, FaultRecord>();

  hit(
    step: number,
    client: string,
    kind: FaultKind,
    time: number,
    detail?: Record<string, unknown>,
    lost?: string,
  ): void {
    const key = `${step}/${kind}/${client}`;
    let record = this.byKey.get(key);
    if (record) record.hits++;
    else {
      record = { step, client, kind, time, hits: 1, ...(detail ? { detail } : {}) };
      this.byKey.set(key, record);
      this.records.push(record);
    }
    if (lost === undefined) return;
    if (record.lost) record.lost.push(lost);
    else record.lost = [lost];
  }

  get size(): number {
    return this.records.length;
  }

  list(): FaultRecord[] {
    return this.records.map((r) => ({ ...r, ...(r.lost ? { lost: [...r.lost] } : {}) }));
  }
}

/** Targets put their fault records under this key of the run's extra evidence. */
export const FAULTS_EVIDENCE_KEY = 'faults';

export function faultRecordsOf(extra: Record<string, unknown>): FaultRecord[] {
  const records = extra[FAULTS_EVIDENCE_KEY];
  return Array.isArray(records) ? (records as FaultRecord[]) : [];
}
