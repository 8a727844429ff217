import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { ADMIN_CLIENT, eventsByClient, is, isSessionStream, type TradingRecord } from './support/events.ts';
import { faultRecords, lostByClient, reorderedToClient } from './support/faults.ts';
import { violation } from './support/violation.ts';

const NAME = 'streams.gapless';

interface StreamState {
  last: number;
  rec?: TradingRecord;
  /** After a reconnect, until a resync or resume says where the stream continues. */
  unsure: boolean;
  /** The first event seen while unsure, checked against the resume point once it is known. */
  firstWhileUnsure?: TradingRecord;
}

/**
 * What the chaos, not the venue, took from one client's streams: frames it destroyed (each
 * label excuses one missing seq, once), and frames a reorder held back that the client then
 * dropped as stale (one seq per hit, once the fault had acted).
 */
class ChaosExcuse {
  private readonly lost: Map<string, number>;
  private readonly reordered: number[];

  constructor(
    lost: ReadonlyMap<string, number> | undefined,
    reordered: number[],
    /** When the admin received each `stream#seq`: when the venue issued it. */
    private readonly issuedAt: ReadonlyMap<string, number>,
  ) {
    this.lost = new Map(lost ?? []);
    this.reordered = reordered;
  }

  /**
   * A resume from `from` asks for every later seq again, so a frame lost on the old
   * connection (issued before the disconnect at gseq `since`) no longer excuses a gap: the
   * replay owed it. Only losses during or after the replay still do.
   */
  resumed(stream: string, from: number, since: number): void {
    for (const [label, count] of this.lost) {
      if (count <= 0 || !label.startsWith(`${stream}#`)) continue;
      const seq = Number(label.slice(stream.length + 1));
      const issued = this.issuedAt.get(label);
      if (seq > from && issued !== undefined && issued < since) this.lost.set(label, count - 1);
    }
  }

  /** Whether seqs after..before (exclusive) on `stream` all went missing through the chaos; uses up the excuses. */
  covers(stream: string, after: number, before: number, time: number): boolean {
    const missing = before - after - 1;
    if (missing <= 0) return missing === 0;
    let budget = this.reordered.length;
    for (const count of this.lost.values()) budget += count;
    if (missing > budget) return false;
    const destroyed: string[] = [];
    for (let seq = after + 1; seq < before; seq++) {
      const label = `${stream}#${seq}`;
      if ((this.lost.get(label) ?? 0) > 0) destroyed.push(label);
    }
    const heldBack = missing - destroyed.length;
    if (heldBack > this.reordered.filter((t) => t <= time).length) return false;
    for (const label of destroyed) this.lost.set(label, (this.lost.get(label) ?? 1) - 1);
    for (let i = 0; i < heldBack; i++)
      this.reordered.splice(
        this.reordered.findIndex((t) => t <= time),
        1,
      );
    return true;
  }
}

/**
 * Per client and stream, seqs go up by exactly one. A reconnect breaks the chain until the
 * client says where it continues: after session_resynced the next seq is seqs[stream] + 1,
 * after session_resumed it is from[stream] + 1 (whether the client marks the resume before or
 * after the replayed events arrive). Other streams may skip what was missed while away.
 * Under chaos, a gap is excused only when every missing seq is a frame the fault records say
 * was destroyed on that client's link (or held back by a reorder, then dropped as stale);
 * after a client reports a gap (session_gap), its next resync restarts the chain.
 */
