import type { TradingEvidence } from '../../../src/domains/trading/trading-evidence.ts';
import { adminRecord } from './admin-record.ts';
import { ADMIN_CLIENT, isSessionStream, type TradingRecord } from './events.ts';

/** Where the venue's record came from: the admin's complete one, or the traders' own merged. */
export type RecordSource = 'admin' | 'traders' | 'none';

/**
 * The record the market-data rules judge the venue by, in the venue's order of inputs (txn).
 * With an admin client it is the admin's record (every account and public stream). Without
 * one, it is what the traders saw, merged: each (stream, seq) once, from whichever trader got
 * it first. Only events with a txn can be ordered against each other; without txns the merged
 * record is empty, and the rules that need it have nothing to check.
 */
export function marketRecord(evidence: TradingEvidence): {
  record: readonly TradingRecord[];
  source: RecordSource;
} {
  const events = Array.isArray(evidence?.events) ? evidence.events : [];
  const admin = adminRecord(events);
  if (admin.length > 0) return { record: admin, source: 'admin' };
  const seen = new Set<string>();
  const merged: TradingRecord[] = [];
  const usable = events.filter(
    (rec) =>
      typeof rec?.client === 'string' &&
      rec.client !== ADMIN_CLIENT &&
      typeof rec.stream === 'string' &&
      !isSessionStream(rec.stream) &&
      typeof rec.seq === 'number' &&
      typeof rec.txn === 'number' &&
      typeof rec.event === 'object' &&
      rec.event !== null,
  );
  for (const rec of usable.sort((a, b) => a.gseq - b.gseq)) {
    const key = `${rec.stream}#${rec.seq}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(rec);
  }
  merged.sort((a, b) => (a.txn as number) - (b.txn as number) || a.gseq - b.gseq);
  return { record: merged, source: merged.length > 0 ? 'traders' : 'none' };
}

/** The last seq the final snapshot says each stream reached, when the snapshot says so. */
export function snapshotStreams(evidence: TradingEvidence): Map<string, number> | undefined {
  const streams = (evidence?.snapshot as { streams?: unknown } | undefined)?.streams;
  if (typeof streams !== 'object' || streams === null || Array.isArray(streams)) return undefined;
  const out = new Map<string, number>();
  for (const [stream, seq] of Object.entries(streams)) if (typeof seq === 'number') out.set(stream, seq);
  return out;
}

/**
 * Whether a stream's events are all in hand: known from its start (seq 1, or a `reset` that
 * wipes what came before) with no seq missing since. A gap makes it unknown until its next reset.
 */
export class StreamKnowledge {
  private readonly state = new Map<string, { last?: number; known: boolean }>();

  /**
   * @param firstSeqs the first seq each stream has in the record
   * @param published streams the venue says had events (the final snapshot's `streams`)
   */
  constructor(
    private readonly firstSeqs: ReadonlyMap<string, number>,
    private readonly published: ReadonlyMap<string, number> | undefined,
  ) {}

  static of(record: readonly TradingRecord[], published: ReadonlyMap<string, number> | undefined) {
    const first = new Map<string, number>();
    for (const rec of record) if (!first.has(rec.stream)) first.set(rec.stream, rec.seq);
    return new StreamKnowledge(first, published);
  }

  /** Takes one recorded event; false when it repeats a seq already taken (to be skipped). */
  take(rec: TradingRecord): boolean {
    let s = this.state.get(rec.stream);
    if (s === undefined) {
      s = { known: false };
      this.state.set(rec.stream, s);
    }
    if (s.last === undefined) s.known = rec.seq === 1;
    else if (rec.seq <= s.last) return false;
    else if (rec.seq !== s.last + 1) s.known = false;
    s.last = rec.seq;
    if (rec.event?.type === 'reset') s.known = true;
    return true;
  }

  /** Whether everything on the stream so far is in hand. */
  known(stream: string): boolean {
    const s = this.state.get(stream);
    if (s !== undefined) return s.known;
    const first = this.firstSeqs.get(stream);
    if (first !== undefined) return first === 1;
    // Never recorded: in hand only if the venue says the stream never had an event.
    return this.published !== undefined && !this.published.has(stream);
  }

  last(stream: string): number | undefined {
    return this.state.get(stream)?.last;
  }
}