export const streamsGapless: Invariant<TradingEvidence> = {
  name: NAME,
  description: 'per client and stream, seq rises by exactly 1, across resync and resume too',
  needs: [CAP.streamSeq],
  counts: 'events in sequence',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const faults = faultRecords(evidence);
    const lost = lostByClient(faults);
    const byClient = eventsByClient(evidence.events);
    const issuedAt = new Map<string, number>();
    if (faults.length > 0) {
      for (const rec of byClient.get(ADMIN_CLIENT) ?? []) {
        const label = `${rec.stream}#${rec.seq}`;
        if (!issuedAt.has(label)) issuedAt.set(label, rec.gseq);
      }
    }
    for (const [client, events] of byClient) {
      const chaos = new ChaosExcuse(lost.get(client), reorderedToClient(faults, client), issuedAt);
      const streams = new Map<string, StreamState>();
      let marker: TradingRecord | undefined;
      // Between a disconnect and the resync or resume that follows it.
      let away = false;
      let disconnectedAt = Number.NEGATIVE_INFINITY;
      // Streams the client reported a gap on, until its next resync.
      const gapped = new Set<string>();
      for (const rec of events) {
        if (is(rec, 'session_gap')) {
          if (typeof rec.event.stream === 'string') gapped.add(rec.event.stream);
          continue;
        }
        if (is(rec, 'session_disconnected') || is(rec, 'session_connected')) {
          if (rec.event.type === 'session_disconnected') {
            away = true;
            disconnectedAt = rec.gseq;
          }
          for (const state of streams.values()) {
            state.unsure = true;
            state.firstWhileUnsure = undefined;
          }
          continue;
        }
        if (is(rec, 'session_resumed')) {
          marker = rec;
          away = false;
          for (const [stream, from] of Object.entries(rec.event.from ?? {})) {
            chaos.resumed(stream, from, disconnectedAt);
            const state = streams.get(stream);
            const first = state?.firstWhileUnsure;
            if (
              first !== undefined &&
              first.seq !== from + 1 &&
              !(first.seq > from + 1 && chaos.covers(stream, from, first.seq, first.time))
            ) {
              out.push(
                violation(
                  NAME,
                  `${client} ${stream}: resumed from ${from}, but the first event after it was seq ${first.seq} (expected ${from + 1})`,
                  [rec, first],
                ),
              );
            }
            if (first === undefined || state === undefined) {
              streams.set(stream, { last: from, unsure: false, rec });
            } else {
              state.unsure = false;
              state.firstWhileUnsure = undefined;
            }
          }
          continue;
        }
        if (is(rec, 'session_resynced')) {
          marker = rec;
          away = false;
          for (const [stream, seq] of Object.entries(rec.event.seqs ?? {})) {
            const state = streams.get(stream);
            // Events that arrived while catching up may already be past what the snapshot covers.
            const caughtUp =
              state?.firstWhileUnsure !== undefined || (gapped.has(stream) && state !== undefined);
            const last = caughtUp ? Math.max(seq, state.last) : seq;
            streams.set(stream, { last, unsure: false, rec });
          }
          gapped.clear();
          continue;
        }
        if (isSessionStream(rec.stream) || typeof rec.seq !== 'number') continue;
        const state = streams.get(rec.stream);
        if (state === undefined) {
          // The first event of a subscription may start anywhere, unless a resume says where.
          streams.set(rec.stream, {
            last: rec.seq,
            unsure: away,
            rec,
            firstWhileUnsure: away ? rec : undefined,
          });
          continue;
        }
        tally?.count();
        if (state.unsure && state.firstWhileUnsure === undefined) {
          state.firstWhileUnsure = rec;
          state.last = rec.seq;
          state.rec = rec;
          continue;
        }
        if (rec.seq > state.last + 1 && chaos.covers(rec.stream, state.last, rec.seq, rec.time)) {
          state.last = rec.seq;
          state.rec = rec;
          continue;
        }
        if (rec.seq !== state.last + 1) {
          const what =
            rec.seq <= state.last
              ? `seq ${rec.seq} after ${state.last} (duplicate or out of order)`
              : `seq ${rec.seq} after ${state.last} (gap of ${rec.seq - state.last - 1})`;
          const after = state.rec === marker && marker !== undefined ? ` following ${marker.event.type}` : '';
          out.push(violation(NAME, `${client} ${rec.stream}: ${what}${after}`, [state.rec, rec]));
        }
        if (rec.seq > state.last) {
          state.last = rec.seq;
          state.rec = rec;
        }
      }
    }
    return out;
  },
};
